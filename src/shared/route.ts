import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z, type ZodType } from 'zod';
import { NotFoundError, PreconditionFailedError, UnsupportedMediaTypeError } from './errors';
import { formFields, isForm, type EmptyFields } from './form-body';
import { JSON_BODY_LIMIT_BYTES } from './json-body';
import { handle, type Validated } from './validate';

/*
 * A route is declared once, where its router registers it: method, path, who may call it, the
 * zod schemas that validate its input and describe its output. defineRoute registers the
 * express route and keeps the declaration on the router, so the API document is collected
 * from the routers themselves (src/openapi) and cannot list a route the app does not answer.
 */

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A plain JSON Schema object (draft 2020-12, the dialect of OpenAPI 3.1). */
export type JsonSchema = Record<string, unknown>;

/**
 * Who may call a route, and the middleware that makes it so. Features that check callers
 * (src/accounts) define their own levels with their guards.
 */
export interface Access {
  level: 'open' | 'metrics' | 'public' | 'anonymous' | 'user' | 'account' | 'administrator';
  guards: RequestHandler[];
}

/** Service routes (health, metrics, the API document): nothing to check. */
export const openAccess: Access = { level: 'open', guards: [] };
/** The website widget's public API: the inbox identifier and the visitor's source_id are the credentials. */
export const publicAccess: Access = { level: 'public', guards: [] };
/** No token: the request carries its own credentials (sign-in). */
export const anonymousAccess: Access = { level: 'anonymous', guards: [] };

export interface ResponseSpec {
  description: string;
  /** What the body holds; a schema with `.meta({ id })` becomes a named component of the document. */
  schema?: ZodType;
  /** application/json unless said otherwise. */
  mediaType?: string;
  headers?: Record<string, unknown>;
}

export const json = (description: string, schema: ZodType): ResponseSpec => ({ description, schema });

/** No body at all (204 No Content). */
export const noContent = (description: string): ResponseSpec => ({ description });

/** A GET whose answer carries an ETag: express answers 304, without a body, when If-None-Match names it. */
export const notModifiedResponse = noContent('Not modified: If-None-Match named the ETag this answer would carry');

/** The If-None-Match such a GET reads (express compares it), described for the record it tags. */
export const ifNoneMatchHeadersOf = (record: string) =>
  z.looseObject({
    'if-none-match': z.string().optional().describe(`An ETag this service answered for ${record} (or several, comma-separated): 304 with no body when the answer would carry one of them`),
  });

export const csv = (description: string): ResponseSpec => ({
  description,
  schema: z.string(),
  mediaType: 'text/csv',
  headers: { 'content-disposition': { description: 'attachment; filename="…"', schema: { type: 'string' } } },
});

interface InputSchemas {
  params?: ZodType;
  query?: ZodType;
  body?: ZodType;
  /** Request headers the route reads (lower-case names; a loose object: every request has others). */
  headers?: ZodType;
}

export interface RouteDeclaration extends InputSchemas {
  method: Method;
  /** The express path, relative to where the router is mounted. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  access: Access;
  /**
   * The body may also come as form fields (multipart/form-data or urlencoded) with bracketed names
   * (form-body.ts), as Chatwoot's dashboard and Rails clients send it to this route; what an empty
   * field means there.
   */
  alsoForm?: { emptyFields: EmptyFields };
  /** Replaces the generated JSON Schema of the body, for preprocessing the generator cannot see. */
  bodySchema?: (generated: JsonSchema) => JsonSchema;
  /** A body that no zod schema validates (an upload), as its OpenAPI request body object. */
  requestBody?: JsonSchema;
  responses: Record<string, ResponseSpec>;
}

export interface RouteSpec extends RouteDeclaration {
  /** Middleware between the access guards and validation (an upload parser). */
  before?: RequestHandler[];
}

const declarations = new WeakMap<Router, RouteDeclaration[]>();

/** Registers the route on the router (guards, `before`, validation, handler) and records its declaration. */
export function defineRoute<S extends InputSchemas>(
  router: Router,
  spec: RouteSpec & S,
  handler: (input: Validated<S>, req: Request, res: Response) => Promise<void> | void,
): void {
  const { before = [], ...declaration } = spec;
  const schemas = { params: spec.params, query: spec.query, body: spec.body, headers: spec.headers } as S;
  const bodyParsers = !spec.body || spec.requestBody ? [] : spec.alsoForm ? [formFields({ ...FORM_LIMITS, ...spec.alsoForm }), bodyTypeOnly(true)] : [bodyTypeOnly(false)];
  const checks = spec.method === 'get' ? [] : [unsupportedPreconditions(spec.method, takesIfMatch(spec.headers))];
  router[spec.method](spec.path, ...spec.access.guards, ...checks, ...bodyParsers, ...before, handle(schemas, handler));
  declarations.set(router, [...(declarations.get(router) ?? []), declaration]);
}

/** Whether the route reads If-Match (its header schema names it): the contact's and a note's writes. */
const takesIfMatch = (headers: ZodType | undefined): boolean => !!headers && 'shape' in headers && 'if-match' in (headers.shape as object);

/**
 * Preconditions a write cannot honour are refused (412), not ignored: a stale If-Match sent to a
 * segment or a label was written over another user's change without a word. Only contacts and
 * notes keep an ETag to compare with; elsewhere no tag can match (RFC 9110 §13.1.1), and `*`
 * (the record exists) is left to the route, which answers 404 otherwise. `If-None-Match: *` on
 * a change of a record asks to write only where it does not exist: it does.
 */
const unsupportedPreconditions =
  (method: Method, ifMatch: boolean): RequestHandler =>
  (req, _res, next) => {
    const given = (name: string) => {
      const value = req.headers[name];
      return typeof value === 'string' ? value.trim() : undefined;
    };
    const match = given('if-match');
    if (!ifMatch && match !== undefined && match !== '*') {
      next(new PreconditionFailedError('If-Match cannot match here: only a contact and a note answer an ETag to compare it with; send this request without it'));
      return;
    }
    if (method !== 'post' && given('if-none-match') === '*') {
      next(new PreconditionFailedError('If-None-Match: * asks to write only if the record does not exist, and this request writes to one that does; send it without If-None-Match'));
      return;
    }
    next();
  };

/**
 * A route that reads a JSON body refuses a body of any other type: express.json leaves it
 * unparsed, so a form post, or a JSON text sent without its content type (fetch's default is
 * text/plain), validated as an empty body: a create said a contact needs a name, and an update
 * answered 200 having changed nothing.
 */
const hasBody = (req: Request) => req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0';

const bodyTypeOnly =
  (form: boolean): RequestHandler =>
  (req, _res, next) => {
    if (hasBody(req) && !req.is('application/json') && !(form && isForm(req.headers['content-type']))) {
      const expected = form ? 'JSON (content-type: application/json) or form fields (multipart/form-data or application/x-www-form-urlencoded)' : 'JSON, sent with content-type: application/json';
      next(new UnsupportedMediaTypeError(`the request body must be ${expected}; got ${req.headers['content-type'] ? `"${req.headers['content-type']}"` : 'no content-type'}`));
      return;
    }
    next();
  };

// A form carries what a JSON body would, within the JSON body's limit: a few dozen fields, none
// longer than the longest text a route takes (a message of 20,000 characters, up to 4 bytes each).
const FORM_LIMITS = { maxBytes: JSON_BODY_LIMIT_BYTES, maxFields: 50, maxFieldBytes: 128 * 1024 };

/** The routes defineRoute registered on this router, in order. */
export function declaredRoutes(router: Router): readonly RouteDeclaration[] {
  return declarations.get(router) ?? [];
}

/**
 * The routes of these routers again, each id in their path taking any segment: registered after
 * them, they answer only a request whose id no route took (`/contacts/abc`, `/labels/1.5`), and
 * answer it as the route's own pathId does, "contact abc not found", where the catch-all said
 * "no route for GET …" of a route that exists. The literal routes beside an id
 * (`/contacts/search`) were registered first, so none of them is shadowed.
 */
export function malformedIdRoutes(routers: Router[]): Router {
  const fallback = Router({ mergeParams: true });
  for (const route of routers.flatMap(declaredRoutes)) {
    if (!route.params || !route.path.includes('(\\d+)')) continue;
    fallback[route.method](route.path.replaceAll('(\\d+)', '([^/]+)'), ...route.access.guards, handle({ params: route.params }, (_input, req) => {
      // Not reached: an id that pathId reads is digits, which the route itself took.
      throw new NotFoundError(`no route for ${req.method} ${req.originalUrl.split('?')[0]}`);
    }));
  }
  return fallback;
}

/** Routers and the path they are mounted at (with guards for all of them), as buildApp registers them. */
export interface Mount {
  path: string;
  guards?: RequestHandler[];
  /** Answers the guards may give to every route of the mount (a rate limit's 429), for the document. */
  responses?: Record<string, ResponseSpec>;
  routers: Router[];
}
