import { z } from 'zod';
import { userSummarySchema, type UserSummary } from '../accounts/user-summary.presenter';
import { toUnixSeconds } from '../shared/time';
import { contactPayloadSchema, type ContactPayload } from '../records/contact.presenter';
import { freeObject, unixSeconds } from '../shared/response-fields';
import type { Conversation } from './conversation.model';
import { conversationUuid } from './conversation-uuid';
import { MESSAGE_STATUSES, type Message } from './message.model';

/** Who sent a message, as Chatwoot's push_event_data shows it: the agent of an outgoing one, the contact of an incoming one. */
const userSenderSchema = z
  .object({ id: z.int(), name: z.string(), available_name: z.string(), avatar_url: z.string(), thumbnail: z.string(), type: z.literal('user') })
  .meta({ id: 'MessageUserSender' });
const contactSenderSchema = contactPayloadSchema
  .pick({ id: true, name: true, email: true, phone_number: true, identifier: true, thumbnail: true, blocked: true, additional_attributes: true, custom_attributes: true })
  .extend({ type: z.literal('contact') })
  .meta({ id: 'MessageContactSender' });
export type MessageSender = z.infer<typeof userSenderSchema> | z.infer<typeof contactSenderSchema>;

/** Chatwoot's message JSON (message_type 0 incoming, 1 outgoing), with our delivery status. */
export const messagePayloadSchema = z
  .object({
    id: z.int(),
    content: z.string(),
    account_id: z.int(),
    inbox_id: z.int(),
    conversation_id: z.int(),
    message_type: z.union([z.literal(0), z.literal(1)]).describe('0 incoming, 1 outgoing'),
    content_type: z.literal('text'),
    private: z.literal(false),
    status: z.enum(MESSAGE_STATUSES),
    source_id: z.string().nullable().describe("the provider's id of the sent message"),
    recipient: z
      .string()
      .nullable()
      .describe("where an outgoing message goes: the contact's email or E.164 phone number when it was written, kept for delivery and its retries whatever the contact holds later; null for website and incoming messages, and for messages queued before addresses were kept"),
    content_attributes: z.object({
      external_error: z.string().optional().describe('why the message failed, or, on a sent e-mail, which Cc or Bcc copies the SMTP server refused'),
      cc_emails: z.array(z.string()).optional(),
      bcc_emails: z.array(z.string()).optional(),
    }),
    sender_type: z.enum(['User', 'Contact']).nullable().describe("Chatwoot's: User for an agent's outgoing message, Contact for a visitor's incoming one"),
    sender_id: z.int().nullable().describe("the agent's user id, or the contact's id (the conversation's contact)"),
    sender: z.union([userSenderSchema, contactSenderSchema]).optional().describe('who sent it, as Chatwoot shows it; absent when unknown'),
    attempts: z.int(),
    created_at: unixSeconds.nullable(),
    updated_at: unixSeconds.nullable(),
  })
  .meta({ id: 'Message' });

export type MessagePayload = z.infer<typeof messagePayloadSchema>;

const conversationFields = {
  id: z.int(),
  account_id: z.int(),
  inbox_id: z.int(),
  contact_id: z.int(),
  status: z.enum(['open', 'resolved']),
  custom_attributes: freeObject,
  additional_attributes: freeObject.describe("Chatwoot's other attributes of a conversation; mail_subject is an e-mail's subject"),
  messages: z.array(messagePayloadSchema),
  created_at: unixSeconds.nullable(),
  timestamp: unixSeconds.nullable(),
  last_activity_at: unixSeconds.nullable(),
};

/** Chatwoot's conversation `meta`: the contact it is with (clients read `meta.sender.id`), the inbox's channel, and whether that contact's identity there is HMAC-verified. */
const conversationMetaSchema = z.object({
  sender: contactPayloadSchema,
  channel: z.string().nullable().describe("the inbox's channel type (Channel::Email, …); null once the inbox is deleted"),
  hmac_verified: z.boolean(),
  assignee: userSummarySchema.nullable().describe('the member the conversation was assigned to when started (assignee_id); null when none'),
});

export type ConversationMeta = z.infer<typeof conversationMetaSchema>;

/**
 * Chatwoot answers these times with Ruby's `to_i`, so a time never set is 0, not null: a typed
 * client (an Int in Swift or Kotlin) failed to decode the conversation on null.
 */
const neverSeconds = z.literal(0).describe('0, as Chatwoot answers a time never set: not tracked here');

/**
 * Fields of Chatwoot's conversation that this service has no counterpart for, answered with what
 * they are here, so that a client reading them (`conversation.labels.includes(…)`) does not throw.
 */
const chatwootConversationFields = {
  labels: z.array(z.string()).describe('always empty: conversations carry no labels here'),
  uuid: z.string().describe("Chatwoot's other id of a conversation, given when it is recorded"),
  unread_count: z.int().describe("the conversation's incoming messages: no agent's reading is tracked here (agent_last_seen_at is 0)"),
  agent_last_seen_at: neverSeconds,
  assignee_last_seen_at: neverSeconds,
  contact_last_seen_at: neverSeconds,
  first_reply_created_at: z.int().describe('when its first outgoing message was created; 0 before one, as Chatwoot answers'),
  waiting_since: neverSeconds,
  priority: z.null(),
  muted: z.literal(false),
  snoozed_until: z.null(),
  sla_policy_id: z.null(),
  can_reply: z.boolean().describe('whether its inbox still exists to send through'),
  last_non_activity_message: messagePayloadSchema.nullable().describe('its latest message'),
};

export const conversationPayloadSchema = z.object({ ...conversationFields, ...chatwootConversationFields, meta: conversationMetaSchema }).meta({ id: 'Conversation' });

export type ConversationPayload = z.infer<typeof conversationPayloadSchema>;

/** Chatwoot's GET /conversations/{id}/messages: the contact in `meta`, the messages oldest first in `payload`. */
export const conversationMessagesSchema = z.object({ meta: z.object({ contact: contactPayloadSchema }), payload: z.array(messagePayloadSchema) });

type ConversationFieldsPayload = Omit<ConversationPayload, 'meta' | keyof typeof chatwootConversationFields>;

/** Who sent each message of a conversation: its contact for an incoming one, the agent (by id, among `users`) for an outgoing one. */
export interface MessageSenders {
  contact: ContactPayload;
  users: Map<number, UserSummary>;
}

function senderOf(message: Message, senders: MessageSenders | undefined): Pick<MessagePayload, 'sender_type' | 'sender_id' | 'sender'> {
  if (message.message_type === 'incoming') {
    if (!senders) return { sender_type: 'Contact', sender_id: message.sender_id };
    const { id, name, email, phone_number, identifier, thumbnail, blocked, additional_attributes, custom_attributes } = senders.contact;
    return { sender_type: 'Contact', sender_id: id, sender: { id, name, email, phone_number, identifier, thumbnail, blocked, additional_attributes, custom_attributes, type: 'contact' } };
  }
  if (message.sender_id === null) return { sender_type: null, sender_id: null };
  const user = senders?.users.get(message.sender_id);
  if (!user) return { sender_type: 'User', sender_id: message.sender_id };
  return { sender_type: 'User', sender_id: user.id, sender: userSenderOf(user) };
}

const userSenderOf = (user: UserSummary): z.infer<typeof userSenderSchema> => ({
  id: user.id,
  name: user.name,
  available_name: user.available_name,
  avatar_url: user.thumbnail,
  thumbnail: user.thumbnail,
  type: 'user',
});

export function toMessagePayload(message: Message, senders?: MessageSenders): MessagePayload {
  return {
    id: message._id,
    content: message.content,
    account_id: message.account_id,
    inbox_id: message.inbox_id,
    conversation_id: message.conversation_id,
    message_type: message.message_type === 'incoming' ? 0 : 1,
    content_type: 'text',
    private: false,
    status: message.status,
    source_id: message.provider_message_id,
    recipient: message.recipient ?? null,
    content_attributes: {
      ...(message.failure_reason ? { external_error: message.failure_reason } : {}),
      ...(message.cc_emails?.length ? { cc_emails: message.cc_emails } : {}),
      ...(message.bcc_emails?.length ? { bcc_emails: message.bcc_emails } : {}),
    },
    ...senderOf(message, senders),
    attempts: message.attempts,
    created_at: toUnixSeconds(message.created_at),
    updated_at: toUnixSeconds(message.updated_at),
  };
}

/** `users`: the account's users the conversation names (its assignee, its messages' agents), by id. */
export function toConversationPayload(conversation: Conversation, messages: Message[], meta: Omit<ConversationMeta, 'assignee'>, users: Map<number, UserSummary>): ConversationPayload {
  const fields = toConversationFields(conversation, messages, { contact: meta.sender, users });
  const firstReply = fields.messages.find((m) => m.message_type === 1);
  return {
    ...fields,
    labels: [],
    uuid: conversationUuid(conversation),
    unread_count: fields.messages.filter((m) => m.message_type === 0).length,
    agent_last_seen_at: 0,
    assignee_last_seen_at: 0,
    contact_last_seen_at: 0,
    first_reply_created_at: firstReply?.created_at ?? 0,
    waiting_since: 0,
    priority: null,
    muted: false,
    snoozed_until: null,
    sla_policy_id: null,
    can_reply: meta.channel !== null,
    last_non_activity_message: fields.messages.at(-1) ?? null,
    meta: { ...meta, assignee: (conversation.assignee_id && users.get(conversation.assignee_id)) || null },
  };
}

function toConversationFields(conversation: Conversation, messages: Message[], senders: MessageSenders): ConversationFieldsPayload {
  return {
    id: conversation._id,
    account_id: conversation.account_id,
    inbox_id: conversation.inbox_id,
    contact_id: conversation.contact_id,
    status: conversation.status,
    custom_attributes: conversation.custom_attributes ?? {},
    additional_attributes: conversation.additional_attributes ?? {},
    messages: messages.map((message) => toMessagePayload(message, senders)),
    created_at: toUnixSeconds(conversation.created_at),
    timestamp: toUnixSeconds(conversation.last_activity_at),
    last_activity_at: toUnixSeconds(conversation.last_activity_at),
  };
}

/** The visitor as the widget is told of them (a guest is not told the details of the contact it was merged into). */
const publicContactSenderSchema = z
  .object({ id: z.int(), name: z.string(), email: z.string().nullable(), phone_number: z.string().nullable(), thumbnail: z.string(), type: z.literal('contact') })
  .meta({ id: 'PublicMessageContactSender' });

/**
 * A message as the website widget sees it (Chatwoot's public API message): no delivery details,
 * no provider ids, no failure reasons; who sent it, as Chatwoot's `sender`.
 */
export const publicMessagePayloadSchema = messagePayloadSchema
  .pick({ id: true, content: true, message_type: true, content_type: true, created_at: true, conversation_id: true })
  .extend({
    content_attributes: z.object({}),
    sender: z.union([userSenderSchema, publicContactSenderSchema]).optional().describe('the agent of an outgoing message, the visitor of an incoming one; absent when unknown'),
  })
  .meta({ id: 'PublicMessage' });

export type PublicMessagePayload = z.infer<typeof publicMessagePayloadSchema>;

/** Who sent the messages a visitor reads: the visitor as told to the widget, and the agents by id. */
export interface PublicMessageSenders {
  visitor: Pick<z.infer<typeof publicContactSenderSchema>, 'id' | 'name' | 'email' | 'phone_number'>;
  users: Map<number, UserSummary>;
}

export const publicConversationPayloadSchema = conversationPayloadSchema
  .pick({ id: true, uuid: true, inbox_id: true, status: true, contact_last_seen_at: true, agent_last_seen_at: true, created_at: true })
  .extend({ messages: z.array(publicMessagePayloadSchema) })
  .meta({ id: 'PublicConversation' });

export type PublicConversationPayload = z.infer<typeof publicConversationPayloadSchema>;

export function toPublicMessagePayload(message: Message, senders: PublicMessageSenders): PublicMessagePayload {
  const { id, content, message_type, content_type, created_at, conversation_id } = toMessagePayload(message);
  return { id, content, message_type, content_type, content_attributes: {}, created_at, conversation_id, ...publicSenderOf(message, senders) };
}

function publicSenderOf(message: Message, { visitor, users }: PublicMessageSenders): Pick<PublicMessagePayload, 'sender'> {
  if (message.message_type === 'incoming') {
    const { id, name, email, phone_number } = visitor;
    return { sender: { id, name, email, phone_number, thumbnail: '', type: 'contact' } };
  }
  const user = message.sender_id === null ? undefined : users.get(message.sender_id);
  return user ? { sender: userSenderOf(user) } : {};
}

/** The pre-chat form's conversation: the public one, with the conversation fields the form answered. */
export const visitorConversationFields = { ...publicConversationPayloadSchema.shape, custom_attributes: freeObject };

export type VisitorConversationFields = PublicConversationPayload & { custom_attributes: Record<string, unknown> };

export function toVisitorConversationFields(conversation: Conversation, messages: Message[], senders: PublicMessageSenders): VisitorConversationFields {
  return { ...toPublicConversationPayload(conversation, messages, senders), custom_attributes: conversation.custom_attributes ?? {} };
}

function toPublicConversationPayload(conversation: Conversation, messages: Message[], senders: PublicMessageSenders): PublicConversationPayload {
  return {
    id: conversation._id,
    uuid: conversationUuid(conversation),
    inbox_id: conversation.inbox_id,
    status: conversation.status,
    contact_last_seen_at: 0,
    agent_last_seen_at: 0,
    created_at: toUnixSeconds(conversation.created_at),
    messages: messages.map((message) => toPublicMessagePayload(message, senders)),
  };
}
