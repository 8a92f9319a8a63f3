import { z } from 'zod';
import { freeObject, unixSeconds } from '../shared/response-fields';
import { toUnixSeconds } from '../shared/time';
import type { Contact } from './contact.model';

/** Chatwoot's contact JSON. Lists read it back from the search index, show reads MongoDB. */
export const contactPayloadSchema = z
  .object({
    id: z.int(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    phone_number: z.string().nullable(),
    identifier: z.string().nullable(),
    thumbnail: z.string(),
    availability_status: z.literal('offline'),
    blocked: z.boolean(),
    additional_attributes: freeObject,
    custom_attributes: freeObject,
    labels: z.array(z.string()),
    created_at: unixSeconds.nullable(),
    last_activity_at: unixSeconds.nullable(),
  })
  .meta({ id: 'Contact' });

export type ContactPayload = z.infer<typeof contactPayloadSchema>;

/** A page of contacts: list, search, filter and segment runs. */
export const contactListSchema = z
  .object({
    meta: z.object({
      count: z.int(),
      current_page: z.int().nullable().describe('null when the page was asked for with a cursor (after)'),
      next_cursor: z.string().nullable().describe('pass as `after` for the next page; null on the last page'),
    }),
    payload: z.array(contactPayloadSchema),
  })
  .meta({ id: 'ContactList' });

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
>;

export function toContactPayload(contact: ContactFields): ContactPayload {
  return {
    id: Number(contact._id),
    name: contact.name,
    email: contact.email,
    phone_number: contact.phone_number,
    identifier: contact.identifier,
    thumbnail: contact.thumbnail ?? '',
    availability_status: 'offline',
    blocked: contact.blocked,
    additional_attributes: contact.additional_attributes ?? {},
    custom_attributes: contact.custom_attributes ?? {},
    labels: contact.labels ?? [],
    created_at: toUnixSeconds(contact.created_at),
    last_activity_at: toUnixSeconds(contact.last_activity_at),
  };
}
