import { z } from 'zod';
import { ATTRIBUTE_TYPES } from '../records/custom-attribute-definition.model';

export const definitionIdParams = z.object({
  account_id: z.string(),
  id: z.coerce.number().int().positive('custom attribute definition id must be a positive integer'),
});

export const definitionListQuery = z.object({
  attribute_model: z.string().optional(),
});

const fields = {
  attribute_key: z.string().min(1).max(100),
  attribute_display_name: z.string().min(1, 'attribute_display_name must not be empty').max(255),
  attribute_display_type: z.enum(ATTRIBUTE_TYPES, `attribute_display_type must be one of ${ATTRIBUTE_TYPES.join(', ')}`),
  attribute_description: z.string().max(1000).nullable(),
  attribute_values: z.array(z.string().min(1).max(255)).max(500),
  attribute_model: z.literal('contact_attribute', 'only contact_attribute definitions are supported'),
  // Chatwoot's fields that this service keeps no behaviour for; accepted so its clients work.
  regex_pattern: z.string().nullable(),
  regex_cue: z.string().nullable(),
  default_value: z.unknown(),
};

export const definitionCreateSchema = z
  .strictObject(fields)
  .partial()
  .required({ attribute_key: true, attribute_display_type: true });
export type DefinitionCreateInput = z.infer<typeof definitionCreateSchema>;

export const definitionUpdateSchema = z.strictObject(fields).partial();
export type DefinitionUpdateInput = z.infer<typeof definitionUpdateSchema>;
