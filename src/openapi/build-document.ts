import { declaredRoutes, type JsonSchema, type Mount } from '../shared/route';
import { toOperation } from './operation';

export type OpenApiDocument = {
  openapi: '3.1.0';
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
} & Record<string, unknown>;

/** Express path → OpenAPI template: ':id(\\d+)' and ':id' both become '{id}'. */
export const toTemplate = (expressPath: string): string => expressPath.replace(/:(\w+)(\([^)]*\))?/g, '{$1}');

/**
 * The OpenAPI 3.1 document of the HTTP API, as a plain object (served at GET /api/openapi.json),
 * collected from the routes the mounted routers declared (src/shared/route.ts).
 */
export function buildOpenApiDocument(mounts: Mount[]): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  const schemas: Record<string, JsonSchema> = {};
  const tags = new Set<string>();
  for (const mount of mounts) {
    for (const router of mount.routers) {
      for (const route of declaredRoutes(router)) {
        const template = toTemplate(mount.path + route.path);
        const item = (paths[template] ??= {});
        if (item[route.method]) throw new Error(`OpenAPI: ${route.method.toUpperCase()} ${template} is declared twice`);
        item[route.method] = toOperation(route, template, schemas, mount.responses);
        tags.add(route.tag);
      }
    }
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
    tags: [...tags].map((name) => ({ name })),
    paths,
    components: {
      schemas,
      securitySchemes: {
        api_access_token: { type: 'apiKey', in: 'header', name: 'api_access_token', description: "A user's access token; the user must belong to the account in the path. Also read from `Api-Access-Token` (dashed), as Chatwoot reads both." },
        metrics_token: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, when the service is configured with one.' },
      },
    },
  };
}
