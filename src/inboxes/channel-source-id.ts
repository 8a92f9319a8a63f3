import { randomUUID } from 'node:crypto';
import type { Contact } from '../records/contact.model';
import { normalizeEmail, normalizePhone } from '../records/contact-fields';
import type { Inbox } from './inbox.model';

export type SourceIdOrReason = { ok: true; sourceId: string } | { ok: false; reason: string };

/**
 * The contact's address in an inbox, as Chatwoot's ContactInboxBuilder makes it: its email for
 * an e-mail inbox, its phone number (E.164) for SMS and WhatsApp, a new UUID for a website inbox.
 */
export function channelSourceId(inbox: Pick<Inbox, 'channel_type'>, contact: Pick<Contact, 'email' | 'phone_number'>): SourceIdOrReason {
  const field = channelAddressField(inbox);
  if (!field) return { ok: true, sourceId: randomUUID() };
  const address = contact[field];
  if (address) return { ok: true, sourceId: address };
  return { ok: false, reason: field === 'email' ? 'the contact has no email' : 'the contact has no phone number' };
}

/** The contact field whose value is its source_id in the inbox: none for a website, whose source_ids are sessions. */
export function channelAddressField(inbox: Pick<Inbox, 'channel_type'>): 'email' | 'phone_number' | null {
  switch (inbox.channel_type) {
    case 'email':
      return 'email';
    case 'sms':
    case 'whatsapp':
      return 'phone_number';
    case 'web_widget':
      return null;
  }
}

/**
 * A given source_id as contact inboxes and contacts hold it: an email or phone number in its
 * stored form (any case; with or without the +, which Chatwoot's WhatsApp source_id drops), a
 * website session as given.
 */
export function storedSourceId(inbox: Pick<Inbox, 'channel_type'>, given: string): string {
  const field = channelAddressField(inbox);
  if (!field) return given;
  const address = field === 'email' ? normalizeEmail(given) : normalizePhone(given);
  return address.ok ? address.value : given;
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
