import { Router } from 'express';
import { callerOf, requireAdministrator } from '../accounts/auth.middleware';
import { handle } from '../shared/validate';
import { definitionCreateSchema, definitionIdParams, definitionListQuery, definitionUpdateSchema } from './custom-attributes.schemas';
import type { CustomAttributesService } from './custom-attributes.service';

export function customAttributesRouter(service: CustomAttributesService): Router {
  const router = Router({ mergeParams: true });
  const path = '/custom_attribute_definitions';

  router.get(
    path,
    handle({ query: definitionListQuery }, async ({ query }, req, res) => {
      res.json(await service.list(callerOf(req).accountId, query.attribute_model));
    }),
  );
  router.post(
    path,
    requireAdministrator,
    handle({ body: definitionCreateSchema }, async ({ body }, req, res) => {
      res.json(await service.create(callerOf(req).accountId, body));
    }),
  );
  router.get(
    `${path}/:id(\\d+)`,
    handle({ params: definitionIdParams }, async ({ params }, req, res) => {
      res.json(await service.show(callerOf(req).accountId, params.id));
    }),
  );
  const update = handle({ params: definitionIdParams, body: definitionUpdateSchema }, async ({ params, body }, req, res) => {
    res.json(await service.update(callerOf(req).accountId, params.id, body));
  });
  router.patch(`${path}/:id(\\d+)`, requireAdministrator, update);
  router.put(`${path}/:id(\\d+)`, requireAdministrator, update);
  router.delete(
    `${path}/:id(\\d+)`,
    requireAdministrator,
    handle({ params: definitionIdParams }, async ({ params }, req, res) => {
      await service.remove(callerOf(req).accountId, params.id);
      res.json({});
    }),
  );
  return router;
}
