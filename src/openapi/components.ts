import { ATTRIBUTE_TYPES } from '../records/custom-attribute-definition.model';
import { IMPORT_STATUSES } from '../import/contact-import.model';
import { MESSAGE_STATUSES } from '../messaging/message.model';
import type { JsonSchema } from './from-zod';

/*
 * Response bodies, written by hand from the presenters (src/*\/*.presenter.ts and the
 * services' to…Payload functions). Where a presenter writes every key, the schema says so
 * (`required` + `additionalProperties: false`): the tests validate real responses against
 * these, so a key added, dropped or retyped in a presenter fails them until this file follows.
 */

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

const integer = { type: 'integer' };
const string = { type: 'string' };
const boolean = { type: 'boolean' };
const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });
const unixSeconds = { type: 'integer', description: 'Unix time in seconds' };
const isoTime = { type: 'string', format: 'date-time' };
const freeObject = { type: 'object', additionalProperties: true };

/** An object whose every property is always present and nothing else ever is. */
export function exact(properties: Record<string, JsonSchema>, extra: JsonSchema = {}): JsonSchema {
  return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false, ...extra };
}

const contact = exact({
  id: integer,
  name: nullable(string),
  email: nullable(string),
  phone_number: nullable(string),
  identifier: nullable(string),
  thumbnail: string,
  availability_status: { const: 'offline' },
  blocked: boolean,
  additional_attributes: freeObject,
  custom_attributes: freeObject,
  labels: { type: 'array', items: string },
  created_at: nullable(unixSeconds),
  last_activity_at: nullable(unixSeconds),
});

const contactList = exact({
  meta: exact({
    count: integer,
    current_page: { ...nullable(integer), description: 'null when the page was asked for with a cursor (after)' },
    next_cursor: { ...nullable(string), description: 'pass as `after` for the next page; null on the last page' },
  }),
  payload: { type: 'array', items: ref('Contact') },
});

const label = exact({
  id: integer,
  title: string,
  description: nullable(string),
  color: string,
  show_on_sidebar: boolean,
});

const customAttributeDefinition = exact({
  id: integer,
  attribute_key: string,
  attribute_display_name: string,
  attribute_display_type: { enum: [...ATTRIBUTE_TYPES] },
  attribute_description: nullable(string),
  attribute_values: { type: 'array', items: string },
  attribute_model: { const: 'contact_attribute' },
  regex_pattern: { type: 'null' },
  regex_cue: { type: 'null' },
  default_value: { type: 'null' },
  created_at: isoTime,
  updated_at: isoTime,
});

const segmentProperties = {
  id: integer,
  name: string,
  filter_type: { const: 'contact' },
  query: exact({ payload: { type: 'array', items: freeObject } }),
  created_at: isoTime,
  updated_at: isoTime,
};
const segment = {
  ...exact(segmentProperties),
  properties: {
    ...segmentProperties,
    count: { ...nullable(integer), description: 'only with `with_counts`; null when the segment no longer compiles' },
  },
};

const bulkAction = exact({
  id: integer,
  status: { enum: ['queued', 'running', 'completed', 'failed'] },
  total: integer,
  processed: integer,
  labels: exact({ add: { type: 'array', items: string }, remove: { type: 'array', items: string } }),
  action_name: { enum: ['delete', null] },
  error: nullable(string),
  created_at: unixSeconds,
  finished_at: nullable(unixSeconds),
});

const noteAuthor = exact({
  id: integer,
  name: string,
  available_name: string,
  email: string,
  thumbnail: string,
  role: nullable(string),
});

const note = exact({
  id: integer,
  content: string,
  account_id: integer,
  contact_id: integer,
  user: nullable(ref('NoteAuthor')),
  created_at: unixSeconds,
  updated_at: unixSeconds,
});

// An inbox is Chatwoot's inbox JSON with its channel's settings inline (secrets masked).
const inboxBase = {
  id: integer,
  account_id: integer,
  name: string,
  channel_id: integer,
  inbox_identifier: string,
  created_at: nullable(unixSeconds),
  updated_at: nullable(unixSeconds),
};
const inboxOf = (channelType: string, settings: Record<string, JsonSchema>) =>
  exact({ ...inboxBase, channel_type: { const: channelType }, ...settings });
const secret = { type: 'string', description: 'masked ("********" and the last 4 characters) except where the operation says otherwise' };

const inbox = {
  oneOf: [
    inboxOf('Channel::WebWidget', { website_url: nullable(string), hmac_token: secret, hmac_mandatory: boolean }),
    inboxOf('Channel::Email', {
      email: string,
      smtp_address: string,
      smtp_port: integer,
      smtp_login: nullable(string),
      smtp_password: nullable(secret),
      smtp_enable_ssl_tls: boolean,
    }),
    inboxOf('Channel::Sms', { provider_url: string, account_sid: string, auth_token: secret, phone_number: string }),
    inboxOf('Channel::Whatsapp', { provider_url: string, api_key: secret, phone_number_id: string, phone_number: string }),
  ],
};

const message = exact({
  id: integer,
  content: string,
  account_id: integer,
  inbox_id: integer,
  conversation_id: integer,
  message_type: { enum: [0, 1], description: '0 incoming, 1 outgoing' },
  content_type: { const: 'text' },
  private: { const: false },
  status: { enum: [...MESSAGE_STATUSES] },
  source_id: { ...nullable(string), description: "the provider's id of the sent message" },
  content_attributes: { type: 'object', properties: { external_error: string }, additionalProperties: false },
  sender_id: nullable(integer),
  attempts: integer,
  created_at: nullable(unixSeconds),
  updated_at: nullable(unixSeconds),
});

const conversationProperties = {
  id: integer,
  account_id: integer,
  inbox_id: integer,
  contact_id: integer,
  status: { enum: ['open', 'resolved'] },
  custom_attributes: freeObject,
  messages: { type: 'array', items: ref('Message') },
  created_at: nullable(unixSeconds),
  timestamp: nullable(unixSeconds),
  last_activity_at: nullable(unixSeconds),
};
const conversation = exact(conversationProperties);

const visitor = exact({
  id: integer,
  source_id: string,
  pubsub_token: string,
  name: nullable(string),
  email: nullable(string),
  phone_number: nullable(string),
});

const visitorConversation = exact({ ...conversationProperties, contact: ref('Visitor') });

const contactImport = exact({
  id: integer,
  status: { enum: [...IMPORT_STATUSES] },
  file_name: string,
  file_size: integer,
  rows_read: integer,
  created: integer,
  updated: integer,
  unchanged: integer,
  rejected: integer,
  progress: { type: 'number', minimum: 0, maximum: 1, description: 'share of the file read so far' },
  error: nullable(string),
  created_at: nullable(unixSeconds),
  started_at: nullable(unixSeconds),
  finished_at: nullable(unixSeconds),
});

const error = {
  type: 'object',
  properties: {
    error: { type: 'string', description: 'what went wrong, for people' },
    field: { type: 'string', description: 'the input field at fault, when there is one' },
  },
  required: ['error'],
  additionalProperties: false,
};

export const componentSchemas: Record<string, JsonSchema> = {
  Contact: contact,
  ContactList: contactList,
  Label: label,
  CustomAttributeDefinition: customAttributeDefinition,
  Segment: segment,
  BulkAction: bulkAction,
  NoteAuthor: noteAuthor,
  Note: note,
  Inbox: inbox,
  Message: message,
  Conversation: conversation,
  Visitor: visitor,
  VisitorConversation: visitorConversation,
  Import: contactImport,
  Empty: { type: 'object', maxProperties: 0 },
  Error: error,
};
