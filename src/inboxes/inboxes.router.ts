import { Router } from 'express';
import { callerOf, requireAdministrator } from '../accounts/auth.middleware';
import { handle } from '../shared/validate';
import type { InboxesService } from './inboxes.service';
import { createInboxSchema, inboxParams, updateInboxSchema } from './inboxes.schemas';

/** Every user of the account may see the inboxes (to pick one for a message); administrators change them. */
export function inboxesRouter(inboxes: InboxesService): Router {
  const router = Router({ mergeParams: true });

  router.get(
    '/inboxes',
    handle({}, async (_input, req, res) => {
      res.json({ payload: await inboxes.list(callerOf(req).accountId) });
    }),
  );

  router.post(
    '/inboxes',
    requireAdministrator,
    handle({ body: createInboxSchema }, async ({ body }, req, res) => {
      res.status(200).json(await inboxes.create(callerOf(req).accountId, body));
    }),
  );

  router.get(
    '/inboxes/:id(\\d+)',
    handle({ params: inboxParams }, async ({ params }, req, res) => {
      res.json(await inboxes.show(callerOf(req).accountId, params.id));
    }),
  );

  router.patch(
    '/inboxes/:id(\\d+)',
    requireAdministrator,
    handle({ params: inboxParams, body: updateInboxSchema }, async ({ params, body }, req, res) => {
      res.json(await inboxes.update(callerOf(req).accountId, params.id, body));
    }),
  );

  router.post(
    '/inboxes/:id(\\d+)/reset_hmac_token',
    requireAdministrator,
    handle({ params: inboxParams }, async ({ params }, req, res) => {
      res.json(await inboxes.resetHmacToken(callerOf(req).accountId, params.id));
    }),
  );

  router.delete(
    '/inboxes/:id(\\d+)',
    requireAdministrator,
    handle({ params: inboxParams }, async ({ params }, req, res) => {
      await inboxes.remove(callerOf(req).accountId, params.id);
      res.status(200).json({});
    }),
  );

  return router;
}
