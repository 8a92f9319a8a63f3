import { Router } from 'express';
import { callerOf } from '../accounts/auth.middleware';
import { handle } from '../shared/validate';
import { bulkActionBody, bulkActionIdParams } from './bulk-actions.schemas';
import type { BulkActionsService } from './bulk-actions.service';

export function bulkActionsRouter(bulkActions: BulkActionsService): Router {
  const router = Router({ mergeParams: true });

  router.post(
    '/bulk_actions',
    handle({ body: bulkActionBody }, async ({ body }, req, res) => {
      const caller = callerOf(req);
      const { inline, action } = await bulkActions.create(caller.accountId, caller.role, body);
      res.status(inline ? 200 : 202).json(action);
    }),
  );
  router.get(
    '/bulk_actions/:id(\\d+)',
    handle({ params: bulkActionIdParams }, async ({ params }, req, res) => {
      res.json(await bulkActions.show(callerOf(req).accountId, params.id));
    }),
  );
  return router;
}
