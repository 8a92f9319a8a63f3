import { toUnixSeconds } from '../shared/time';
import type { Conversation } from './conversation.model';
import type { Message } from './message.model';

/** Chatwoot's message JSON (message_type 0 incoming, 1 outgoing), with our delivery status. */
export function toMessagePayload(message: Message) {
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
    content_attributes: message.failure_reason ? { external_error: message.failure_reason } : {},
    sender_id: message.sender_id,
    attempts: message.attempts,
    created_at: toUnixSeconds(message.created_at),
    updated_at: toUnixSeconds(message.updated_at),
  };
}

export function toConversationPayload(conversation: Conversation, messages: Message[]) {
  return {
    id: conversation._id,
    account_id: conversation.account_id,
    inbox_id: conversation.inbox_id,
    contact_id: conversation.contact_id,
    status: conversation.status,
    custom_attributes: conversation.custom_attributes ?? {},
    messages: messages.map(toMessagePayload),
    created_at: toUnixSeconds(conversation.created_at),
    timestamp: toUnixSeconds(conversation.last_activity_at),
    last_activity_at: toUnixSeconds(conversation.last_activity_at),
  };
}

export type ConversationPayload = ReturnType<typeof toConversationPayload>;
