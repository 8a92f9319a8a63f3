import { z } from 'zod';

/** Markdown is stored as given; this bound keeps one note from holding a document. */
export const MAX_NOTE_LENGTH = 50000;

const noteFields = z.strictObject({
  content: z
    .string()
    .max(MAX_NOTE_LENGTH, `must be at most ${MAX_NOTE_LENGTH} characters`)
    .refine((value) => value.trim().length > 0, 'must not be empty'),
});

// Chatwoot's controller reads the fields from `note` when it is there (older versions only from
// there; Rails wraps bare JSON fields in it), so clients send either. Unwrapped only when it is
// the body's one key: bare fields beside it would be dropped unread, and are refused instead.
const unwrap = (body: unknown) =>
  typeof body === 'object' && body !== null && Object.keys(body).length === 1 && 'note' in body ? (body as { note: unknown }).note : body;

export const noteInputSchema = z.preprocess(unwrap, noteFields);
export type NoteInput = z.infer<typeof noteFields>;

export const contactNotesParams = z.object({
  account_id: z.string(),
  id: z.coerce.number().int().positive('contact id must be a positive integer'),
});

export const noteParams = contactNotesParams.extend({
  note_id: z.coerce.number().int().positive('note id must be a positive integer'),
});
