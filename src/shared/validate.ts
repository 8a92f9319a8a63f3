import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { z, ZodType } from 'zod';
import { NotFoundError, ValidationError } from './errors';
import { shownInPath } from './id-schema';
import { quotedKeys } from './text';

export function describeIssues(error: z.ZodError): { message: string; field?: string } {
  // A key the body may not hold first: a misspelt one (`nmae`) also leaves its field missing, and
  // "name: expected string" hid the typo that caused it.
  const issue = error.issues.find((i) => i.code === 'unrecognized_keys') ?? error.issues[0];
  const at = issue.path.length ? issue.path.join('.') : undefined;
  // zod's own words for a field of the wrong type ("Invalid input: expected nonoptional, received
  // undefined") said little to a caller: a field left out is required; another type is named.
  if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input')) {
    const received = /received (\w+)$/.exec(issue.message)?.[1];
    // Only a body can be of the wrong type whole (`[]` where an object is read).
    if (!at) return { message: `the request body must be ${withArticle(issue.expected === 'object' ? 'JSON object' : issue.expected)}${received ? `, not ${withArticle(received)}` : ''}` };
    if (issue.expected === 'nonoptional' || received === 'undefined') return { message: `${at} is required`, field: at };
    if (received) return { message: `${at} must be ${withArticle(issue.expected)}, not ${received}`, field: at };
  }
  // A message that already names its field ("q is required") is not prefixed with it again.
  const named = !at || issue.message.startsWith(`${at} `);
  // A key the body may not hold is the field at fault (it named none, or only the object holding it).
  const field = issue.code === 'unrecognized_keys' && issue.keys.length ? [...issue.path, issue.keys[0]].join('.') : at;
  // zod's own words list every key: a body of thousands of them was answered as many.
  const zods = issue.code === 'unrecognized_keys' && issue.message.startsWith('Unrecognized key');
  const message = zods ? `Unrecognized key${issue.keys.length === 1 ? '' : 's'}: ${quotedKeys(issue.keys)}` : issue.message;
  return { message: named ? message : `${at}: ${message}`, field };
}

export function parseOrThrow<T extends ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const { message, field } = describeIssues(result.error);
    throw new ValidationError(message, field);
  }
  return result.data;
}

/**
 * Path parameters that no record can have (`/contacts/0`, an id past a safe integer) name nothing:
 * 404, as for an id of no record, not a 422 about the id's form (pathId words the message).
 */
function parseParams<T extends ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue.code === 'custom') throw new NotFoundError(issue.message);
  const raw = String((value as Record<string, unknown>)[String(issue.path[0])] ?? '');
  throw new NotFoundError(`${issue.path.join('.')} ${shownInPath(raw)}`);
}

interface Schemas {
  body?: ZodType;
  query?: ZodType;
  params?: ZodType;
  headers?: ZodType;
}

/** Parsed request parts, typed from the schemas that validated them. */
export interface Validated<S extends Schemas> {
  body: S['body'] extends ZodType ? z.infer<S['body']> : undefined;
  query: S['query'] extends ZodType ? z.infer<S['query']> : undefined;
  params: S['params'] extends ZodType ? z.infer<S['params']> : undefined;
  headers: S['headers'] extends ZodType ? z.infer<S['headers']> : undefined;
}

/**
 * Validates the request at the edge and hands the handler typed values, so handlers never
 * see raw input.
 */
export function handle<S extends Schemas>(
  schemas: S,
  handler: (input: Validated<S>, req: Request, res: Response) => Promise<void> | void,
): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      // The path first: a body's mistakes are beside the point when it names no record.
      const params = schemas.params ? parseParams(schemas.params, req.params) : undefined;
      const input = {
        body: schemas.body ? parseOrThrow(schemas.body, req.body ?? {}) : undefined,
        query: schemas.query ? parseOrThrow(schemas.query, req.query) : undefined,
        params,
        headers: schemas.headers ? parseOrThrow(schemas.headers, req.headers) : undefined,
      } as Validated<S>;
      await handler(input, req, res);
    } catch (err) {
      next(err);
    }
  };
}

const withArticle = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);
