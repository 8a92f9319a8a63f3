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

/**
 * Why a source_id a caller gave (Chatwoot's clients may send one with inbox_id) cannot be the
 * contact's in this inbox, or null when it is the address the inbox derives: the email in any
 * case, the phone number with or without its + (Chatwoot's WhatsApp source_id drops it). A
 * website contact's source_id is its session in the widget's public API, so it is always made here.
 */
export function givenSourceIdProblem(inbox: Pick<Inbox, 'channel_type'>, given: string, derived: string): string | null {
  switch (inbox.channel_type) {
    case 'email':
      return given.trim().toLowerCase() === derived ? null : `source_id must be the contact's email in an e-mail inbox (${derived})`;
    case 'sms':
    case 'whatsapp':
      return given.trim().replace(/^\+/, '') === derived.replace(/^\+/, '') ? null : `source_id must be the contact's phone number in this inbox (${derived})`;
    case 'web_widget':
      return "a website contact's source_id is its session in the widget and is generated here; leave source_id out";
  }
}
