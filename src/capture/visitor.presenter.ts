import type { ContactPayload } from '../contacts/contact.presenter';
import type { ContactInbox } from '../inboxes/contact-inbox.model';

/** Chatwoot's public-API contact: what the widget knows about its visitor. */
export function toVisitorPayload(contact: ContactPayload, contactInbox: Pick<ContactInbox, 'source_id' | 'pubsub_token'>) {
  return {
    id: contact.id,
    source_id: contactInbox.source_id,
    pubsub_token: contactInbox.pubsub_token,
    name: contact.name,
    email: contact.email,
    phone_number: contact.phone_number,
  };
}

export type VisitorPayload = ReturnType<typeof toVisitorPayload>;
