import { z } from 'zod';
import type { Role } from '../accounts/account.model';
import type { User } from '../accounts/user.model';
import { toUnixSeconds } from '../shared/time';
import { unixSeconds } from '../shared/response-fields';
import type { Note } from './note.model';

export const noteAuthorSchema = z
  .object({
    id: z.int(),
    name: z.string(),
    available_name: z.string(),
    email: z.string(),
    thumbnail: z.string(),
    role: z.string().nullable(),
  })
  .meta({ id: 'NoteAuthor' });

export type NoteAuthor = z.infer<typeof noteAuthorSchema>;

/** Chatwoot's note JSON. */
export const notePayloadSchema = z
  .object({
    id: z.int(),
    content: z.string(),
    account_id: z.int(),
    contact_id: z.int(),
    user: noteAuthorSchema.nullable(),
    created_at: unixSeconds,
    updated_at: unixSeconds,
  })
  .meta({ id: 'Note' });

export type NotePayload = z.infer<typeof notePayloadSchema>;

export function toNoteAuthor({ user, role }: { user: Pick<User, '_id' | 'name' | 'email'>; role: Role | null }): NoteAuthor {
  return {
    id: user._id,
    name: user.name,
    available_name: user.name,
    email: user.email,
    thumbnail: '',
    role,
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
