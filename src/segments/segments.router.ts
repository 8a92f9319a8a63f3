import { Router } from 'express';
import { callerOf } from '../accounts/auth.middleware';
import { toListResponse, toPageRequest } from '../search/list-request';
import { handle } from '../shared/validate';
import { pageQuery } from '../search/list-request';
import { filterBody, segmentCreateBody, segmentIdParams, segmentListQuery, segmentUpdateBody } from './segments.schemas';
import type { SegmentsService } from './segments.service';

export function segmentsRouter(segments: SegmentsService, options: { maxPerPage: number }): Router {
  const router = Router({ mergeParams: true });

  router.post(
    '/contacts/filter',
    handle({ query: pageQuery, body: filterBody }, async ({ query, body }, req, res) => {
      const request = toPageRequest(query, options.maxPerPage);
      res.json(toListResponse(await segments.filter(callerOf(req).accountId, body.payload, request), request));
    }),
  );

  router.get(
    '/custom_filters',
    handle({ query: segmentListQuery }, async ({ query }, req, res) => {
      const withCounts = query.with_counts === 'true' || query.with_counts === '1';
      res.json(await segments.list(callerOf(req).accountId, { filterType: query.filter_type, withCounts }));
    }),
  );
  router.post(
    '/custom_filters',
    handle({ body: segmentCreateBody }, async ({ body }, req, res) => {
      res.json(await segments.create(callerOf(req).accountId, body));
    }),
  );
  router.get(
    '/custom_filters/:id(\\d+)',
    handle({ params: segmentIdParams }, async ({ params }, req, res) => {
      res.json(await segments.show(callerOf(req).accountId, params.id));
    }),
  );
  const update = handle({ params: segmentIdParams, body: segmentUpdateBody }, async ({ params, body }, req, res) => {
    res.json(await segments.update(callerOf(req).accountId, params.id, body));
  });
  router.patch('/custom_filters/:id(\\d+)', update);
  router.put('/custom_filters/:id(\\d+)', update);
  router.delete(
    '/custom_filters/:id(\\d+)',
    handle({ params: segmentIdParams }, async ({ params }, req, res) => {
      await segments.remove(callerOf(req).accountId, params.id);
      res.json({});
    }),
  );
  router.get(
    '/custom_filters/:id(\\d+)/contacts',
    handle({ params: segmentIdParams, query: pageQuery }, async ({ params, query }, req, res) => {
      const request = toPageRequest(query, options.maxPerPage);
      res.json(toListResponse(await segments.run(callerOf(req).accountId, params.id, request), request));
    }),
  );

  return router;
}
