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
 * The request without the blank answers (null, empty) it gives to the form's contact and
 * conversation fields: the contact keeps what it holds there. Sent on, a blank answer to a required
 * field counted as answered by the value the contact held and then cleared it, so a returning
 * visitor's blank form wiped its email or a required attribute; an optional field left empty was a
 * 422 for a number attribute and stored as "" for a conversation's list. A required field the
 * contact does not hold stays unanswered (missingPreChatField).
 */
export function withoutBlankAnswers(fields: PreChatField[], input: VisitorConversationInput): VisitorConversationInput {
  const contact = input.contact ? ({ ...input.contact } as Record<string, unknown>) : undefined;
  const attributes = input.contact?.custom_attributes ? { ...input.contact.custom_attributes } : undefined;
  const conversation = input.custom_attributes ? { ...input.custom_attributes } : undefined;
  for (const field of fields.filter((f) => f.enabled)) {
    if (field.field_type === 'standard') {
      const key = PRE_CHAT_STANDARD_FIELDS[field.name as keyof typeof PRE_CHAT_STANDARD_FIELDS];
      if (field.required && contact && key in contact && isGap(contact[key])) delete contact[key];
    } else {
      const answers = field.field_type === 'contact_attribute' ? attributes : conversation;
      if (answers && field.name in answers && isGap(answers[field.name])) delete answers[field.name];
    }
  }
  if (contact && attributes) contact.custom_attributes = attributes;
  return { ...input, ...(contact ? { contact: contact as VisitorConversationInput['contact'] } : {}), ...(conversation ? { custom_attributes: conversation } : {}) };
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

/** A field's answer read by the field's own type (`"42"` for a number is 42, a list's value as the list spells it), or why it does not fit. */
function answerOf(field: PreChatField, given: unknown, path: string): { value: unknown; problem?: MissingField } {
  const asked = { attribute_key: field.name, attribute_display_type: ANSWER_TYPES[field.type], attribute_values: field.values ?? [], slot: 0 };
  const value = coerceCustomValue(asked, given);
  const problem = checkCustomValue(asked, value);
  return problem ? { value, problem: { field: path, message: `the pre-chat form's "${field.label || field.name}" (${path}) is a ${field.type} field: ${problem}` } } : { value };
}

/**
 * The conversation's attributes with the answers to the form's enabled conversation_attribute
 * fields read by each field's own type, or the first answer that does not fit. Conversation
 * attributes have no definitions here, so the field is the only type there is: an answer "abc" to
 * a number field was stored.
 */
export function checkedConversationAnswers(
  fields: PreChatField[],
  attributes: Record<string, unknown> | undefined,
): { attributes: Record<string, unknown> | undefined; problem?: MissingField } {
  if (!attributes) return { attributes };
  const checked = { ...attributes };
  for (const field of fields.filter((f) => f.enabled && f.field_type === 'conversation_attribute' && Object.hasOwn(checked, f.name))) {
    const answer = answerOf(field, checked[field.name], `custom_attributes.${field.name}`);
    if (answer.problem) return { attributes, problem: answer.problem };
    checked[field.name] = answer.value;
  }
  return { attributes: checked };
}

/** A contact attribute the form asks for and the account has not defined: defined by the form field, as the administrator set it. */
export interface AskedAttribute {
  attribute_key: string;
  attribute_display_name: string;
  attribute_display_type: AttributeType;
  attribute_values: string[];
}

/**
 * The contact's attributes with the answers to the form's enabled contact_attribute fields that the
 * account has not defined read by each field's own type, and the definitions those fields make
 * (or the first answer that does not fit). A defined key is the definition's to check. Such an
 * answer was checked against nothing, and its first one defined the key by its JSON type: "abc"
 * for a number field was stored and made the key text, which then refused every visitor's number
 * and the administrator's number definition.
 */
export function checkedNewContactAnswers(
  fields: PreChatField[],
  attributes: Record<string, unknown> | undefined,
  defined: ReadonlySet<string>,
): { attributes: Record<string, unknown> | undefined; asked: AskedAttribute[]; problem?: MissingField } {
  if (!attributes) return { attributes, asked: [] };
  const checked = { ...attributes };
  const asked: AskedAttribute[] = [];
  for (const field of fields.filter((f) => f.enabled && f.field_type === 'contact_attribute' && Object.hasOwn(checked, f.name) && !defined.has(f.name))) {
    if (checked[field.name] === null) continue;
    const answer = answerOf(field, checked[field.name], `contact.custom_attributes.${field.name}`);
    if (answer.problem) return { attributes, asked: [], problem: answer.problem };
    checked[field.name] = answer.value;
    // A list field without values of its own takes any text: a list definition needs its values.
    const type = field.type === 'list' && !field.values?.length ? 'text' : ANSWER_TYPES[field.type];
    asked.push({ attribute_key: field.name, attribute_display_name: field.label || field.name, attribute_display_type: type, attribute_values: type === 'list' ? (field.values ?? []) : [] });
  }
  return { attributes: checked, asked };
}
