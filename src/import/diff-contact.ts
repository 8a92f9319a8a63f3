import type { ContactChanges } from '../contacts/contact-changes';
import type { Contact } from '../records/contact.model';

const SCALAR_FIELDS = ['name', 'email', 'phone_number', 'identifier', 'thumbnail', 'blocked'] as const;

const sameTime = (a: Date | null | undefined, b: Date | null | undefined) => (a?.getTime() ?? null) === (b?.getTime() ?? null);

/**
 * The $set that brings a contact to what an import row says, or null when the row changes
 * nothing (so a re-run of the same file writes nothing). Attribute hashes merge shallowly,
 * labels are added to the contact's.
 */
export function diffContact(current: Contact, changes: ContactChanges, labels: string[]): Record<string, unknown> | null {
  const set: Record<string, unknown> = {};
  for (const field of SCALAR_FIELDS) {
    const value = changes[field];
    if (value === undefined || value === current[field]) continue;
    set[field] = value;
  }
  if (changes.created_at && !sameTime(changes.created_at, current.created_at)) set.created_at = changes.created_at;
  if (changes.last_activity_at !== undefined && !sameTime(changes.last_activity_at, current.last_activity_at)) {
    set.last_activity_at = changes.last_activity_at;
  }
  // Written whole, as the API's updates are (contacts.service.ts says why); the write is
  // conditional on the version of `current`.
  for (const hash of ['additional_attributes', 'custom_attributes'] as const) {
    const held = current[hash] ?? {};
    const changed = Object.entries(changes[hash] ?? {}).filter(([key, value]) => held[key] !== value);
    if (changed.length) set[hash] = { ...held, ...Object.fromEntries(changed) };
  }
  const added = labels.filter((label) => !(current.labels ?? []).includes(label));
  if (added.length) set.labels = [...(current.labels ?? []), ...added];
  return Object.keys(set).length ? set : null;
}
