import { Router } from 'express';
import { callerOf, requireAdministrator } from '../accounts/auth.middleware';
import { contactIdParams } from '../contacts/contacts.schemas';
import { handle } from '../shared/validate';
import { contactLabelsSchema, labelCreateSchema, labelIdParams, labelUpdateSchema } from './labels.schemas';
import type { LabelsService } from './labels.service';

export function labelsRouter(labels: LabelsService): Router {
  const router = Router({ mergeParams: true });

  router.get(
    '/labels',
    handle({}, async (_input, req, res) => {
      res.json({ payload: await labels.list(callerOf(req).accountId) });
    }),
  );
  router.post(
    '/labels',
    requireAdministrator,
    handle({ body: labelCreateSchema }, async ({ body }, req, res) => {
      res.json(await labels.create(callerOf(req).accountId, body));
    }),
  );
  router.get(
    '/labels/:id(\\d+)',
    handle({ params: labelIdParams }, async ({ params }, req, res) => {
      res.json(await labels.show(callerOf(req).accountId, params.id));
    }),
  );
  router.patch(
    '/labels/:id(\\d+)',
    requireAdministrator,
    handle({ params: labelIdParams, body: labelUpdateSchema }, async ({ params, body }, req, res) => {
      res.json(await labels.update(callerOf(req).accountId, params.id, body));
    }),
  );
  router.delete(
    '/labels/:id(\\d+)',
    requireAdministrator,
    handle({ params: labelIdParams }, async ({ params }, req, res) => {
      await labels.remove(callerOf(req).accountId, params.id);
      res.json({});
    }),
  );

  router.get(
    '/contacts/:id(\\d+)/labels',
    handle({ params: contactIdParams }, async ({ params }, req, res) => {
      res.json({ payload: await labels.contactLabels(callerOf(req).accountId, params.id) });
    }),
  );
  router.post(
    '/contacts/:id(\\d+)/labels',
    handle({ params: contactIdParams, body: contactLabelsSchema }, async ({ params, body }, req, res) => {
      res.json({ payload: await labels.setContactLabels(callerOf(req).accountId, params.id, body.labels) });
    }),
  );

  return router;
}
