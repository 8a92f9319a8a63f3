import { z } from 'zod';
import type { ContactPayload } from '../records/contact.presenter';
import type { ContactInbox } from '../inboxes/contact-inbox.model';
import { visitorConversationFields } from '../messaging/conversation.presenter';

export const visitorPayloadSchema = z
  .object({
    id: z.int(),
    source_id: z.string(),
    pubsub_token: z.string(),
    name: z.string().describe('"" when none, or for a guest, as Chatwoot answers a contact without one'),
    email: z.string().nullable(),
    phone_number: z.string().nullable(),
  })
  .meta({ id: 'Visitor' });

export type VisitorPayload = z.infer<typeof visitorPayloadSchema>;

/** The pre-chat form's answer: the conversation with the visitor it belongs to. */
export const visitorConversationPayloadSchema = z.object({ ...visitorConversationFields, contact: visitorPayloadSchema }).meta({ id: 'VisitorConversation' });

export type VisitorConversationPayload = z.infer<typeof visitorConversationPayloadSchema>;

/**
 * Chatwoot's public-API contact: what the widget knows about its visitor. A guest (an
 * unverified visitor merged into somebody else's contact) does not get that person's details:
 * typing someone's email must not reveal their name or phone number.
 */
export function toVisitorPayload(contact: ContactPayload, contactInbox: Pick<ContactInbox, 'source_id' | 'pubsub_token'>, guest: boolean): VisitorPayload {
  return {
    id: contact.id,
    source_id: contactInbox.source_id,
    pubsub_token: contactInbox.pubsub_token,
    // "", not null: Chatwoot's column defaults to "", and its Flutter SDK reads the name as a
    // String, so a null failed the visitor's first call.
    name: guest ? '' : contact.name,
    email: guest ? null : contact.email,
    phone_number: guest ? null : contact.phone_number,
  };
}
