import { z, type ZodType } from 'zod';
import { contactListMetaSchema, contactPayloadSchema } from '../records/contact.presenter';
import { blankAsAbsent, toListResponse } from '../search/list-request';
import type { ContactPage, PageRequest } from '../search/search-contacts';

/** Each contact's contact inboxes, by contact id (read by _id; a contact without any is absent). */
export type ContactInboxesReader = (accountId: number, contactIds: number[]) => Promise<Map<number, object[]>>;

/**
 * How routes that answer contacts add Chatwoot's `contact_inboxes` (each inbox and the contact's
 * source_id there): the reader, and the shapes of a contact and of a page as answered, and of the
 * contact inbox a create with `inbox_id` answers beside the contact (Chatwoot's whole inbox there,
 * the slim one in a contact's list). The inboxes feature above this one owns the records and their
 * shapes, so the composition root makes this once (the API document takes each named shape once).
 */
export function contactInboxesOption(read: ContactInboxesReader, ofContactSchema: ZodType, linkSchema: ZodType) {
  const contact = contactPayloadSchema
    .extend({ contact_inboxes: z.array(ofContactSchema).optional().describe("the contact's inboxes and its source_id in each (include_contact_inboxes)") })
    .meta({ id: 'ContactWithInboxes' });
  const list = z.object({ meta: contactListMetaSchema, payload: z.array(contact) }).meta({ id: 'ContactList' });
  return { read, linkSchema, contact, list };
}

export type ContactInboxesOption = ReturnType<typeof contactInboxesOption>;

/**
 * Chatwoot's `include_contact_inboxes`: every contact answered carries its contact inboxes unless
 * asked `false`, as Chatwoot's do (a script that searches a phone and sends to
 * `contact_inboxes[0].source_id` relies on it). A list is served from Elasticsearch and the
 * records live in MongoDB, so a list pays one read by `_id` of its page's contacts' lists (and
 * two more, the records and the account's inboxes, when some contact has any); Chatwoot's own
 * dashboard, and the console, ask their lists `false`.
 */
export const includeContactInboxesQuery = {
  // Blank is absent, as Rails reads a blank parameter (present? is false).
  include_contact_inboxes: blankAsAbsent(
    z
      .enum(['true', 'false'], 'include_contact_inboxes must be true or false')
      .optional()
      .describe("whether each contact carries contact_inboxes (Chatwoot's): yes unless false"),
  ),
};

type IncludeQuery = { include_contact_inboxes?: 'true' | 'false' };

/** Whether the contacts are answered with their contact inboxes: unless `include_contact_inboxes=false`. */
export const includesContactInboxes = (query: IncludeQuery) => query.include_contact_inboxes !== 'false';

/** A page of a list as answered, with each contact's contact inboxes unless asked without (`include_contact_inboxes=false`). */
export async function answerContactPage(option: ContactInboxesOption, accountId: number, query: IncludeQuery, page: ContactPage, request: PageRequest) {
  const listed = includesContactInboxes(query) ? await withContactInboxes(option, accountId, page.contacts) : page.contacts;
  return toListResponse({ ...page, contacts: listed }, request);
}

/** The contacts, each with `contact_inboxes` (empty when it has none). */
export async function withContactInboxes<T extends { id: number }>(option: ContactInboxesOption, accountId: number, contacts: T[]): Promise<(T & { contact_inboxes: object[] })[]> {
  const byContact = await option.read(accountId, contacts.map((c) => c.id));
  return contacts.map((c) => ({ ...c, contact_inboxes: byContact.get(c.id) ?? [] }));
}
