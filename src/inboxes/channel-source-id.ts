import { randomUUID } from 'node:crypto';
import type { Contact } from '../records/contact.model';
import type { Inbox } from './inbox.model';

export type SourceIdOrReason = { ok: true; sourceId: string } | { ok: false; reason: string };

/**
 * The contact's address in an inbox, as Chatwoot's ContactInboxBuilder makes it: its email for
 * an e-mail inbox, its phone number (E.164) for SMS and WhatsApp, a new UUID for a website inbox.
 */
export function channelSourceId(inbox: Pick<Inbox, 'channel_type'>, contact: Pick<Contact, 'email' | 'phone_number'>): SourceIdOrReason {
  switch (inbox.channel_type) {
    case 'email':
      return contact.email ? { ok: true, sourceId: contact.email } : { ok: false, reason: 'the contact has no email' };
    case 'sms':
    case 'whatsapp':
      return contact.phone_number ? { ok: true, sourceId: contact.phone_number } : { ok: false, reason: 'the contact has no phone number' };
    case 'web_widget':
      return { ok: true, sourceId: randomUUID() };
  }
}
