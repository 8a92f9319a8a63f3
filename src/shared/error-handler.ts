import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import mongoose from 'mongoose';
import { z } from 'zod';
import {
  AppError,
  BadRequestError,
  ConflictError,
  PreconditionFailedError,
  ForbiddenError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  UnauthorizedError,
  TooManyRequestsError,
  UnsupportedMediaTypeError,
  UnavailableError,
  ValidationError,
} from './errors';
import { isDuplicateKey } from './duplicate-key';
import { isMongoUnavailable } from './mongo';
import { JSON_BODY_LIMIT_BYTES, jsonParseFailure } from './json-body';
import type { Logger } from './logger';
import { loggableUrl } from './redact';
import type { ResponseSpec } from './route';

/** Every error answer. request_id is for the request-id middleware, which may add it. */
export const errorBodySchema = z
  .object({
    error: z.string().describe('what went wrong, for people'),
    field: z.string().optional().describe('the input field at fault, when there is one'),
    message: z.string().describe("the same text as error, under the name Chatwoot's clients read"),
    attributes: z
      .array(z.string())
      .optional()
      .describe("on a 422: the top-level attribute at fault (field up to its first . or [), or none; Chatwoot's dashboard reads it to tell a duplicate email from a duplicate phone number"),
    request_id: z.string().optional().describe('the id of the request in the logs'),
  })
  .meta({ id: 'Error' });

type ErrorBody = Pick<z.infer<typeof errorBodySchema>, 'error' | 'field'>;

/**
 * The body as sent: Chatwoot's names beside ours. Chatwoot answers a refused write
 * `{"message", "attributes"}` and its dashboard reads exactly those (`error.response.data.message`
 * is shown to the user; on a 422 `attributes.includes('email')` picks the duplicate-email alert, and
 * a 422 without `attributes` threw in it), so every error says `message` too and a 422 `attributes`.
 */
export function chatwootErrorBody(status: number, body: ErrorBody): z.infer<typeof errorBodySchema> {
  const attributes = status === 422 ? (body.field ? [body.field.split(/[.[]/)[0]] : []) : undefined;
  return { ...body, message: body.error, ...(attributes ? { attributes } : {}) };
}

/** The 503 of a route that runs a search: it timed out or Elasticsearch is away (UnavailableError with a Retry-After). */
export const searchUnavailableResponse: ResponseSpec = {
  description: 'The search ran longer than SEARCH_TIMEOUT_MS, or Elasticsearch cannot answer right now; try again after Retry-After seconds',
  schema: errorBodySchema,
  headers: { 'Retry-After': { description: 'seconds to wait before trying again', schema: { type: 'integer' } } },
};

/**
 * The 409 of a write that is conditional on the version it read (a contact, an account's labels,
 * custom attribute definitions or members) or waits for a merge holding its contacts: other
 * requests kept changing the record through all of its retries (ConflictError). Nothing was written.
 */
export const conflictResponse: ResponseSpec = {
  description: 'Other requests kept changing the same record (or a merge held it) through all the retries; nothing was written, try again',
  schema: errorBodySchema,
};

/** The 412 of a write sent with If-Match: the record is no longer at the version the caller read. Nothing was written. */
export const preconditionFailedResponse: ResponseSpec = {
  description: 'If-Match named a version the contact is no longer at (another write came first); nothing was written: read it again and reapply the change',
  schema: errorBodySchema,
};

const statusByError: [new (...args: never[]) => AppError, number][] = [
  [ValidationError, 422],
  [BadRequestError, 400],
  [NotFoundError, 404],
  [UnauthorizedError, 401],
  [ForbiddenError, 403],
  [MethodNotAllowedError, 405],
  [ConflictError, 409],
  [PreconditionFailedError, 412],
  [PayloadTooLargeError, 413],
  [UnsupportedMediaTypeError, 415],
  [TooManyRequestsError, 429],
  [UnavailableError, 503],
];

// What the server answers a document key it will not store (DollarPrefixedFieldName,
// EmptyFieldName, DottedFieldName): input the validation did not foresee, so a 422, never a 500.
const INVALID_FIELD_NAME_CODES = new Set([52, 56, 57]);

/** Seconds a client should wait before retrying a 503. */
const RETRY_AFTER_SECONDS = 2;

function toResponse(err: unknown, contentEncoding?: string, contentType?: string): { status: number; body: ErrorBody } {
  if (err instanceof mongoose.mongo.MongoServerError && INVALID_FIELD_NAME_CODES.has(Number(err.code))) {
    // Not the server's own text: it names the stored document's paths (`custom_attributes.a.`).
    return { status: 422, body: { error: 'a key of the request cannot be stored: keys may not be empty, start with "$" or contain "."' } };
  }
  if (isMongoUnavailable(err)) {
    return { status: 503, body: { error: 'the database is unavailable right now; try again shortly' } };
  }
  if (err instanceof AppError) {
    const status = statusByError.find(([type]) => err instanceof type)?.[1] ?? 500;
    const body: ErrorBody = { error: err.message };
    if (err instanceof ValidationError && err.field) body.field = err.field;
    return { status, body };
  }
  if (err instanceof mongoose.Error.ValidationError) {
    const first = Object.values(err.errors)[0];
    return { status: 422, body: { error: first?.message ?? err.message, field: first?.path } };
  }
  if (err instanceof mongoose.Error.CastError) {
    return { status: 422, body: { error: `${err.path} is not a valid ${err.kind}`, field: err.path } };
  }
  if (isDuplicateKey(err)) {
    return { status: 422, body: { error: 'a record with the same unique value already exists' } };
  }
  const e = err as { type?: string; status?: number; message?: string; code?: unknown; body?: unknown };
  // A body whose Content-Encoding zlib could not undo: body-parser passes zlib's error on untyped.
  if (e && typeof e.code === 'string' && e.code.startsWith('Z_')) {
    return { status: 400, body: { error: `request body could not be decompressed as ${contentEncoding ?? 'its Content-Encoding says'}: ${e.message ?? e.code}` } };
  }
  // Express could not decode a path parameter (`%ZZ`, a cut UTF-8 sequence): it marks the
  // URIError 400 but no type. Routes taking a text parameter (an inbox identifier, a visitor's
  // source id, the account) meet it before any sign-in, so it must never be a 500.
  if (err instanceof URIError && e.status === 400) {
    const param = /'(.*)'$/s.exec(e.message ?? '')?.[1];
    const shown = param === undefined ? '' : `: ${JSON.stringify(param.length > 60 ? `${param.slice(0, 60)}…` : param)}`;
    return { status: 400, body: { error: `a path segment is not valid percent-encoding${shown}` } };
  }
  // body-parser marks its own errors with a type and a 4xx status (bad JSON, body too large).
  if (e && typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.type) {
    let message = e.message ?? 'bad request';
    if (e.type === 'entity.parse.failed') message = jsonParseFailure(e, contentType);
    else if (e.type === 'entity.too.large') message = `request body is larger than ${JSON_BODY_LIMIT_BYTES / (1024 * 1024)} MB, the limit of a request body`;
    return { status: e.status, body: { error: message } };
  }
  return { status: 500, body: { error: 'internal error' } };
}

// What writing to a client that has gone away fails with: its socket reset or closed (a
// cancelled download, a closed tab), or the stream ended before the response was written.
const CLIENT_GONE_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

/** The client left mid-response: its doing, not a server failure. Our own errors (AppError) never are. */
function isClientGone(err: unknown): boolean {
  // Duck-typed: Node's own errors need not be instances of this realm's Error (under jest they are not).
  if (typeof err !== 'object' || err === null || err instanceof AppError) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  return (typeof code === 'string' && CLIENT_GONE_CODES.has(code)) || message === 'aborted';
}

/** The request's id (src/shared/request-logger.ts), so that a caller can quote it and we can find its log lines. */
const requestIdOf = (req: Request): string | undefined => (req.id === undefined ? undefined : String(req.id));

/** `fallback` logs for an app mounted without the request logger; otherwise each request's `req.log` does. */
export function errorHandler(fallback: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const log = req.log ?? fallback;
    if (res.headersSent) {
      // A streamed download that failed midway: the status is gone, only cutting it short is left.
      // A client that went away is logged, but not as an error: alerts on errors must mean a fault of ours.
      if (isClientGone(err)) log.info({ err, method: req.method, url: loggableUrl(req.originalUrl) }, 'client went away during a streamed response');
      else log.error({ err, method: req.method, url: loggableUrl(req.originalUrl) }, 'response failed while streaming');
      res.destroy();
      return;
    }
    const { status, body } = toResponse(err, req.get('content-encoding'), req.get('content-type'));
    if (err instanceof UnavailableError && err.retryAfterSeconds !== undefined) res.set('Retry-After', String(err.retryAfterSeconds));
    if (err instanceof UnauthorizedError) res.set('WWW-Authenticate', err.challenge);
    if (err instanceof MethodNotAllowedError) res.set('Allow', err.allow.join(', '));
    if (status >= 500 && status !== 503) log.error({ err, method: req.method, url: loggableUrl(req.originalUrl) }, 'request failed');
    else if (status === 503) {
      log.warn({ err, url: loggableUrl(req.originalUrl) }, 'dependency unavailable');
      // A 503 whose error named its own wait (a search timeout) keeps it.
      if (!res.get('Retry-After')) res.set('Retry-After', String(RETRY_AFTER_SECONDS));
    }
    sendError(res, status, { ...chatwootErrorBody(status, body), request_id: requestIdOf(req) });
  };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendError(res, 404, { ...chatwootErrorBody(404, { error: `no route for ${req.method} ${req.path}` }), request_id: requestIdOf(req) });
};

/**
 * An error's JSON without the ETag res.json adds: an error is no representation to revalidate or
 * write against, and a client that keeps the last ETag it was answered sent a 412's weak tag back
 * as If-Match, and was refused for good.
 */
function sendError(res: Response, status: number, body: object): void {
  res.status(status).type('application/json').end(JSON.stringify(body));
}
