import { createHash } from 'node:crypto';
import type { Conversation } from './conversation.model';

/**
 * The uuid Chatwoot answers on a conversation beside its id. A new conversation is given a random
 * one when recorded; one recorded before uuids were kept answers a name-based one (RFC 9562's
 * version 5, from the account and id), so that it is the same at every read without a migration.
 */
export function conversationUuid(conversation: Pick<Conversation, '_id' | 'account_id' | 'uuid'>): string {
  if (conversation.uuid) return conversation.uuid;
  const bytes = createHash('sha1').update(`contacts:conversation:${conversation.account_id}:${conversation._id}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
