import type { ContactChanges } from './contact-changes';
import type { Contact } from '../records/contact.model';

/** A contact's first version, as the API, the import and capture create it. */
export function newContact(id: number, accountId: number, changes: ContactChanges, labels: string[], now: Date): Contact {
  return {
    _id: String(id),
    account_id: accountId,
    name: changes.name ?? null,
    email: changes.email ?? null,
    phone_number: changes.phone_number ?? null,
    identifier: changes.identifier ?? null,
    thumbnail: changes.thumbnail ?? null,
    blocked: changes.blocked ?? false,
    additional_attributes: changes.additional_attributes ?? {},
    custom_attributes: changes.custom_attributes ?? {},
    labels,
    created_at: changes.created_at ?? now,
    last_activity_at: changes.last_activity_at ?? null,
    last_seen_at: null,
    updated_at: now,
    version: 1,
    deleted: false,
  };
}
