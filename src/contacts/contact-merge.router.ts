import { Router } from 'express';
import { accountAccess, callerOf } from '../accounts/auth.middleware';
import { conflictResponse } from '../shared/error-handler';
import { defineRoute, json } from '../shared/route';
import { contactMergeQuery, contactMergeSchema, mergeIdsOf } from './contact-merge.schemas';
import { contactPayloadSchema, type ContactPayload } from '../records/contact.presenter';

export type MergeContacts = (accountId: number, baseId: number, mergeeId: number) => Promise<ContactPayload>;

export function contactMergeRouter(merge: MergeContacts): Router {
  const router = Router({ mergeParams: true });
  // Chatwoot answers with the base contact, bare.
  defineRoute(
    router,
    {
      method: 'post', path: '/actions/contact_merge', operationId: 'mergeContacts', summary: 'Merge the mergee contact into the base contact', tag: 'Contacts',
      access: accountAccess, body: contactMergeSchema, alsoForm: { emptyFields: 'absent' }, query: contactMergeQuery, responses: { '200': json('The base contact after the merge, bare', contactPayloadSchema), '409': conflictResponse },
    },
    async ({ body, query }, req, res) => {
      const { baseId, mergeeId } = mergeIdsOf(body, query);
      res.json(await merge(callerOf(req).accountId, baseId, mergeeId));
    },
  );
  return router;
}
