import { Router } from 'express';
import { z } from 'zod';
import { accountAccess, callerOf } from '../accounts/auth.middleware';
import { contactInboxPayloadSchema } from '../inboxes/contact-inbox.presenter';
import { conflictResponse } from '../shared/error-handler';
import { payloadOf } from '../shared/response-fields';
import { defineRoute, json } from '../shared/route';
import { sendJsonArray } from '../shared/send-json-array';
import { conversationMessagesSchema, conversationPayloadSchema } from './conversation.presenter';
import type { MessagingService } from './messaging.service';
import { contactParams, conversationMessageParams, conversationParams, newContactInboxSchema, newConversationSchema } from './messaging.schemas';

const tag = 'Messaging';

export function messagingRouter(messaging: MessagingService): Router {
  const router = Router({ mergeParams: true });

  defineRoute(
    router,
    {
      method: 'get', path: '/contacts/:id(\\d+)/contactable_inboxes', operationId: 'listContactableInboxes', summary: 'Inboxes that can reach the contact', tag,
      access: accountAccess, params: contactParams,
      responses: { '200': json('Each inbox with the source_id it would send to', payloadOf(z.array(contactInboxPayloadSchema))) },
    },
    async ({ params }, req, res) => {
      res.json({ payload: await messaging.contactableInboxes(callerOf(req).accountId, params.id) });
    },
  );

  defineRoute(
    router,
    {
      method: 'post', path: '/contacts/:id(\\d+)/contact_inboxes', operationId: 'createContactInbox', summary: "Link the contact to an inbox (Chatwoot's contact inbox)", tag,
      access: accountAccess, params: contactParams, body: newContactInboxSchema,
      responses: { '200': json('The contact inbox: the source_id that names the contact there, and the inbox', contactInboxPayloadSchema) },
    },
    async ({ params, body }, req, res) => {
      res.json(await messaging.linkContactInbox(callerOf(req).accountId, params.id, body));
    },
  );

  defineRoute(
    router,
    {
      method: 'get', path: '/contacts/:id(\\d+)/conversations', operationId: 'listContactConversations', summary: "The contact's conversations with their messages", tag,
      access: accountAccess, params: contactParams, responses: { '200': json('The conversations', payloadOf(z.array(conversationPayloadSchema))) },
    },
    async ({ params }, req, res) => {
      await sendJsonArray(res, await messaging.conversationPagesOf(callerOf(req).accountId, params.id), { key: 'payload' });
    },
  );

  defineRoute(
    router,
    {
      method: 'get', path: '/conversations/:id(\\d+)', operationId: 'showConversation', summary: 'One conversation with its messages and their delivery status', tag,
      access: accountAccess, params: conversationParams, responses: { '200': json('The conversation', conversationPayloadSchema) },
    },
    async ({ params }, req, res) => {
      res.json(await messaging.conversation(callerOf(req).accountId, params.id));
    },
  );

  defineRoute(
    router,
    {
      method: 'get', path: '/conversations/:id(\\d+)/messages', operationId: 'listConversationMessages', summary: "A conversation's messages, oldest first, with their delivery status", tag,
      access: accountAccess, params: conversationParams,
      responses: { '200': json("Chatwoot's messages list: the contact in meta, the messages in payload", conversationMessagesSchema) },
    },
    async ({ params }, req, res) => {
      const conversation = await messaging.conversation(callerOf(req).accountId, params.id);
      res.json({ meta: { contact: conversation.meta.sender }, payload: conversation.messages });
    },
  );

  defineRoute(
    router,
    {
      method: 'post', path: '/conversations/:conversation_id(\\d+)/messages/:id(\\d+)/retry', operationId: 'retryMessage',
      summary: "Queue a message that failed again (Chatwoot's retry); one that did not fail is left as it is", tag,
      access: accountAccess, params: conversationMessageParams,
      responses: { '200': json('The conversation, the message queued again', conversationPayloadSchema) },
    },
    async ({ params }, req, res) => {
      res.json(await messaging.retryMessage(callerOf(req).accountId, params.conversation_id, params.id));
    },
  );

  defineRoute(
    router,
    {
      method: 'post', path: '/conversations', operationId: 'startConversation', summary: 'Send a first outbound message to a contact through an inbox', tag,
      access: accountAccess, body: newConversationSchema, alsoForm: { emptyFields: 'absent' },
      responses: { '200': json('The conversation with its queued message', conversationPayloadSchema), '409': conflictResponse },
    },
    async ({ body }, req, res) => {
      res.status(200).json(await messaging.startConversation(callerOf(req), body));
    },
  );

  return router;
}
