import { refuseControlCharacters } from '../shared/control-characters';
import { regexCueSchema, regexPatternSchema } from '../shared/regex-pattern';
import { answeredFields } from '../shared/answered-fields';
import { pathId } from '../shared/id-schema';
import { bareOrWrappedIn } from '../shared/wrapped-body';
import { z } from 'zod';
import { ATTRIBUTE_TYPES } from '../records/custom-attribute-definition.model';

export const definitionIdParams = z.object({
  account_id: z.string(),
  id: pathId('custom attribute definition'),
});

// Chatwoot's dashboard asks for either model (conversation ones are none here); anything else was an
// empty list with a 200, a typo answered as "no definitions".
export const definitionListQuery = z.object({
  attribute_model: z
    .enum(['contact_attribute', 'conversation_attribute', '1', '0', ''], 'attribute_model must be contact_attribute or conversation_attribute (or 1, 0)')
    .optional(),
});

// Chatwoot's API documents its enums by number (its Rails enums accept either): display types
// 0 text, 1 number, 2 currency, 3 percent, 4 link, 5 date, 6 list, 7 checkbox; models 0
// conversation, 1 contact. Currency and percent have no counterpart here.
const CHATWOOT_DISPLAY_TYPES = ['text', 'number', 'currency', 'percent', 'link', 'date', 'list', 'checkbox'];
const CHATWOOT_MODELS = ['conversation_attribute', 'contact_attribute'];
const fromChatwootNumber = (names: string[]) => (value: unknown) =>
  typeof value === 'number' && Number.isInteger(value) && names[value] !== undefined ? names[value] : value;

const fields = {
  attribute_key: z.string().min(1).max(100),
  attribute_display_name: z.string().min(1, 'attribute_display_name must not be empty').max(255, 'attribute_display_name must be at most 255 characters').superRefine(refuseControlCharacters),
  attribute_display_type: z.preprocess(
    fromChatwootNumber(CHATWOOT_DISPLAY_TYPES),
    z.enum(ATTRIBUTE_TYPES, `attribute_display_type must be one of ${ATTRIBUTE_TYPES.join(', ')} (or Chatwoot's numbers 0, 1, 4, 5, 6, 7)`),
  ),
  attribute_description: z.string().max(1000).superRefine(refuseControlCharacters).nullable(),
  // A list value no contact could hold (writes refuse control characters) is refused here too.
  attribute_values: z.array(z.string().min(1).max(255).superRefine(refuseControlCharacters)).max(500),
  attribute_model: z.preprocess(fromChatwootNumber(CHATWOOT_MODELS), z.literal('contact_attribute', 'only contact_attribute (1) definitions are supported')),
  // Stored and answered for clients that check values with them (Chatwoot's dashboard does);
  // contact writes are not checked against them (README: custom attribute definitions).
  regex_pattern: regexPatternSchema.nullable(),
  regex_cue: regexCueSchema.nullable(),
  // Chatwoot's field: stored and answered for its clients; nothing is filled with it.
  default_value: z
    .union([z.string().max(255, 'must be at most 255 characters'), z.number(), z.boolean()], 'default_value must be a string, a number or a boolean')
    .nullable(),
};

// Chatwoot's controllers read the fields from `custom_attribute_definition`; clients send either.
const createFields = z.strictObject(fields).partial().required({ attribute_key: true, attribute_display_type: true });
export const definitionCreateSchema = bareOrWrappedIn('custom_attribute_definition', createFields);
export type DefinitionCreateInput = z.infer<typeof createFields>;

const updateFields = z.strictObject(fields).partial();
// An update may carry the definition as read (its id and timestamps), which no write changes.
export const definitionUpdateSchema = bareOrWrappedIn(
  'custom_attribute_definition',
  updateFields.extend({ ...answeredFields, indexing: z.boolean().optional().describe('as answered; read-only') }),
);
export type DefinitionUpdateInput = z.infer<typeof updateFields>;
