import type { ZodType } from 'zod';
import { ref } from './components';
import { inputSchemaOf, parametersOf, type JsonSchema, type ParameterObject } from './from-zod';

/** Who may call an operation: nobody needs a token for public ones, administrators alone for some account ones. */
export type Access = 'open' | 'public' | 'account' | 'administrator';

export interface ResponseObject {
  description: string;
  content?: Record<string, { schema: JsonSchema }>;
  headers?: Record<string, unknown>;
}

/** One operation as the route table below declares it: zod schemas for inputs, JSON Schemas for outputs. */
export interface OperationSpec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  access: Access;
  params?: ZodType;
  query?: ZodType;
  /** A zod schema (validated JSON body) or an OpenAPI request body written out (multipart). */
  body?: ZodType | { requestBody: Record<string, unknown> };
  /** Replaces the generated JSON Schema of the body, for preprocessing the generator cannot see. */
  bodySchema?: (generated: JsonSchema) => JsonSchema;
  responses: Record<string, ResponseObject>;
}

export const json = (description: string, schema: JsonSchema): ResponseObject => ({
  description,
  content: { 'application/json': { schema } },
});

export const csv = (description: string): ResponseObject => ({
  description,
  headers: {
    'content-disposition': { description: 'attachment; filename="…"', schema: { type: 'string' } },
  },
  content: { 'text/csv': { schema: { type: 'string' } } },
});

const problem = (description: string) => json(description, ref('Error'));

/** The errors src/shared/error-handler.ts answers for a route of that access. */
function errorResponses(access: Access): Record<string, ResponseObject> {
  if (access === 'open') return {};
  const common = {
    '400': problem('The body is not valid JSON'),
    '404': problem(access === 'public' ? 'No such inbox or visitor' : 'No such account or record'),
    '422': problem('The input breaks a rule; `field` names it when it can'),
    default: problem('Any other failure (503 when Elasticsearch or Redis cannot answer, 500 otherwise)'),
  };
  if (access === 'public') return common;
  return {
    ...common,
    '401': problem('The api_access_token header is missing, unknown, or not of a user of this account'),
    ...(access === 'administrator' ? { '403': problem('Only administrators may do this') } : {}),
  };
}

function pathParameters(spec: OperationSpec): ParameterObject[] {
  const declared = spec.params ? parametersOf(spec.params, 'path') : [];
  const names = [...spec.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  // Routes without a params schema still sit under templated mounts (account_id, inbox_identifier).
  return names.map((name) => declared.find((p) => p.name === name) ?? { name, in: 'path', required: true, schema: { type: 'string' } });
}

function requestBodyOf(spec: OperationSpec): Record<string, unknown> | undefined {
  if (!spec.body) return undefined;
  if ('requestBody' in spec.body) return spec.body.requestBody;
  const generated = inputSchemaOf(spec.body);
  return { required: true, content: { 'application/json': { schema: spec.bodySchema ? spec.bodySchema(generated) : generated } } };
}

/** The OpenAPI operation object of one route. */
export function toOperation(spec: OperationSpec): Record<string, unknown> {
  const parameters = [...pathParameters(spec), ...(spec.query ? parametersOf(spec.query, 'query') : [])];
  const requestBody = requestBodyOf(spec);
  const secured = spec.access === 'account' || spec.access === 'administrator';
  return {
    operationId: spec.operationId,
    summary: spec.summary,
    tags: [spec.tag],
    ...(spec.access === 'administrator' ? { description: 'Administrators only.' } : {}),
    security: secured ? [{ api_access_token: [] }] : [],
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: { ...spec.responses, ...errorResponses(spec.access) },
  };
}
