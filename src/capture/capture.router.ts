import { Router } from 'express';
import { z } from 'zod';
import { publicMessagePayloadSchema } from '../messaging/conversation.presenter';
import { conflictResponse } from '../shared/error-handler';
import { ValidationError } from '../shared/errors';
import { defineRoute, json, publicAccess } from '../shared/route';
import { sendJsonArray } from '../shared/send-json-array';
import type { CaptureService } from './capture.service';
import { emailCollectSchema, inboxPublicParams, newVisitorInputSchema, newVisitorQuery, visitorConversationParams, visitorConversationSchema, visitorInputSchema, visitorParams } from './capture.schemas';
import { visitorConversationPayloadSchema, visitorPayloadSchema } from './visitor.presenter';

const tag = 'Website widget (public)';
const visitorPath = '/contacts/:source_id';
// The widget's routes take form fields as Rails does, read as their JSON would be (an empty field is an empty text).
const VISITOR_FORM = { emptyFields: 'kept' } as const;

/**
 * Chatwoot's public client API for a website inbox, mounted at
 * /public/api/v1/inboxes/:inbox_identifier: no api_access_token, the inbox identifier and the
 * visitor's source_id are the credentials. Rate limited per client IP (the mount's guard).
 */
export function captureRouter(capture: CaptureService): Router {
  const router = Router({ mergeParams: true });

  defineRoute(
    router,
    {
      method: 'post', path: '/contacts', operationId: 'createVisitor', summary: 'Start a website visitor (its contact and source_id)', tag, access: publicAccess,
      params: inboxPublicParams, query: newVisitorQuery, body: newVisitorInputSchema, alsoForm: VISITOR_FORM, responses: { '200': json('The visitor', visitorPayloadSchema), '409': conflictResponse },
    },
    async ({ params, query, body }, _req, res) => {
      // Rails reads source_id from the body or the query string alike.
      if (query.source_id !== undefined && body.source_id !== undefined && query.source_id !== body.source_id) {
        throw new ValidationError('source_id is given twice (body and query) with different values', 'source_id');
      }
      res.status(200).json(await capture.createVisitor(params.inbox_identifier, { ...body, source_id: body.source_id ?? query.source_id }));
    },
  );

  defineRoute(
    router,
    {
      method: 'get', path: visitorPath, operationId: 'showVisitor', summary: 'Show a visitor', tag, access: publicAccess,
      params: visitorParams, responses: { '200': json('The visitor', visitorPayloadSchema) },
    },
    async ({ params }, _req, res) => {
      res.json(await capture.showVisitor(params.inbox_identifier, params.source_id));
    },
  );

  for (const method of ['patch', 'put'] as const) {
    defineRoute(
      router,
      {
        method, path: visitorPath, operationId: `${method}Visitor`, summary: 'Update or identify a visitor', tag, access: publicAccess,
        params: visitorParams, body: visitorInputSchema, alsoForm: VISITOR_FORM, responses: { '200': json('The visitor', visitorPayloadSchema), '409': conflictResponse },
      },
      async ({ params, body }, _req, res) => {
        res.json(await capture.updateVisitor(params.inbox_identifier, params.source_id, body));
      },
    );
  }

  defineRoute(
    router,
    {
      method: 'post', path: `${visitorPath}/conversations`, operationId: 'startVisitorConversation', summary: 'Pre-chat form: start a conversation with its first message', tag,
      access: publicAccess, params: visitorParams, body: visitorConversationSchema, alsoForm: VISITOR_FORM,
      responses: { '200': json('The conversation and the visitor', visitorConversationPayloadSchema), '409': conflictResponse },
    },
    async ({ params, body }, _req, res) => {
      res.status(200).json(await capture.startConversation(params.inbox_identifier, params.source_id, body));
    },
  );

  defineRoute(
    router,
    {
      method: 'get', path: `${visitorPath}/conversations`, operationId: 'listVisitorConversations', summary: "The visitor's conversations in this inbox with their messages", tag,
      access: publicAccess, params: visitorParams, responses: { '200': json('Newest first, each as the pre-chat form answered it', z.array(visitorConversationPayloadSchema)) },
    },
    async ({ params }, _req, res) => {
      await sendJsonArray(res, await capture.conversationPagesOf(params.inbox_identifier, params.source_id));
    },
  );

  defineRoute(
    router,
    {
      method: 'get', path: `${visitorPath}/conversations/:conversation_id(\\d+)/messages`, operationId: 'listVisitorMessages', summary: "A conversation's messages, for its visitor only", tag,
      access: publicAccess, params: visitorConversationParams, responses: { '200': json('Oldest first', z.array(publicMessagePayloadSchema)) },
    },
    async ({ params }, _req, res) => {
      res.json(await capture.messagesOf(params.inbox_identifier, params.source_id, params.conversation_id));
    },
  );

  defineRoute(
    router,
    {
      method: 'post', path: `${visitorPath}/email_collect`, operationId: 'collectVisitorEmail', summary: "Email collect: the visitor's email", tag, access: publicAccess,
      params: visitorParams, body: emailCollectSchema, alsoForm: VISITOR_FORM, responses: { '200': json('The visitor', visitorPayloadSchema), '409': conflictResponse },
    },
    async ({ params, body }, _req, res) => {
      res.json(await capture.collectEmail(params.inbox_identifier, params.source_id, body.email));
    },
  );

  return router;
}
