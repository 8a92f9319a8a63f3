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
