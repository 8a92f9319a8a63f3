import { z } from 'zod';
import { userSummarySchema, type UserSummary } from '../accounts/user-summary.presenter';
import { toUnixSeconds } from '../shared/time';
import { unixSeconds } from '../shared/response-fields';
import type { Note } from './note.model';

/** Chatwoot's note JSON. */
export const notePayloadSchema = z
  .object({
    id: z.int(),
    content: z.string(),
    account_id: z.int(),
    contact_id: z.int(),
    user: userSummarySchema.nullable(),
    created_at: unixSeconds,
    updated_at: unixSeconds,
  })
  .meta({ id: 'Note' });

export type NotePayload = z.infer<typeof notePayloadSchema>;

export function toNotePayload(note: Note, author: UserSummary | null): NotePayload {
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
