import { componentSchemas } from './components';
import { toOperation } from './operation';
import { operations } from './operations';

export type OpenApiDocument = {
  openapi: '3.1.0';
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
} & Record<string, unknown>;

/** The OpenAPI 3.1 document of the HTTP API, as a plain object (served at GET /api/openapi.json). */
export function buildOpenApiDocument(): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const spec of operations) {
    const item = (paths[spec.path] ??= {});
    if (item[spec.method]) throw new Error(`OpenAPI: ${spec.method.toUpperCase()} ${spec.path} is declared twice`);
    item[spec.method] = toOperation(spec);
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    info: {
      title: 'Contacts',
      version: '0.1.0',
      description:
        "Search-backed contacts service with Chatwoot's contact API shapes. Account routes need the api_access_token header; the website widget's public routes do not.",
    },
    tags: [...new Set(operations.map((op) => op.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: componentSchemas,
      securitySchemes: {
        api_access_token: { type: 'apiKey', in: 'header', name: 'api_access_token', description: "A user's access token; the user must belong to the account in the path." },
      },
    },
  };
}
