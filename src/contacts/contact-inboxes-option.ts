import { z, type ZodType } from 'zod';
import { contactListMetaSchema, contactPayloadSchema } from '../records/contact.presenter';
import { blankAsAbsent, toListResponse } from '../search/list-request';
import type { ContactPage, PageRequest } from '../search/search-contacts';

/** Each contact's contact inboxes, by contact id (read by _id; a contact without any is absent). */
export type ContactInboxesReader = (accountId: number, contactIds: number[]) => Promise<Map<number, object[]>>;

/**
 * How routes that answer contacts add Chatwoot's `contact_inboxes` (each inbox and the contact's
 * source_id there): the reader, and the shapes of a contact and of a page as answered. The
 * inboxes feature above this one owns the records and their shape, so the composition root makes
 * this once (the API document takes each named shape once).
 */
export function contactInboxesOption(read: ContactInboxesReader, contactInboxSchema: ZodType) {
  const contact = contactPayloadSchema
    .extend({ contact_inboxes: z.array(contactInboxSchema).optional().describe("the contact's inboxes and its source_id in each (include_contact_inboxes)") })
    .meta({ id: 'ContactWithInboxes' });
  const list = z.object({ meta: contactListMetaSchema, payload: z.array(contact) }).meta({ id: 'ContactList' });
  return { read, contactInboxSchema, contact, list };
}

export type ContactInboxesOption = ReturnType<typeof contactInboxesOption>;

/**
 * Chatwoot's `include_contact_inboxes`. It answers them by default; here a contact read alone
 * (show, update) does, and a list (list, search, filter, segment) only when asked with `true`:
 * a list is served from Elasticsearch alone, and Chatwoot's own dashboard asks its lists without.
 */
export const includeContactInboxesQuery = {
  // Blank is absent, as Rails reads a blank parameter (present? is false).
  include_contact_inboxes: blankAsAbsent(
    z
      .enum(['true', 'false'], 'include_contact_inboxes must be true or false')
      .optional()
      .describe("whether each contact carries contact_inboxes (Chatwoot's): by default yes for one contact, no for a list"),
  ),
};

type IncludeQuery = { include_contact_inboxes?: 'true' | 'false' };

/** Whether the contacts are answered with their contact inboxes: `include_contact_inboxes`, else `byDefault`. */
export const includesContactInboxes = (query: IncludeQuery, byDefault: boolean) =>
  query.include_contact_inboxes === undefined ? byDefault : query.include_contact_inboxes === 'true';

/** A page of a list as answered, with each contact's contact inboxes when asked for (`include_contact_inboxes=true`). */
export async function answerContactPage(option: ContactInboxesOption, accountId: number, query: IncludeQuery, page: ContactPage, request: PageRequest) {
  const listed = includesContactInboxes(query, false) ? await withContactInboxes(option, accountId, page.contacts) : page.contacts;
  return toListResponse({ ...page, contacts: listed }, request);
}

/** The contacts, each with `contact_inboxes` (empty when it has none). */
export async function withContactInboxes<T extends { id: number }>(option: ContactInboxesOption, accountId: number, contacts: T[]): Promise<(T & { contact_inboxes: object[] })[]> {
  const byContact = await option.read(accountId, contacts.map((c) => c.id));
  return contacts.map((c) => ({ ...c, contact_inboxes: byContact.get(c.id) ?? [] }));
}
