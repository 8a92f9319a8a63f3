import { z, type ZodType } from 'zod';

/** A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1), as a plain object. */
export type JsonSchema = Record<string, unknown>;

export interface ParameterObject {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: JsonSchema;
}

/**
 * The JSON Schema of what a zod schema accepts (`io: 'input'`: before coercion and defaults),
 * so documented inputs are the validation itself and cannot drift from it. Refinements and
 * transforms have no JSON Schema form: they are left out (`unrepresentable: 'any'`), and the
 * document is then looser than the validation, never stricter.
 */
export function inputSchemaOf(schema: ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

/** The path or query parameters of an object schema, one per property. */
export function parametersOf(schema: ZodType, location: 'path' | 'query'): ParameterObject[] {
  const json = inputSchemaOf(schema);
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    // Path parameters are always required in OpenAPI; a query parameter with a default is not.
    required: location === 'path' || (required.has(name) && !('default' in property)),
    schema: property,
  }));
}
