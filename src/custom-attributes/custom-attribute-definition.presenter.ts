import type { CustomAttributeDefinition } from '../records/custom-attribute-definition.model';

export function toDefinitionPayload(def: CustomAttributeDefinition) {
  return {
    id: def._id,
    attribute_key: def.attribute_key,
    attribute_display_name: def.attribute_display_name,
    attribute_display_type: def.attribute_display_type,
    attribute_description: def.attribute_description,
    attribute_values: def.attribute_values,
    attribute_model: def.attribute_model,
    regex_pattern: null,
    regex_cue: null,
    default_value: null,
    created_at: def.created_at.toISOString(),
    updated_at: def.updated_at.toISOString(),
  };
}
