import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import type { Express } from 'express';
import { apiMounts } from '../../src/app';
import { buildOpenApiDocument, type OpenApiDocument } from '../../src/openapi/build-document';
import { createMetrics } from '../../src/shared/metrics';
import { testConfig } from '../support/context';

// The document as buildApp collects it from the routers' declarations. Declaring routes calls no
// service, so none is needed here (the served document must equal this one: document.api.test.ts).
const services = {} as Parameters<typeof apiMounts>[0]['services'];
const rateLimits = {} as Parameters<typeof apiMounts>[0]['rateLimits'];
export const document: OpenApiDocument = buildOpenApiDocument(apiMounts({ config: testConfig(), metrics: createMetrics(), services, rateLimits }, () => document));

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
const METHODS: Method[] = ['get', 'post', 'put', 'patch', 'delete'];

// ---------------------------------------------------------------------------------------------
// The routes the app registers, read from express 4's router stack.

interface Layer {
  name: string;
  regexp: RegExp & { fast_slash?: boolean };
  keys: { name: string }[];
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/** The mount path of a router layer, back from the regexp express compiled it to ('/a/:b'). */
function mountPathOf(layer: Layer): string {
  if (layer.regexp.fast_slash) return '';
  let source = layer.regexp.source.replace(/^\^/, '').replace(/\\\/\?\(\?=\\\/\|\$\)$/, '');
  for (const key of layer.keys) source = source.replace(/\(\?:\\\/\(\[\^\/\]\+\?\)\)|\(\?:\\\/\(\[\^\\\/\]\+\?\)\)/, `/:${key.name}`);
  const path = source.replace(/\\\//g, '/');
  if (/[()[\]\\?*+^$]/.test(path)) throw new Error(`cannot read the mount path of ${layer.regexp}`);
  return path;
}

/** Express path → OpenAPI template: ':id(\\d+)' and ':id' both become '{id}'. */
export function toTemplate(expressPath: string): string {
  return expressPath.replace(/:(\w+)(\([^)]*\))?/g, '{$1}');
}

/** Every (METHOD path) the app answers, as OpenAPI templates, walking nested routers. */
export function registeredOperations(app: Express): string[] {
  const found = new Set<string>();
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const path of [layer.route.path].flat()) {
          for (const [method, on] of Object.entries(layer.route.methods)) {
            if (on) found.add(`${method.toUpperCase()} ${toTemplate(prefix + path)}`);
          }
        }
      } else if (layer.name === 'router' && layer.handle.stack) {
        walk(layer.handle.stack, prefix + mountPathOf(layer));
      }
    }
  };
  walk((app as unknown as { _router: { stack: Layer[] } })._router.stack, '');
  return [...found].sort();
}

/** Every (METHOD path) of the document. */
export function documentedOperations(doc: OpenApiDocument = document): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();
}

// ---------------------------------------------------------------------------------------------
// Validating responses against the document.

const COMPONENTS_ID = 'https://contacts.local/openapi/components';

/** The document's `#/components/schemas/X` refs, pointed at one registered schema holding them all. */
function rehome<T>(schema: T): T {
  return JSON.parse(JSON.stringify(schema).replace(/"#\/components\/schemas\//g, `"${COMPONENTS_ID}#/$defs/`)) as T;
}

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
// RFC 3339 date-time, the only format the response schemas use (no ajv-formats for one regexp).
ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i);
// Request schemas (from zod) use these; zod checks them, the tests only compile those schemas.
for (const format of ['email', 'uri']) ajv.addFormat(format, true);
ajv.addSchema({ $id: COMPONENTS_ID, $defs: rehome(document.components.schemas) });

const compiled = new Map<string, ValidateFunction>();
export function validatorFor(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(rehome(schema));
    compiled.set(key, validate);
  }
  return validate;
}

interface ResponseLike {
  status: number;
  body: unknown;
  text?: string;
  headers: Record<string, string>;
}

/** The JSON of a response, also when a test read it with a parser of its own (as text or a Buffer). */
function jsonBodyOf(res: ResponseLike): unknown {
  if (typeof res.body === 'string' || Buffer.isBuffer(res.body)) return JSON.parse(String(res.body));
  if (typeof res.text === 'string' && res.text) return JSON.parse(res.text);
  return res.body;
}

/** Operations some test validated a response of, so a test can insist that each one was. */
export const exercised = new Set<string>();

type DeclaredResponse = { content?: Record<string, { schema: Record<string, unknown> }>; headers?: Record<string, { schema?: { type?: string } }> };

/**
 * Fails unless the document declares this status for the operation (a 4xx by its own status:
 * `default` stands only for the server's failures, 5xx), with the response's media type, the
 * headers it declares for it (e.g. Retry-After), and a body that validates against its schema.
 */
export function expectMatchesDocument(method: Method, pathTemplate: string, res: ResponseLike): void {
  const operation = document.paths[pathTemplate]?.[method] as { responses: Record<string, DeclaredResponse> } | undefined;
  if (!operation) throw new Error(`${method.toUpperCase()} ${pathTemplate} is not in the document`);
  const declared = operation.responses[String(res.status)] ?? (res.status >= 500 ? operation.responses.default : undefined);
  if (!declared) {
    throw new Error(`${method.toUpperCase()} ${pathTemplate} answered ${res.status}, which the document does not declare: ${JSON.stringify(res.body)}`);
  }
  for (const [name, header] of Object.entries(declared.headers ?? {})) {
    const value = res.headers[name.toLowerCase()];
    if (value === undefined) throw new Error(`${method.toUpperCase()} ${pathTemplate} ${res.status} lacks the ${name} header the document declares`);
    if (header.schema?.type === 'integer' && !/^\d+$/.test(String(value))) {
      throw new Error(`${method.toUpperCase()} ${pathTemplate} ${res.status} answered ${name}: ${value}, not the integer the document declares`);
    }
  }
  const mediaType = String(res.headers['content-type'] ?? '').split(';')[0].trim();
  if (!declared.content && !mediaType && !res.text) {
    // Declared without a body (204 No Content), and none came.
    exercised.add(`${method.toUpperCase()} ${pathTemplate}`);
    return;
  }
  const content = declared.content?.[mediaType];
  if (!content) {
    throw new Error(`${method.toUpperCase()} ${pathTemplate} ${res.status} answered ${mediaType}; the document declares ${Object.keys(declared.content ?? {}).join(', ') || 'no body'}`);
  }
  const body = mediaType === 'application/json' ? jsonBodyOf(res) : (res.text ?? res.body);
  const validate = validatorFor(content.schema);
  if (!validate(body)) {
    const errors = validate.errors?.map((e) => `${e.instancePath || '(root)'} ${e.message} ${JSON.stringify(e.params)}`).join('\n  ');
    throw new Error(`${method.toUpperCase()} ${pathTemplate} ${res.status} does not match the document:\n  ${errors}\nbody: ${JSON.stringify(body).slice(0, 2000)}`);
  }
  exercised.add(`${method.toUpperCase()} ${pathTemplate}`);
}

/**
 * Fails unless a JSON request body the service took (it answered 2xx; `undefined` when none was sent) is valid under the
 * request body schema the document declares for the operation: the document may be looser than
 * the validation (refinements have no JSON Schema form), never stricter than the service.
 */
export function expectAcceptedBodyMatchesDocument(method: Method, pathTemplate: string, body: unknown): void {
  const operation = document.paths[pathTemplate]?.[method] as { requestBody?: { required?: boolean; content: Record<string, { schema: Record<string, unknown> }> } } | undefined;
  if (!operation) throw new Error(`${method.toUpperCase()} ${pathTemplate} is not in the document`);
  if (body === undefined) {
    // Taken without a body: the document must not call the body required.
    if (operation.requestBody?.required) throw new Error(`${method.toUpperCase()} ${pathTemplate} took a request without a body, but the document says its body is required`);
    return;
  }
  const schema = operation.requestBody?.content['application/json']?.schema;
  if (!schema) throw new Error(`${method.toUpperCase()} ${pathTemplate} took a JSON body, but the document declares none: ${JSON.stringify(body).slice(0, 500)}`);
  const validate = validatorFor(schema);
  if (!validate(body)) {
    const errors = validate.errors?.map((e) => `${e.instancePath || '(root)'} ${e.message} ${JSON.stringify(e.params)}`).join('\n  ');
    throw new Error(`${method.toUpperCase()} ${pathTemplate} took a body the document says is invalid:\n  ${errors}\nbody: ${JSON.stringify(body).slice(0, 2000)}`);
  }
}

/** The documented operation a request path falls under (the matching template with the most literal text), if any. */
export function templateOf(method: Method, path: string): string | undefined {
  let best: { template: string; literal: number } | undefined;
  for (const [template, item] of Object.entries(document.paths)) {
    if (!item[method]) continue;
    const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\\?\}/g, '[^/]+')}$`);
    if (!pattern.test(path)) continue;
    const literal = template.replace(/\{\w+\}/g, '').length;
    if (!best || literal > best.literal) best = { template, literal };
  }
  return best?.template;
}

/** What was sent: a JSON body (undefined when none), or `multipart` for an upload and `other` for a body that is not JSON, which are not checked. */
export type SentBody = { json: unknown } | 'multipart' | 'other';

/**
 * What is wrong with a response to `method url` by the document (and, when the service took the
 * request, with the JSON body sent), or undefined when it matches or the path is not an API operation.
 */
export function documentMismatch(method: Method, url: string, res: ResponseLike, sent: SentBody = 'other'): string | undefined {
  const path = new URL(url, 'http://localhost').pathname;
  const template = templateOf(method, path);
  if (!template) return undefined;
  try {
    expectMatchesDocument(method, template, res);
    if (res.status >= 200 && res.status < 300 && typeof sent === 'object') expectAcceptedBodyMatchesDocument(method, template, sent.json);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
