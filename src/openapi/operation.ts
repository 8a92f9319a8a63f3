import { errorBodySchema } from '../shared/error-handler';
import { JSON_BODY_LIMIT_BYTES } from '../shared/json-body';
import { MAX_QUERY_PARAMETERS } from '../shared/query-string';
import type { Access, JsonSchema, ResponseSpec, RouteDeclaration } from '../shared/route';
import { inputSchemaOf, outputSchemaOf, parametersOf, type ParameterObject } from './from-zod';

const problem = (description: string): ResponseSpec => ({ description, schema: errorBodySchema });

/** src/shared/error-handler.ts sends Retry-After with every 503. */
const unavailable: ResponseSpec = {
  description: 'MongoDB, Elasticsearch or Redis cannot answer right now; try again after Retry-After seconds',
  schema: errorBodySchema,
  headers: { 'Retry-After': { description: 'seconds to wait before trying again', schema: { type: 'integer' } } },
};

/**
 * express.json parses a JSON body before routing (src/app.ts), so any route, one without a body
 * too, may answer these; a route that reads a JSON body also refuses one of another content type
 * (415, src/shared/route.ts). An upload declares its own 413 and 415.
 */
const bodyParsing: Record<string, ResponseSpec> = {
  '400': problem(`The body is not valid JSON, or not the Content-Encoding it names; or a path segment or the query string is not valid percent-encoding, or the query string holds more than ${MAX_QUERY_PARAMETERS} parameters`),
  // Node's HTTP parser answers it before any route (src/shared/client-error.ts).
  '431': problem('The request line and headers are larger than 16 KB (e.g. a URL with a thousand labels[])'),
  // Node's too, for a client that sends too slowly (src/shared/client-error.ts); no request_id: no route saw it.
  '408': problem('The headers did not arrive within 60 s, or the whole request within REQUEST_TIMEOUT_SECONDS (300 by default)'),
  '413': problem(`The JSON body is larger than ${JSON_BODY_LIMIT_BYTES / (1024 * 1024)} MB`),
  '415': problem("The body's charset or Content-Encoding is not supported, or a body this route reads is not sent as application/json"),
};

/** src/shared/route.ts refuses preconditions a write cannot honour; a route that reads If-Match declares its own 412. */
const unsupportedPrecondition = problem('If-Match named an ETag on a route that keeps none (only contacts and notes do), or If-None-Match: * asked to change a record only if it does not exist');

/** The errors src/shared/error-handler.ts answers for a route of that access. */
function errorResponses(access: Access['level']): Record<string, ResponseSpec> {
  if (access === 'open') return bodyParsing;
  if (access === 'metrics') return bodyParsing;
  const common = {
    ...bodyParsing,
    '422': problem('The input breaks a rule or a documented limit; `field` names it when it can'),
    '503': unavailable,
    default: problem('Any other failure (500)'),
  };
  if (access === 'public') {
    return {
      ...common,
      '404': problem('No such inbox or visitor'),
      '401': problem('An identifier without a valid identifier_hash, or a visitor whose contact has since become a verified identity'),
    };
  }
  if (access === 'anonymous') return { ...common, '401': problem('The credentials are wrong') };
  if (access === 'user') return { ...common, '401': problem('The api_access_token header is missing, unknown, revoked or expired') };
  return {
    ...common,
    '404': problem('No such account or record'),
    '401': problem('The api_access_token header is missing, unknown, or not of a user of this account'),
    ...(access === 'administrator' ? { '403': problem('Only administrators may do this') } : {}),
  };
}

function pathParameters(route: RouteDeclaration, template: string): ParameterObject[] {
  const declared = route.params ? parametersOf(route.params, 'path') : [];
  const names = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  // Routes without a params schema still sit under templated mounts (account_id, inbox_identifier).
  return names.map((name) => declared.find((p) => p.name === name) ?? { name, in: 'path', required: true, schema: { type: 'string' } });
}

function requestBodyOf(route: RouteDeclaration): JsonSchema | undefined {
  if (route.requestBody) return route.requestBody;
  if (!route.body) return undefined;
  const generated = inputSchemaOf(route.body);
  // Validation reads a request without a body as {} (src/shared/validate.ts): where {} passes, the body may be left out.
  const required = !route.body.safeParse({}).success;
  const json = { schema: route.bodySchema ? route.bodySchema(generated) : generated };
  // The same fields as form fields, named as Rails nests them (form-body.ts): Chatwoot's dashboard sends a new conversation, or a contact with its avatar, so.
  const empty = route.alsoForm?.emptyFields === 'absent' ? 'undefined, null or empty is absent' : 'undefined or null is absent, empty is an empty text';
  const form = {
    schema: {
      type: 'object',
      description: `the fields of the JSON body as form fields, nested objects with bracketed names (message[content], custom_attributes[plan], labels[]); ${empty}; every value a text; no files`,
      additionalProperties: { type: 'string' },
    },
  };
  return { required, content: { 'application/json': json, ...(route.alsoForm ? { 'multipart/form-data': form, 'application/x-www-form-urlencoded': form } : {}) } };
}

function responseObject(response: ResponseSpec, components: Record<string, JsonSchema>): JsonSchema {
  const { description, schema, mediaType = 'application/json', headers } = response;
  return {
    description,
    ...(headers ? { headers } : {}),
    ...(schema ? { content: { [mediaType]: { schema: outputSchemaOf(schema, components) } } } : {}),
  };
}

/** The OpenAPI operation object of one declared route at its full path (a template); named response schemas are added to `components`. */
export function toOperation(route: RouteDeclaration, template: string, components: Record<string, JsonSchema>, mountResponses: Record<string, ResponseSpec> = {}): JsonSchema {
  const parameters = [
    ...pathParameters(route, template),
    ...(route.query ? parametersOf(route.query, 'query') : []),
    ...(route.headers ? parametersOf(route.headers, 'header') : []),
  ];
  const requestBody = requestBodyOf(route);
  const level = route.access.level;
  // A route's own declaration of a status (a search's 503) is more precise than the generic one.
  const responses = { ...errorResponses(level), ...(route.method === 'get' ? {} : { '412': unsupportedPrecondition }), ...route.responses, ...mountResponses };
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    ...(level === 'administrator' ? { description: 'Administrators only.' } : {}),
    security: level === 'account' || level === 'administrator' || level === 'user' ? [{ api_access_token: [] }] : level === 'metrics' ? [{ metrics_token: [] }] : [],
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: Object.fromEntries(Object.entries(responses).map(([status, response]) => [status, responseObject(response, components)])),
  };
}
