import { z } from 'zod';

/*
 * Building blocks of the response schemas in the features' presenters. A presenter's zod schema
 * is the one description of its JSON: the TypeScript type (z.infer), the OpenAPI document and the
 * tests' response checks all come from it. z.object() strips unknown keys, so its JSON Schema
 * (output) is exact: every key required unless optional, no other key allowed.
 */

export const unixSeconds = z.int().describe('Unix time in seconds');
/** Keys chosen by the account (custom and additional attributes): any JSON object. */
export const freeObject = z.record(z.string(), z.unknown());
/** What a delete answers. */
export const emptySchema = z.object({}).meta({ id: 'Empty' });
/** Chatwoot's `{"payload": …}` envelope. */
export const payloadOf = <T extends z.ZodType>(schema: T) => z.object({ payload: schema });
