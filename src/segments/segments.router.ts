import { Router } from 'express';
import { z } from 'zod';
import { accountAccess, callerOf } from '../accounts/auth.middleware';
import { answerContactPage, includeContactInboxesQuery, type ContactInboxesOption } from '../contacts/contact-inboxes-option';
import { labelFilter, toPageRequest } from '../search/list-request';
import { withoutAnsweredFields } from '../shared/answered-fields';
import { searchUnavailableResponse } from '../shared/error-handler';
import { defineRoute, json, noContent, type JsonSchema } from '../shared/route';
import { bareOrWrappedSchema } from '../shared/wrapped-body';
import { segmentPayloadSchema } from './segment.presenter';
import { filterBody, filterIncludes, filterLabels, filterPaging, filterQuery, filterSearch, segmentCreateBody, segmentIdParams, segmentListQuery, segmentRunQuery, segmentUpdateBody } from './segments.schemas';
import type { SegmentsService } from './segments.service';

const tag = 'Segments';

/** Chatwoot clients wrap a custom filter's fields in `custom_filter`; the schema's preprocess takes both. */
const wrappedInCustomFilter = bareOrWrappedSchema('custom_filter');

/** The filter's body as documented: the object, or its conditions bare (read as the payload). */
const orBareConditions = (fields: JsonSchema): JsonSchema => ({
  anyOf: [fields, { type: 'array', items: { type: 'object' }, description: 'the conditions alone, read as the payload (as swagger-generated Chatwoot SDKs send them)' }],
});

export function segmentsRouter(segments: SegmentsService, options: { maxPerPage: number; contactInboxes: ContactInboxesOption }): Router {
  const router = Router({ mergeParams: true });

  defineRoute(
    router,
    {
      method: 'post', path: '/contacts/filter', operationId: 'filterContacts', summary: "Run a filter (Chatwoot's filter payload)", tag, access: accountAccess,
      query: filterQuery.extend(includeContactInboxesQuery), body: filterBody, bodySchema: orBareConditions, responses: { '200': json('A page of matching contacts', options.contactInboxes.list), '503': searchUnavailableResponse },
    },
    async ({ query, body }, req, res) => {
      const request = toPageRequest(filterPaging(query, body), options.maxPerPage);
      const within = { q: filterSearch(query, body), labels: labelFilter(filterLabels(query, body)) };
      res.json(await answerContactPage(options.contactInboxes, callerOf(req).accountId, filterIncludes(query, body), await segments.filter(callerOf(req).accountId, body.payload, request, within), request));
    },
  );

  defineRoute(
    router,
    {
      method: 'get', path: '/custom_filters', operationId: 'listSegments', summary: 'List segments (saved filters), optionally with counts', tag, access: accountAccess,
      query: segmentListQuery, responses: { '200': json('The segments, bare; each with `count` when with_counts is true (null when it cannot be counted)', z.array(segmentPayloadSchema)), '503': searchUnavailableResponse },
    },
    async ({ query }, req, res) => {
      const withCounts = query.with_counts === 'true' || query.with_counts === '1';
      res.json(await segments.list(callerOf(req).accountId, { filterType: query.filter_type, withCounts }));
    },
  );
  defineRoute(
    router,
    {
      method: 'post', path: '/custom_filters', operationId: 'createSegment', summary: 'Save a filter as a segment', tag, access: accountAccess,
      body: segmentCreateBody, bodySchema: wrappedInCustomFilter, responses: { '200': json('The segment', segmentPayloadSchema) },
    },
    async ({ body }, req, res) => {
      res.json(await segments.create(callerOf(req).accountId, body));
    },
  );
  defineRoute(
    router,
    {
      method: 'get', path: '/custom_filters/:id(\\d+)', operationId: 'showSegment', summary: 'Show a segment', tag, access: accountAccess,
      params: segmentIdParams, responses: { '200': json('The segment', segmentPayloadSchema) },
    },
    async ({ params }, req, res) => {
      res.json(await segments.show(callerOf(req).accountId, params.id));
    },
  );
  for (const method of ['patch', 'put'] as const) {
    defineRoute(
      router,
      {
        method, path: '/custom_filters/:id(\\d+)', operationId: `${method}Segment`, summary: 'Update a segment', tag, access: accountAccess,
        params: segmentIdParams, body: segmentUpdateBody, bodySchema: wrappedInCustomFilter, responses: { '200': json('The segment', segmentPayloadSchema) },
      },
      async ({ params, body }, req, res) => {
        const { accountId } = callerOf(req);
        res.json(await segments.update(accountId, params.id, withoutAnsweredFields(body, { id: params.id, accountId }, ['count'])));
      },
    );
  }
  defineRoute(
    router,
    {
      method: 'delete', path: '/custom_filters/:id(\\d+)', operationId: 'deleteSegment', summary: 'Delete a segment', tag, access: accountAccess,
      params: segmentIdParams, responses: { '204': noContent('Deleted (204 No Content, as Chatwoot answers)') },
    },
    async ({ params }, req, res) => {
      await segments.remove(callerOf(req).accountId, params.id);
      res.status(204).end();
    },
  );
  defineRoute(
    router,
    {
      method: 'get', path: '/custom_filters/:id(\\d+)/contacts', operationId: 'runSegment', summary: "A page of the segment's contacts", tag, access: accountAccess,
      params: segmentIdParams, query: segmentRunQuery.extend(includeContactInboxesQuery), responses: { '200': json('A page of contacts', options.contactInboxes.list), '503': searchUnavailableResponse },
    },
    async ({ params, query }, req, res) => {
      const request = toPageRequest(query, options.maxPerPage);
      res.json(await answerContactPage(options.contactInboxes, callerOf(req).accountId, query, await segments.run(callerOf(req).accountId, params.id, request, { q: query.q, labels: labelFilter(query.labels) }), request));
    },
  );

  return router;
}
