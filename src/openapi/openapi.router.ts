import { Router } from 'express';
import { z } from 'zod';
import { defineRoute, json, openAccess } from '../shared/route';
import type { OpenApiDocument } from './build-document';

const documentSchema = z.looseObject({ openapi: z.literal('3.1.0'), paths: z.looseObject({}), components: z.looseObject({}) });

/** GET /api/openapi.json: the document, which is collected from the routers (this one included) once they all exist. */
export function openApiRouter(document: () => OpenApiDocument): Router {
  const router = Router();
  defineRoute(
    router,
    {
      method: 'get', path: '/api/openapi.json', operationId: 'openapiDocument', summary: 'This document', tag: 'Service', access: openAccess,
      responses: { '200': json('The OpenAPI 3.1 document of the API', documentSchema) },
    },
    (_input, _req, res) => {
      res.json(document());
    },
  );
  return router;
}
