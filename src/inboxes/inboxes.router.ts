import { Router } from 'express';
import { z } from 'zod';
import { accountAccess, administratorAccess, callerOf } from '../accounts/auth.middleware';
import { emptySchema, payloadOf } from '../shared/response-fields';
import { defineRoute, json } from '../shared/route';
import { inboxPayloadSchema } from './inbox.presenter';
import type { InboxesService } from './inboxes.service';
import { createInboxSchema, inboxParams, updateInboxSchema } from './inboxes.schemas';

const tag = 'Inboxes';

/** Every user of the account may see the inboxes (to pick one for a message); administrators change them. */
export function inboxesRouter(inboxes: InboxesService): Router {
  const router = Router({ mergeParams: true });

  defineRoute(
    router,
    {
      method: 'get', path: '/inboxes', operationId: 'listInboxes', summary: "List the account's inboxes", tag, access: accountAccess,
      responses: { '200': json('The inboxes, secrets masked but for the HMAC secret, which administrators see in full', payloadOf(z.array(inboxPayloadSchema))) },
    },
    async (_input, req, res) => {
      const caller = callerOf(req);
      res.json({ payload: await inboxes.list(caller.accountId, caller) });
    },
  );

  defineRoute(
    router,
    {
      method: 'post', path: '/inboxes', operationId: 'createInbox', summary: 'Create an inbox', tag, access: administratorAccess,
      body: createInboxSchema, responses: { '200': json('The inbox; a website inbox shows its generated hmac_token in full', inboxPayloadSchema) },
    },
    async ({ body }, req, res) => {
      res.status(200).json(await inboxes.create(callerOf(req).accountId, body));
    },
  );

  defineRoute(
    router,
    {
      method: 'get', path: '/inboxes/:id(\\d+)', operationId: 'showInbox', summary: 'Show an inbox', tag, access: accountAccess,
      params: inboxParams, responses: { '200': json('The inbox, secrets masked but for the HMAC secret, which administrators see in full', inboxPayloadSchema) },
    },
    async ({ params }, req, res) => {
      const caller = callerOf(req);
      res.json(await inboxes.show(caller.accountId, params.id, caller));
    },
  );

  // PUT as well as PATCH: Rails routes both to Chatwoot's update, and its clients use either (PUT was a 404 "no route").
  for (const [method, operationId] of [['patch', 'updateInbox'], ['put', 'putInbox']] as const) {
    defineRoute(
      router,
      {
        method, path: '/inboxes/:id(\\d+)', operationId, summary: "Update an inbox's name or channel settings (a secret left out is kept)", tag,
        access: administratorAccess, params: inboxParams, body: updateInboxSchema, responses: { '200': json('The inbox, secrets masked but for the HMAC secret', inboxPayloadSchema) },
      },
      async ({ params, body }, req, res) => {
        res.json(await inboxes.update(callerOf(req).accountId, params.id, body));
      },
    );
  }

  defineRoute(
    router,
    {
      method: 'post', path: '/inboxes/:id(\\d+)/reset_hmac_token', operationId: 'resetInboxHmacToken', summary: "Replace a website inbox's HMAC secret", tag,
      access: administratorAccess, params: inboxParams, responses: { '200': json('The inbox with the new hmac_token in full', inboxPayloadSchema) },
    },
    async ({ params }, req, res) => {
      res.json(await inboxes.resetHmacToken(callerOf(req).accountId, params.id));
    },
  );

  defineRoute(
    router,
    {
      method: 'delete', path: '/inboxes/:id(\\d+)', operationId: 'deleteInbox', summary: 'Delete an inbox', tag, access: administratorAccess,
      params: inboxParams, responses: { '200': json('Deleted', emptySchema) },
    },
    async ({ params }, req, res) => {
      await inboxes.remove(callerOf(req).accountId, params.id);
      res.status(200).json({});
    },
  );

  return router;
}
