import { Router } from 'express';
import { callerOf } from '../accounts/auth.middleware';
import { handle } from '../shared/validate';
import { contactMergeSchema } from './contact-merge.schemas';
import type { ContactPayload } from '../records/contact.presenter';

export type MergeContacts = (accountId: number, baseId: number, mergeeId: number) => Promise<ContactPayload>;

export function contactMergeRouter(merge: MergeContacts): Router {
  const router = Router({ mergeParams: true });
  // Chatwoot answers with the base contact, bare.
  router.post(
    '/actions/contact_merge',
    handle({ body: contactMergeSchema }, async ({ body }, req, res) => {
      res.json(await merge(callerOf(req).accountId, body.base_contact_id, body.mergee_contact_id));
    }),
  );
  return router;
}
