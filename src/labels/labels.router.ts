import { Router, type Response } from 'express';
import { z } from 'zod';
import { accountAccess, administratorAccess, callerOf } from '../accounts/auth.middleware';
import { contactETag, versionsOf, withContactETag } from '../contacts/contact-etag';
import { contactIdParams, ifMatchHeaders } from '../contacts/contacts.schemas';
import { withoutAnsweredFields } from '../shared/answered-fields';
import { conflictResponse, preconditionFailedResponse } from '../shared/error-handler';
import { emptySchema, payloadOf } from '../shared/response-fields';
import { defineRoute, ifNoneMatchHeadersOf, json, notModifiedResponse } from '../shared/route';
import { bareOrWrappedSchema } from '../shared/wrapped-body';
import { labelPayloadSchema } from './label.presenter';
import { contactLabelsSchema, labelCreateSchema, labelIdParams, labelUpdateSchema } from './labels.schemas';
import type { LabelsService } from './labels.service';

const tag = 'Labels';

const bareOrWrapped = bareOrWrappedSchema('label');

/**
 * A contact's labels with the contact's ETag (its version), which If-Match on the next labels
 * write or PATCH takes; Express's own (a weak hash of the body) was answered, and refused as stale.
 */
function answerWithVersion(res: Response, answer: { payload: string[] }, version: number) {
  res.set('ETag', contactETag(version, answer)).json(answer);
}

export function labelsRouter(labels: LabelsService): Router {
  const router = Router({ mergeParams: true });

  defineRoute(
    router,
    {
      method: 'get', path: '/labels', operationId: 'listLabels', summary: "List the account's labels", tag, access: accountAccess,
      responses: { '200': json('Every label, by title', payloadOf(z.array(labelPayloadSchema))) },
    },
    async (_input, req, res) => {
      res.json({ payload: await labels.list(callerOf(req).accountId) });
    },
  );
  defineRoute(
    router,
    {
      method: 'post', path: '/labels', operationId: 'createLabel', summary: 'Create a label', tag, access: administratorAccess,
      body: labelCreateSchema, bodySchema: bareOrWrapped, responses: { '200': json('The label', labelPayloadSchema), '409': conflictResponse },
    },
    async ({ body }, req, res) => {
      res.json(await labels.create(callerOf(req).accountId, body));
    },
  );
  defineRoute(
    router,
    {
      method: 'get', path: '/labels/:id(\\d+)', operationId: 'showLabel', summary: 'Show a label', tag, access: accountAccess,
      params: labelIdParams, responses: { '200': json('The label', labelPayloadSchema) },
    },
    async ({ params }, req, res) => {
      res.json(await labels.show(callerOf(req).accountId, params.id));
    },
  );
  // PUT as well as PATCH: Rails routes both to Chatwoot's update, and its clients use either.
  for (const [method, operationId] of [['patch', 'updateLabel'], ['put', 'putLabel']] as const) {
    defineRoute(
      router,
      {
        method, path: '/labels/:id(\\d+)', operationId, summary: 'Update a label; a new title renames it on every contact that carries it (moved within the request when few, else by a job)', tag, access: administratorAccess,
        params: labelIdParams, body: labelUpdateSchema, bodySchema: bareOrWrapped, responses: { '200': json('The label', labelPayloadSchema), '409': conflictResponse },
      },
      async ({ params, body }, req, res) => {
        const { accountId } = callerOf(req);
        res.json(await labels.update(accountId, params.id, withoutAnsweredFields(body, { id: params.id, accountId })));
      },
    );
  }
  defineRoute(
    router,
    {
      method: 'delete', path: '/labels/:id(\\d+)', operationId: 'deleteLabel', summary: 'Delete a label and take it off every contact', tag, access: administratorAccess,
      params: labelIdParams, responses: { '200': json('Deleted', emptySchema), '409': conflictResponse },
    },
    async ({ params }, req, res) => {
      await labels.remove(callerOf(req).accountId, params.id);
      res.json({});
    },
  );

  defineRoute(
    router,
    {
      method: 'get', path: '/contacts/:id(\\d+)/labels', operationId: 'listContactLabels', summary: "A contact's labels", tag, access: accountAccess,
      params: contactIdParams, headers: ifNoneMatchHeadersOf("the contact's labels"), responses: { '200': withContactETag(json('Label titles', payloadOf(z.array(z.string())))), '304': notModifiedResponse },
    },
    async ({ params }, req, res) => {
      const { labels: payload, version } = await labels.contactLabels(callerOf(req).accountId, params.id);
      answerWithVersion(res, { payload }, version);
    },
  );
  defineRoute(
    router,
    {
      method: 'post', path: '/contacts/:id(\\d+)/labels', operationId: 'setContactLabels', summary: "Replace a contact's labels", tag, access: accountAccess,
      params: contactIdParams, body: contactLabelsSchema, headers: ifMatchHeaders,
      responses: { '200': withContactETag(json('The label titles now on the contact', payloadOf(z.array(z.string())))), '409': conflictResponse, '412': preconditionFailedResponse },
    },
    async ({ params, body, headers }, req, res) => {
      const ifVersion = versionsOf(headers['if-match']);
      const { labels: payload, version } = await labels.setContactLabels(callerOf(req).accountId, params.id, body.labels, { ifVersion });
      answerWithVersion(res, { payload }, version);
    },
  );

  return router;
}
