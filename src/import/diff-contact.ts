import type { ContactChanges } from '../contacts/contact-changes';
import type { Contact } from '../records/contact.model';
import { parseTimestamp } from '../shared/time';
import { trimText } from '../shared/trim-text';

const SCALAR_FIELDS = ['name', 'email', 'phone_number', 'identifier', 'thumbnail', 'blocked'] as const;

// The API answers and the export writes created_at and last_activity_at in whole seconds, while
// a contact made through the API holds its milliseconds: compared to the millisecond, a file
// exported and imported back rewrote every such contact, each row counted as updated.
const unixSecond = (date: Date | null | undefined) => (date ? Math.floor(date.getTime() / 1000) : null);
const sameSecond = (a: Date | null | undefined, b: Date | null | undefined) => unixSecond(a) === unixSecond(b);

// A date attribute holds what its writer gave (`2025-03-15`, Unix seconds, an offset) and the
// import gives ISO 8601 in UTC: the same instant written another way is the same value.
const instant = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? parseTimestamp(value)?.getTime() : undefined);
const sameInstant = (a: unknown, b: unknown) => instant(a) !== undefined && instant(a) === instant(b);

// A cell is trimmed text: the contact's " hi " (the API keeps spaces at a custom value's edges) is
// the cell "hi", and a 5 or true the contact holds under a key since defined as text is the cell
// "5" or "true". Rewritten, an unchanged file changed such contacts (42 of 496 in one round trip).
const sameAsCell = (held: unknown, value: unknown) =>
  typeof value === 'string' &&
  (typeof held === 'string' ? trimText(held) === value : (typeof held === 'number' || typeof held === 'boolean') && String(held) === value);

/**
 * The $set that brings a contact to what an import row says, or null when the row changes
 * nothing (so a re-run of the same file, or of an export of the account, writes nothing).
 * Attribute hashes merge shallowly, labels are added to the contact's. `dateKeys` are the custom
 * attributes the row gives as dates: one naming the instant the contact holds changes nothing.
 */
export function diffContact(current: Contact, changes: ContactChanges, labels: string[], dateKeys: readonly string[] = []): Record<string, unknown> | null {
  const set: Record<string, unknown> = {};
  for (const field of SCALAR_FIELDS) {
    const value = changes[field];
    if (value === undefined || value === current[field]) continue;
    set[field] = value;
  }
  if (changes.created_at && !sameSecond(changes.created_at, current.created_at)) set.created_at = changes.created_at;
  if (changes.last_activity_at !== undefined && !sameSecond(changes.last_activity_at, current.last_activity_at)) {
    set.last_activity_at = changes.last_activity_at;
  }
  // Written whole, as the API's updates are (contacts.service.ts says why); the write is
  // conditional on the version of `current`.
  for (const hash of ['additional_attributes', 'custom_attributes'] as const) {
    const held = current[hash] ?? {};
    const changed = Object.entries(changes[hash] ?? {}).filter(
      ([key, value]) =>
        held[key] !== value &&
        !(hash === 'custom_attributes' && (sameAsCell(held[key], value) || (dateKeys.includes(key) && sameInstant(held[key], value)))),
    );
    if (changed.length) set[hash] = { ...held, ...Object.fromEntries(changed) };
  }
  const added = labels.filter((label) => !(current.labels ?? []).includes(label));
  if (added.length) set.labels = [...(current.labels ?? []), ...added];
  return Object.keys(set).length ? set : null;
}
