import { Router } from 'express';
import { handle } from '../shared/validate';
import type { CaptureService } from './capture.service';
import { emailCollectSchema, inboxPublicParams, visitorConversationSchema, visitorInputSchema, visitorParams } from './capture.schemas';

/**
 * Chatwoot's public client API for a website inbox, mounted at
 * /public/api/v1/inboxes/:inbox_identifier: no api_access_token, the inbox identifier and the
 * visitor's source_id are the credentials.
 */
export function captureRouter(capture: CaptureService): Router {
  const router = Router({ mergeParams: true });

  router.post(
    '/contacts',
    handle({ params: inboxPublicParams, body: visitorInputSchema }, async ({ params, body }, _req, res) => {
      res.status(200).json(await capture.createVisitor(params.inbox_identifier, body));
    }),
  );

  router.get(
    '/contacts/:source_id',
    handle({ params: visitorParams }, async ({ params }, _req, res) => {
      res.json(await capture.showVisitor(params.inbox_identifier, params.source_id));
    }),
  );

  const update = handle({ params: visitorParams, body: visitorInputSchema }, async ({ params, body }, _req, res) => {
    res.json(await capture.updateVisitor(params.inbox_identifier, params.source_id, body));
  });
  router.patch('/contacts/:source_id', update);
  router.put('/contacts/:source_id', update);

  router.post(
    '/contacts/:source_id/conversations',
    handle({ params: visitorParams, body: visitorConversationSchema }, async ({ params, body }, _req, res) => {
      res.status(200).json(await capture.startConversation(params.inbox_identifier, params.source_id, body));
    }),
  );

  router.post(
    '/contacts/:source_id/email_collect',
    handle({ params: visitorParams, body: emailCollectSchema }, async ({ params, body }, _req, res) => {
      res.json(await capture.collectEmail(params.inbox_identifier, params.source_id, body.email));
    }),
  );

  return router;
}
