import { Router } from 'express';
import { z } from 'zod';
import { accountAccess, administratorAccess, callerOf } from '../accounts/auth.middleware';
import { withoutAnsweredFields } from '../shared/answered-fields';
import { conflictResponse } from '../shared/error-handler';
import { defineRoute, json, noContent, type JsonSchema } from '../shared/route';
import { bareOrWrappedSchema } from '../shared/wrapped-body';
import { definitionPayloadSchema } from './custom-attribute-definition.presenter';
import { definitionCreateSchema, definitionIdParams, definitionListQuery, definitionUpdateSchema } from './custom-attributes.schemas';
import type { CustomAttributesService } from './custom-attributes.service';

const tag = 'Custom attributes';

/**
 * What the schemas' preprocessing takes beyond the generated schema: Chatwoot's numbers for the
 * display type and model, and the fields wrapped in `custom_attribute_definition`.
 */
function chatwootDefinitionBody(fields: JsonSchema): JsonSchema {
  const properties = fields.properties as Record<string, JsonSchema>;
  const withNumbers = {
    ...fields,
    properties: {
      ...properties,
      attribute_display_type: { anyOf: [properties.attribute_display_type, { type: 'integer', enum: [0, 1, 4, 5, 6, 7], description: "Chatwoot's numbers: 0 text, 1 number, 4 link, 5 date, 6 list, 7 checkbox" }] },
      attribute_model: { anyOf: [properties.attribute_model, { type: 'integer', const: 1, description: "Chatwoot's number for contact_attribute" }] },
    },
  };
  return bareOrWrappedSchema('custom_attribute_definition')(withNumbers);
}

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
      body: definitionCreateSchema, bodySchema: chatwootDefinitionBody, responses: { '200': json('The definition', definitionPayloadSchema), '409': conflictResponse },
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
        access: administratorAccess, params: definitionIdParams, body: definitionUpdateSchema, bodySchema: chatwootDefinitionBody, responses: { '200': json('The definition', definitionPayloadSchema), '409': conflictResponse },
      },
      async ({ params, body }, req, res) => {
        const { accountId } = callerOf(req);
        res.json(await service.update(accountId, params.id, withoutAnsweredFields(body, { id: params.id, accountId }, ['indexing'])));
      },
    );
  }
  defineRoute(
    router,
    {
      method: 'delete', path: `${path}/:id(\\d+)`, operationId: 'deleteCustomAttributeDefinition', summary: 'Delete a custom attribute definition (values stay on contacts)', tag,
      access: administratorAccess, params: definitionIdParams, responses: { '204': noContent('Deleted (204 No Content, as Chatwoot answers)'), '409': conflictResponse },
    },
    async ({ params }, req, res) => {
      await service.remove(callerOf(req).accountId, params.id);
      res.status(204).end();
    },
  );
  return router;
}
