import { isGap } from '../contacts/merge-contacts';
import type { ContactPayload } from '../records/contact.presenter';
import { PRE_CHAT_STANDARD_FIELDS, PRE_CHAT_INPUT_TYPES, type PreChatField } from '../inboxes/inbox.model';
import type { AttributeType } from '../records/custom-attribute-definition.model';
import { checkCustomValue, coerceCustomValue } from '../records/custom-attribute-fields';
import type { VisitorConversationInput } from './capture.schemas';

export interface MissingField {
  /** Where the value belongs in the request body: contact.email, contact.custom_attributes.plan, custom_attributes.topic. */
  field: string;
  message: string;
}

type Known = Pick<ContactPayload, 'name' | 'email' | 'phone_number' | 'custom_attributes'>;

/** Where a pre-chat field's answer is read from in the request, and where it may already be known on the contact. */
function placeOf(field: PreChatField): { path: string; given: (input: VisitorConversationInput) => unknown; known?: (contact: Known) => unknown } {
  if (field.field_type === 'standard') {
    const key = PRE_CHAT_STANDARD_FIELDS[field.name as keyof typeof PRE_CHAT_STANDARD_FIELDS];
    return { path: `contact.${key}`, given: (input) => input.contact?.[key], known: (contact) => contact[key] };
  }
  if (field.field_type === 'contact_attribute') {
    return {
      path: `contact.custom_attributes.${field.name}`,
      given: (input) => input.contact?.custom_attributes?.[field.name],
      known: (contact) => contact.custom_attributes?.[field.name],
    };
  }
  return { path: `custom_attributes.${field.name}`, given: (input) => input.custom_attributes?.[field.name] };
}

/**
 * The first required, enabled field of the inbox's pre-chat form that the request leaves
 * unanswered. A contact field the visitor's contact already holds counts as answered (the
 * widget does not ask a known visitor again). `contact` is read only when some answer is missing.
 */
export async function missingPreChatField(
  fields: PreChatField[],
  input: VisitorConversationInput,
  contact: () => Promise<Known>,
): Promise<MissingField | undefined> {
  let known: Known | undefined;
  for (const field of fields.filter((f) => f.enabled && f.required)) {
    const place = placeOf(field);
    if (!isGap(place.given(input))) continue;
    if (place.known) {
      known ??= await contact();
      if (!isGap(place.known(known))) continue;
    }
    return { field: place.path, message: `the pre-chat form requires "${field.label || field.name}" (${place.path})` };
  }
  return undefined;
}

/**
 * The request without the blank answers (null, empty) it gives to required contact fields: the
 * contact keeps what it holds there. Sent on, such an answer counted as answered by the value the
 * contact held and then cleared it, so a returning visitor's blank form wiped its email or a
 * required attribute. A field the contact does not hold stays unanswered (missingPreChatField).
 */
export function withoutBlankRequiredAnswers(fields: PreChatField[], input: VisitorConversationInput): VisitorConversationInput {
  const contact = input.contact;
  if (!contact) return input;
  const kept = { ...contact } as Record<string, unknown>;
  const attributes = contact.custom_attributes ? { ...contact.custom_attributes } : undefined;
  for (const field of fields.filter((f) => f.enabled && f.required)) {
    if (field.field_type === 'standard') {
      const key = PRE_CHAT_STANDARD_FIELDS[field.name as keyof typeof PRE_CHAT_STANDARD_FIELDS];
      if (key in kept && isGap(kept[key])) delete kept[key];
    } else if (field.field_type === 'contact_attribute' && attributes && field.name in attributes && isGap(attributes[field.name])) {
      delete attributes[field.name];
    }
  }
  if (attributes) kept.custom_attributes = attributes;
  return { ...input, contact: kept as VisitorConversationInput['contact'] };
}

/** The attribute type a pre-chat field's input type asks for (an email or a phone is text). */
const ANSWER_TYPES: Record<(typeof PRE_CHAT_INPUT_TYPES)[number], AttributeType> = {
  text: 'text',
  email: 'text',
  phone: 'text',
  number: 'number',
  date: 'date',
  list: 'list',
  checkbox: 'checkbox',
  link: 'link',
};

/**
 * The conversation's attributes with the answers to the form's enabled conversation_attribute
 * fields read by each field's own type (`"42"` for a number is 42, a list's value as the list
 * spells it), or the first answer that does not fit. Conversation attributes have no definitions
 * here, so the field is the only type there is: an answer "abc" to a number field was stored.
 */
export function checkedConversationAnswers(
  fields: PreChatField[],
  attributes: Record<string, unknown> | undefined,
): { attributes: Record<string, unknown> | undefined; problem?: MissingField } {
  if (!attributes) return { attributes };
  const checked = { ...attributes };
  for (const field of fields.filter((f) => f.enabled && f.field_type === 'conversation_attribute' && Object.hasOwn(checked, f.name))) {
    if (isGap(checked[field.name])) continue;
    const answerOf = { attribute_key: field.name, attribute_display_type: ANSWER_TYPES[field.type], attribute_values: field.values ?? [], slot: 0 };
    const value = coerceCustomValue(answerOf, checked[field.name]);
    const problem = checkCustomValue(answerOf, value);
    const path = `custom_attributes.${field.name}`;
    if (problem) return { attributes, problem: { field: path, message: `the pre-chat form's "${field.label || field.name}" (${path}) is a ${field.type} field: ${problem}` } };
    checked[field.name] = value;
  }
  return { attributes: checked };
}
