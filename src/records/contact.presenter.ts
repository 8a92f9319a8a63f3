import { toUnixSeconds } from '../shared/time';
import type { Contact } from './contact.model';

/** Chatwoot's contact JSON. Lists read it back from the search index, show reads MongoDB. */
export interface ContactPayload {
  id: number;
  name: string | null;
  email: string | null;
  phone_number: string | null;
  identifier: string | null;
  thumbnail: string;
  availability_status: 'offline';
  blocked: boolean;
  additional_attributes: Record<string, unknown>;
  custom_attributes: Record<string, unknown>;
  labels: string[];
  created_at: number | null;
  last_activity_at: number | null;
}

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
