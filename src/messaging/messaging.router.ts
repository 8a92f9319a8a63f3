import { Router } from 'express';
import { callerOf } from '../accounts/auth.middleware';
import { handle } from '../shared/validate';
import type { MessagingService } from './messaging.service';
import { contactParams, newConversationSchema } from './messaging.schemas';

export function messagingRouter(messaging: MessagingService): Router {
  const router = Router({ mergeParams: true });

  router.get(
    '/contacts/:id(\\d+)/contactable_inboxes',
    handle({ params: contactParams }, async ({ params }, req, res) => {
      res.json({ payload: await messaging.contactableInboxes(callerOf(req).accountId, params.id) });
    }),
  );

  router.get(
    '/contacts/:id(\\d+)/conversations',
    handle({ params: contactParams }, async ({ params }, req, res) => {
      res.json({ payload: await messaging.conversationsOf(callerOf(req).accountId, params.id) });
    }),
  );

  router.post(
    '/conversations',
    handle({ body: newConversationSchema }, async ({ body }, req, res) => {
      res.status(200).json(await messaging.startConversation(callerOf(req), body));
    }),
  );

  return router;
}
