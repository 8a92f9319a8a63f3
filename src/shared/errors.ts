// Services throw these; src/shared/error-handler.ts alone maps them to HTTP status.

export class AppError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input that breaks a rule: a bad value, an unknown key, a duplicate. */
export class ValidationError extends AppError {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** A request whose shape is wrong before any rule applies (unparseable body, bad query string). */
export class BadRequestError extends AppError {}

export class NotFoundError extends AppError {
  constructor(what: string, id?: string | number) {
    super(id === undefined ? `${what} not found` : `${what} ${id} not found`);
  }
}

/**
 * `challenge` is the 401's WWW-Authenticate (RFC 9110 §11.6.1 requires one): how to authenticate.
 * Not Basic, which a browser would answer with its own sign-in dialog.
 */
export class UnauthorizedError extends AppError {
  constructor(
    message: string,
    readonly challenge = 'api_access_token realm="api", header="api_access_token"',
  ) {
    super(message);
  }
}

export class ForbiddenError extends AppError {}

/** A method the path does not take; `allow` becomes the 405's Allow header. */
export class MethodNotAllowedError extends AppError {
  constructor(
    message: string,
    readonly allow: string[],
  ) {
    super(message);
  }
}

export class ConflictError extends AppError {}

/** A conditional request (If-Match) whose condition no longer holds: the record changed since the caller read it. */
export class PreconditionFailedError extends AppError {}

/** An upload or body over a configured size limit. */
export class PayloadTooLargeError extends AppError {}

/** A request body of a kind the endpoint does not take (e.g. not a CSV file). */
export class UnsupportedMediaTypeError extends AppError {}

/** Over a rate limit; the limiter has set Retry-After. */
export class TooManyRequestsError extends AppError {}

/**
 * A dependency (Elasticsearch, Redis) that cannot answer right now, or a search that ran out of
 * time; `retryAfterSeconds` becomes the Retry-After header.
 */
export class UnavailableError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/**
 * What a stored status (a bulk action's or an import's error, a message's failure reason) may
 * tell the account of an error: our own errors' messages, written for callers; never a driver's
 * or a library's text, which can name internal hosts and addresses. The log keeps the error whole.
 */
export function messageForCaller(err: unknown): string {
  return err instanceof AppError ? err.message : 'an internal error (the service log has its details)';
}
