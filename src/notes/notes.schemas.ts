import { z } from 'zod';

/** Markdown is stored as given; this bound keeps one note from holding a document. */
export const MAX_NOTE_LENGTH = 50000;

export const noteInputSchema = z.strictObject({
  content: z
    .string()
    .max(MAX_NOTE_LENGTH, `must be at most ${MAX_NOTE_LENGTH} characters`)
    .refine((value) => value.trim().length > 0, 'must not be empty'),
});
export type NoteInput = z.infer<typeof noteInputSchema>;

export const contactNotesParams = z.object({
  account_id: z.string(),
  id: z.coerce.number().int().positive('contact id must be a positive integer'),
});

export const noteParams = contactNotesParams.extend({
  note_id: z.coerce.number().int().positive('note id must be a positive integer'),
});
