import { Router } from 'express';
import { buildOpenApiDocument } from './build-document';

/** GET /api/openapi.json: the document, built once when the app is. */
export function openApiRouter(): Router {
  const router = Router();
  const document = buildOpenApiDocument();
  router.get('/api/openapi.json', (_req, res) => {
    res.json(document);
  });
  return router;
}
