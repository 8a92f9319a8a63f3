import { z } from 'zod';
import { freeObject, unixSeconds } from '../shared/response-fields';
import { toUnixSeconds } from '../shared/time';
import type { Contact } from './contact.model';

/** How long after its widget's last call a contact still counts as online. */
export const ONLINE_WINDOW_SECONDS = 5 * 60;

/** Chatwoot's contact JSON. Lists read it back from the search index, show reads MongoDB. */
export const contactPayloadSchema = z
  .object({
    id: z.int(),
    name: z.string().describe('"" when the contact has no name, as Chatwoot (its column defaults to "")'),
    email: z.string().nullable(),
    phone_number: z.string().nullable(),
    identifier: z.string().nullable(),
    thumbnail: z.string(),
    availability_status: z.enum(['online', 'offline']).describe(`'online' when the contact's website widget called the public API within the last ${ONLINE_WINDOW_SECONDS / 60} minutes (last_seen_at), computed when the contact is answered`),
    blocked: z.boolean(),
    additional_attributes: freeObject,
    custom_attributes: freeObject,
    labels: z.array(z.string()),
    created_at: unixSeconds.nullable(),
    last_activity_at: unixSeconds.nullable(),
    last_seen_at: unixSeconds.nullable().describe("when the contact's website widget last called the public API (recorded at most once a minute)"),
  })
  .meta({ id: 'Contact' });

export type ContactPayload = z.infer<typeof contactPayloadSchema>;

/** The meta of a page of contacts: list, search, filter and segment runs. */
export const contactListMetaSchema = z.object({
  count: z.int(),
  current_page: z.int().nullable().describe("null when the page was asked for with a cursor (after, before); page=last answers the last page's number"),
  next_cursor: z.string().nullable().describe('pass as `after` for the next page; null on the last page'),
  prev_cursor: z.string().nullable().describe('pass as `before` for the page before this one; null on the first page'),
  has_more: z.boolean().describe('whether another page follows (as Chatwoot\'s search answers)'),
});

type ContactFields = Pick<
  Contact,
  | '_id'
  | 'name'
  | 'email'
  | 'phone_number'
  | 'identifier'
  | 'thumbnail'
  | 'blocked'
  | 'additional_attributes'
  | 'custom_attributes'
  | 'labels'
  | 'created_at'
  | 'last_activity_at'
  | 'last_seen_at'
>;

const availabilityAt = (lastSeenAt: number | null | undefined, now: Date): ContactPayload['availability_status'] =>
  lastSeenAt !== null && lastSeenAt !== undefined && now.getTime() / 1000 - lastSeenAt < ONLINE_WINDOW_SECONDS ? 'online' : 'offline';

/**
 * The payload with its availability as of `now`. The index stores payloads, so lists pass them
 * through here: availability is derived from last_seen_at when answering, never read from storage
 * (payloads indexed before last_seen_at existed lack it and are offline).
 */
export function withAvailability(payload: ContactPayload, now = new Date()): ContactPayload {
  const lastSeenAt = payload.last_seen_at ?? null;
  // Payloads indexed before nameless contacts answered "" hold null.
  return { ...payload, name: payload.name ?? '', last_seen_at: lastSeenAt, availability_status: availabilityAt(lastSeenAt, now) };
}

export function toContactPayload(contact: ContactFields, now = new Date()): ContactPayload {
  const lastSeenAt = toUnixSeconds(contact.last_seen_at);
  return {
    id: Number(contact._id),
    // Chatwoot's name column defaults to "", and its dashboard splits the name without a null check.
    name: contact.name ?? '',
    email: contact.email,
    phone_number: contact.phone_number,
    identifier: contact.identifier,
    thumbnail: contact.thumbnail ?? '',
    availability_status: availabilityAt(lastSeenAt, now),
    blocked: contact.blocked,
    additional_attributes: contact.additional_attributes ?? {},
    custom_attributes: contact.custom_attributes ?? {},
    labels: contact.labels ?? [],
    created_at: toUnixSeconds(contact.created_at),
    last_activity_at: toUnixSeconds(contact.last_activity_at),
    last_seen_at: lastSeenAt,
  };
}
