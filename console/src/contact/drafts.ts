import { useState } from 'react';
import type { Session } from '../api/client';

// A note or an outbound message being written, per account, user and contact, in sessionStorage
// (this tab, until it is closed): signing in again after a session ended elsewhere, or coming back
// to the contact from another screen, finds it where it was left.
const PREFIXES = { note: 'contacts.note-draft.', message: 'contacts.message-draft.' };

export const textDraftKey = (kind: keyof typeof PREFIXES, session: Session & { userId: number }, contactId: number) =>
  `${PREFIXES[kind]}${session.accountId}.${session.userId}.${contactId}`;

function loadTextDraft(key: string): string {
  try {
    return sessionStorage.getItem(key) ?? '';
  } catch {
    return '';
  }
}

/** Kept while it holds text; an empty draft (added, or cleared) is forgotten. */
function saveTextDraft(key: string, text: string): void {
  try {
    if (text) sessionStorage.setItem(key, text);
    else sessionStorage.removeItem(key);
  } catch {
    // Storage full or refused: the draft is still in the box.
  }
}

/** A text box's value, kept in its draft (`textDraftKey`) as it is typed. */
export function useTextDraft(key: string): [string, (text: string) => void] {
  const [text, setText] = useState(() => loadTextDraft(key));
  const keep = (next: string) => {
    setText(next);
    saveTextDraft(key, next);
  };
  return [text, keep];
}

// A contact's fields whose save met an ended session, as typed, by field (see DetailsForm): the
// sign-in screen took their place, and signing in again found the fields as stored, the edit gone.
const FIELDS_PREFIX = 'contacts.field-drafts.';

export const fieldDraftsKey = (session: Session & { userId: number }, contactId: number) => `${FIELDS_PREFIX}${session.accountId}.${session.userId}.${contactId}`;

/** A draft kept as texts by name (a contact's unsaved fields, the new-contact form); {} when there is none. */
export function loadDraftRecord(key: string): Record<string, string> {
  try {
    const stored: unknown = JSON.parse(sessionStorage.getItem(key) ?? '{}');
    return stored && typeof stored === 'object' && !Array.isArray(stored) ? (stored as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/** Keeps one field's unsaved text (null forgets it); the key goes with its last field. */
export function saveFieldDraft(key: string, field: string, text: string | null): void {
  try {
    const drafts = loadDraftRecord(key);
    if (text === null) delete drafts[field];
    else drafts[field] = text;
    if (Object.keys(drafts).length) sessionStorage.setItem(key, JSON.stringify(drafts));
    else sessionStorage.removeItem(key);
  } catch {
    // Storage full or refused: the edit is lost with the screen, as before.
  }
}

// The new-contact form as typed, per account and user: a Create that met an ended session went to
// the sign-in screen, and signing in again found the form closed and empty.
const NEW_CONTACT_PREFIX = 'contacts.new-contact-draft.';

export const newContactDraftKey = (session: Session & { userId: number }) => `${NEW_CONTACT_PREFIX}${session.accountId}.${session.userId}`;

/** Keeps a form's values while one holds text (null, or all empty, forgets them). */
export function saveFormDraft(key: string, values: Record<string, string> | null): void {
  try {
    if (values && Object.values(values).some((v) => v.trim())) sessionStorage.setItem(key, JSON.stringify(values));
    else sessionStorage.removeItem(key);
  } catch {
    // Storage full or refused: the values are still in the form.
  }
}

/** Signing out on purpose forgets every draft: the next user of this tab does not inherit them. */
export function forgetDrafts(): void {
  const prefixes = [...Object.values(PREFIXES), FIELDS_PREFIX, NEW_CONTACT_PREFIX];
  for (const key of Object.keys(sessionStorage)) if (prefixes.some((prefix) => key.startsWith(prefix))) sessionStorage.removeItem(key);
}
