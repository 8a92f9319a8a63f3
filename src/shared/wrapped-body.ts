import { z, type ZodType } from 'zod';
import type { JsonSchema } from './route';

/**
 * A body whose fields may come bare or wrapped in the record's name (`{"label": {...}}`): Chatwoot's
 * controllers read them from the wrapper (Rails wraps bare JSON fields in it), so its clients send
 * either. Unwrapped only when the wrapper is the body's one key: bare fields beside it would be
 * dropped unread, and are refused as unknown instead.
 */
export function bareOrWrappedIn<T extends ZodType>(wrapper: string, fields: T) {
  return z.preprocess(
    (body) => (typeof body === 'object' && body !== null && Object.keys(body).length === 1 && wrapper in body ? (body as Record<string, unknown>)[wrapper] : body),
    fields,
  );
}

/** The same in the API document, where the preprocessing has no JSON Schema form (a route's `bodySchema`). */
export const bareOrWrappedSchema =
  (wrapper: string) =>
  (fields: JsonSchema): JsonSchema => ({
    anyOf: [fields, { type: 'object', properties: { [wrapper]: fields }, required: [wrapper], additionalProperties: false }],
  });
