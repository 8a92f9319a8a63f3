import { Router } from 'express';
import { z } from 'zod';
import { accountAccess, administratorAccess, callerOf } from '../accounts/auth.middleware';
import { emptySchema } from '../shared/response-fields';
import { defineRoute, json } from '../shared/route';
import { definitionPayloadSchema } from './custom-attribute-definition.presenter';
import { definitionCreateSchema, definitionIdParams, definitionListQuery, definitionUpdateSchema } from './custom-attributes.schemas';
import type { CustomAttributesService } from './custom-attributes.service';

const tag = 'Custom attributes';

export function customAttributesRouter(service: CustomAttributesService): Router {
  const router = Router({ mergeParams: true });
  const path = '/custom_attribute_definitions';

  defineRoute(
    router,
    {
      method: 'get', path, operationId: 'listCustomAttributeDefinitions', summary: 'List custom attribute definitions', tag, access: accountAccess,
      query: definitionListQuery, responses: { '200': json('The definitions, bare', z.array(definitionPayloadSchema)) },
    },
    async ({ query }, req, res) => {
      res.json(await service.list(callerOf(req).accountId, query.attribute_model));
    },
  );
  defineRoute(
    router,
    {
      method: 'post', path, operationId: 'createCustomAttributeDefinition', summary: 'Define a custom attribute', tag, access: administratorAccess,
      body: definitionCreateSchema, responses: { '200': json('The definition', definitionPayloadSchema) },
    },
    async ({ body }, req, res) => {
      res.json(await service.create(callerOf(req).accountId, body));
    },
  );
  defineRoute(
    router,
    {
      method: 'get', path: `${path}/:id(\\d+)`, operationId: 'showCustomAttributeDefinition', summary: 'Show a custom attribute definition', tag, access: accountAccess,
      params: definitionIdParams, responses: { '200': json('The definition', definitionPayloadSchema) },
    },
    async ({ params }, req, res) => {
      res.json(await service.show(callerOf(req).accountId, params.id));
    },
  );
  for (const method of ['patch', 'put'] as const) {
    defineRoute(
      router,
      {
        method, path: `${path}/:id(\\d+)`, operationId: `${method}CustomAttributeDefinition`, summary: 'Update a custom attribute definition (key and type cannot change)', tag,
        access: administratorAccess, params: definitionIdParams, body: definitionUpdateSchema, responses: { '200': json('The definition', definitionPayloadSchema) },
      },
      async ({ params, body }, req, res) => {
        res.json(await service.update(callerOf(req).accountId, params.id, body));
      },
    );
  }
  defineRoute(
    router,
    {
      method: 'delete', path: `${path}/:id(\\d+)`, operationId: 'deleteCustomAttributeDefinition', summary: 'Delete a custom attribute definition (values stay on contacts)', tag,
      access: administratorAccess, params: definitionIdParams, responses: { '200': json('Deleted', emptySchema) },
    },
    async ({ params }, req, res) => {
      await service.remove(callerOf(req).accountId, params.id);
      res.json({});
    },
  );
  return router;
}
