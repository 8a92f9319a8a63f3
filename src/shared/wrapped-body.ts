import { z, type ZodType } from 'zod';
import type { JsonSchema } from './route';
import { quotedKeys } from './text';

const isRecord = (body: unknown): body is Record<string, unknown> => typeof body === 'object' && body !== null && !Array.isArray(body);

/**
 * A body whose fields may come bare or wrapped in the record's name (`{"label": {...}}`): Chatwoot's
 * controllers read them from the wrapper (Rails wraps bare JSON fields in it), so its clients send
 * either. Rails reads only the wrapper once it is there and drops the fields beside it unread (a
 * password beside `profile` went unchanged, answered 200): here they answer 422 naming them.
 */
export function bareOrWrappedIn<T extends ZodType>(wrapper: string, fields: T) {
  return z.preprocess((body, ctx) => {
    if (!isRecord(body) || !Object.hasOwn(body, wrapper)) return body;
    const beside = Object.keys(body).filter((key) => key !== wrapper);
    if (beside.length) {
      const named = quotedKeys(beside);
      ctx.addIssue({
        code: 'unrecognized_keys',
        keys: beside,
        input: body,
        message: `fields beside "${wrapper}" would not be read: ${named}; send every field inside "${wrapper}", or every field bare`,
      });
      return body;
    }
    return body[wrapper];
  }, fields);
}

/** The same in the API document, where the preprocessing has no JSON Schema form (a route's `bodySchema`). */
export const bareOrWrappedSchema =
  (wrapper: string) =>
  (fields: JsonSchema): JsonSchema => ({
    anyOf: [fields, { type: 'object', properties: { [wrapper]: fields }, required: [wrapper], additionalProperties: false }],
  });
