import type { ContactPayload } from '../records/contact.presenter';
import type { ContactInbox } from '../inboxes/contact-inbox.model';

/**
 * Chatwoot's public-API contact: what the widget knows about its visitor. A guest (an
 * unverified visitor merged into somebody else's contact) does not get that person's details:
 * typing someone's email must not reveal their name or phone number.
 */
export function toVisitorPayload(contact: ContactPayload, contactInbox: Pick<ContactInbox, 'source_id' | 'pubsub_token'>, guest: boolean) {
  return {
    id: contact.id,
    source_id: contactInbox.source_id,
    pubsub_token: contactInbox.pubsub_token,
    name: guest ? null : contact.name,
    email: guest ? null : contact.email,
    phone_number: guest ? null : contact.phone_number,
  };
}

export type VisitorPayload = ReturnType<typeof toVisitorPayload>;
