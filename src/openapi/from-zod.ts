import { z, type ZodType } from 'zod';
import { alsoAcceptedInputs } from '../shared/documented-input';
import type { JsonSchema } from '../shared/route';

export type { JsonSchema };

export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonSchema;
}

/** A preprocessed input that also takes other values (src/shared/documented-input.ts): its schema or those. */
function withAlsoAccepted(ctx: { zodSchema: unknown; jsonSchema: JsonSchema }): void {
  const also = alsoAcceptedInputs.get(ctx.zodSchema as ZodType);
  if (!also) return;
  const own = { ...ctx.jsonSchema };
  for (const key of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[key];
  ctx.jsonSchema.anyOf = [own, ...also.alsoAccepts];
}

/**
 * The JSON Schema of what a zod schema accepts (`io: 'input'`: before coercion and defaults),
 * so documented inputs are the validation itself and cannot drift from it. Refinements and
 * transforms have no JSON Schema form: they are left out (`unrepresentable: 'any'`), and the
 * document is then looser than the validation, never stricter.
 */
export function inputSchemaOf(schema: ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', override: withAlsoAccepted }) as JsonSchema;
  delete json.$schema;
  return json;
}

/** The path, query or header parameters of an object schema, one per property. */
export function parametersOf(schema: ZodType, location: 'path' | 'query' | 'header'): ParameterObject[] {
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

const COMPONENT_REF = '"#/components/schemas/';
const rehome = (schema: JsonSchema): JsonSchema => JSON.parse(JSON.stringify(schema).split('"#/$defs/').join(COMPONENT_REF)) as JsonSchema;

/**
 * The JSON Schema of what a response schema produces (`io: 'output'`: a z.object() strips
 * unknown keys, so it comes out with `additionalProperties: false`). Schemas named with
 * `.meta({ id })` (the presenters' payloads) are put into `components` once and referenced, so
 * the document says "Contact" where the presenters do. Two different schemas under one name fail.
 */
export function outputSchemaOf(schema: ZodType, components: Record<string, JsonSchema>): JsonSchema {
  // Wrapped, so that a named schema at the root is referenced like a nested one.
  const json = z.toJSONSchema(z.object({ root: schema }), { io: 'output' }) as unknown as {
    properties: { root: JsonSchema };
    $defs?: Record<string, JsonSchema>;
  };
  for (const [name, def] of Object.entries(json.$defs ?? {})) {
    const rehomed = rehome(def);
    if (components[name] && JSON.stringify(components[name]) !== JSON.stringify(rehomed)) {
      throw new Error(`OpenAPI: two different response schemas are named ${name}`);
    }
    components[name] = rehomed;
  }
  return rehome(json.properties.root);
}
