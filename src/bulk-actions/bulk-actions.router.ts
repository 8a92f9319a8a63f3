import { Router } from 'express';
import { accountAccess, callerOf } from '../accounts/auth.middleware';
import { conflictResponse, errorBodySchema, searchUnavailableResponse } from '../shared/error-handler';
import { defineRoute, json } from '../shared/route';
import { bulkActionPayloadSchema } from './bulk-action.presenter';
import { bulkActionBody, bulkActionIdParams } from './bulk-actions.schemas';
import type { BulkActionsService } from './bulk-actions.service';

const tag = 'Bulk actions';

export function bulkActionsRouter(bulkActions: BulkActionsService): Router {
  const router = Router({ mergeParams: true });

  defineRoute(
    router,
    {
      method: 'post', path: '/bulk_actions', operationId: 'createBulkAction', summary: 'Add or remove labels, or delete, on selected contacts', tag, access: accountAccess,
      body: bulkActionBody, alsoForm: { emptyFields: 'absent' },
      responses: {
        '200': json('Done within the request (up to 100 contacts selected)', bulkActionPayloadSchema),
        '202': json('Accepted and queued; poll GET /bulk_actions/{id}', bulkActionPayloadSchema),
        '403': json('A delete by a caller who is not an administrator', errorBodySchema),
        '409': conflictResponse,
        '503': { ...searchUnavailableResponse, description: `${searchUnavailableResponse.description}; or the job queue cannot take the action` },
      },
    },
    async ({ body }, req, res) => {
      const caller = callerOf(req);
      const { inline, action } = await bulkActions.create(caller.accountId, caller.role, body);
      res.status(inline ? 200 : 202).json(action);
    },
  );
  defineRoute(
    router,
    {
      method: 'get', path: '/bulk_actions/:id(\\d+)', operationId: 'showBulkAction', summary: "A bulk action's progress", tag, access: accountAccess,
      params: bulkActionIdParams, responses: { '200': json('The bulk action', bulkActionPayloadSchema) },
    },
    async ({ params }, req, res) => {
      res.json(await bulkActions.show(callerOf(req).accountId, params.id));
    },
  );
  return router;
}
