import { pathId } from '../shared/id-schema';
import { z } from 'zod';
import { bareOrWrappedIn } from '../shared/wrapped-body';
import { trimText } from '../shared/trim-text';

/** Markdown is stored as given; this bound keeps one note from holding a document. */
export const MAX_NOTE_LENGTH = 50000;

const noteFields = z.strictObject({
  content: z
    .string()
    .max(MAX_NOTE_LENGTH, `must be at most ${MAX_NOTE_LENGTH} characters`)
    .refine((value) => trimText(value).length > 0, 'must not be empty'),
});

export const noteInputSchema = bareOrWrappedIn('note', noteFields);
export type NoteInput = z.infer<typeof noteFields>;

export const contactNotesParams = z.object({
  account_id: z.string(),
  id: pathId('contact'),
});

export const noteParams = contactNotesParams.extend({
  note_id: pathId('note'),
});
