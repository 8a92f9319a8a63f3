import type { Session } from '../api/client';

// A note being written, per account, user and contact, in sessionStorage (this tab, until it is
// closed): signing in again after a session ended elsewhere finds it where it was left.
const PREFIX = 'contacts.note-draft.';

export const noteDraftKey = (session: Session & { userId: number }, contactId: number) => `${PREFIX}${session.accountId}.${session.userId}.${contactId}`;

export function loadNoteDraft(key: string): string {
  try {
    return sessionStorage.getItem(key) ?? '';
  } catch {
    return '';
  }
}

/** Kept while it holds text; an empty draft (added, or cleared) is forgotten. */
export function saveNoteDraft(key: string, text: string): void {
  try {
    if (text) sessionStorage.setItem(key, text);
    else sessionStorage.removeItem(key);
  } catch {
    // Storage full or refused: the draft is still in the box.
  }
}

/** Signing out on purpose forgets every draft: the next user of this tab does not inherit them. */
export function forgetNoteDrafts(): void {
  for (const key of Object.keys(sessionStorage)) if (key.startsWith(PREFIX)) sessionStorage.removeItem(key);
}
