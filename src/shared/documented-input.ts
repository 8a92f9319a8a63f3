import { z, type ZodType } from 'zod';
import type { JsonSchema } from './route';

/**
 * What a z.preprocess() takes besides what its inner schema accepts (a number read as text, ''
 * read as null). The preprocessing has no JSON Schema form, so the API document would show only
 * the inner schema and call valid input invalid; src/openapi adds these as alternatives (anyOf).
 */
export const alsoAcceptedInputs = z.registry<{ alsoAccepts: JsonSchema[] }>();

/** Marks `schema` (a z.preprocess) as also taking input of these JSON Schemas; answers it. */
export function acceptingAlso<T extends ZodType>(schema: T, ...alsoAccepts: JsonSchema[]): T {
  alsoAcceptedInputs.add(schema, { alsoAccepts });
  return schema;
}

/**
 * `schema`, or null taken as absent: Rails (Chatwoot's) reads an absent and a null parameter
 * alike, and clients that serialise an unset option as null send it so.
 */
export const nullAsAbsent = <T extends ZodType>(schema: T) =>
  acceptingAlso(z.preprocess((value) => (value === null ? undefined : value), schema), { type: 'null', description: 'the same as absent' });
