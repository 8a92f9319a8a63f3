import { z } from 'zod';
import { toUnixSeconds } from '../shared/time';
import { unixSeconds } from '../shared/response-fields';
import { ATTRIBUTE_TYPES, type CustomAttributeDefinition } from '../records/custom-attribute-definition.model';

/** Chatwoot's definition JSON. */
export const definitionPayloadSchema = z
  .object({
    id: z.int(),
    attribute_key: z.string(),
    attribute_display_name: z.string(),
    attribute_display_type: z.enum(ATTRIBUTE_TYPES),
    attribute_description: z.string().nullable(),
    attribute_values: z.array(z.string()),
    attribute_model: z.literal('contact_attribute'),
    regex_pattern: z.string().nullable(),
    regex_cue: z.string().nullable(),
    default_value: z.union([z.string(), z.number(), z.boolean()]).nullable(),
    created_at: unixSeconds,
    updated_at: unixSeconds,
    indexing: z
      .boolean()
      .describe(
        'true while the contacts that already held this key when it was defined are brought into the search index (a job, when more than DEFINITION_RESYNC_IN_REQUEST hold it): filters, sorts, counts and exports on it find only those indexed so far. Not in Chatwoot',
      ),
  })
  .meta({ id: 'CustomAttributeDefinition' });

export type DefinitionPayload = z.infer<typeof definitionPayloadSchema>;

export function toDefinitionPayload(def: CustomAttributeDefinition): DefinitionPayload {
  return {
    id: def._id,
    attribute_key: def.attribute_key,
    attribute_display_name: def.attribute_display_name,
    attribute_display_type: def.attribute_display_type,
    attribute_description: def.attribute_description,
    attribute_values: def.attribute_values,
    attribute_model: def.attribute_model,
    regex_pattern: def.regex_pattern ?? null,
    regex_cue: def.regex_cue ?? null,
    default_value: def.default_value ?? null,
    // SPEC §2: timestamps are Unix seconds (Chatwoot renders these two records' as ISO 8601 text).
    created_at: toUnixSeconds(def.created_at)!,
    updated_at: toUnixSeconds(def.updated_at)!,
    // Filters on it answered climbing counts for 30-45 s at 100,000 holders with nothing saying why.
    indexing: def.resyncing === true,
  };
}
