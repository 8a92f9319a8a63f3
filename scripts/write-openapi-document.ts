// Writes the API document, as buildApp collects it from the routers' declarations, to a file:
// the console's API types are generated from it (npm run gen:api-types) without a running
// server. Declaring routes calls no service, so none is built here.
//   ts-node --transpile-only scripts/write-openapi-document.ts .local/openapi.json
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { apiMounts } from '../src/app';
import { loadConfig } from '../src/config';
import { buildOpenApiDocument, type OpenApiDocument } from '../src/openapi/build-document';
import { createMetrics } from '../src/shared/metrics';

const target = process.argv[2] ?? '.local/openapi.json';
const services = {} as Parameters<typeof apiMounts>[0]['services'];
const rateLimits = {} as Parameters<typeof apiMounts>[0]['rateLimits'];
const document: OpenApiDocument = buildOpenApiDocument(apiMounts({ config: loadConfig({}), metrics: createMetrics(), services, rateLimits }, () => document));
mkdirSync(path.dirname(target), { recursive: true });
writeFileSync(target, JSON.stringify(document, null, 2));
