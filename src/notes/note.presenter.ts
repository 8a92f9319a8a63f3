import type { User } from '../accounts/user.model';
import { toUnixSeconds } from '../shared/time';
import type { Note } from './note.model';

export interface NoteAuthor {
  id: number;
  name: string;
  available_name: string;
  email: string;
  thumbnail: string;
  role: string | null;
}

/** Chatwoot's note JSON. */
export interface NotePayload {
  id: number;
  content: string;
  account_id: number;
  contact_id: number;
  user: NoteAuthor | null;
  created_at: number;
  updated_at: number;
}

export function toNoteAuthor(user: Pick<User, '_id' | 'name' | 'email' | 'accounts'>, accountId: number): NoteAuthor {
  return {
    id: user._id,
    name: user.name,
    available_name: user.name,
    email: user.email,
    thumbnail: '',
    role: user.accounts.find((m) => m.account_id === accountId)?.role ?? null,
  };
}

export function toNotePayload(note: Note, author: NoteAuthor | null): NotePayload {
  return {
    id: note._id,
    content: note.content,
    account_id: note.account_id,
    contact_id: note.contact_id,
    user: author,
    created_at: toUnixSeconds(note.created_at)!,
    updated_at: toUnixSeconds(note.updated_at)!,
  };
}
