import { answeredFields } from '../shared/answered-fields';
import { pathId } from '../shared/id-schema';
import { z } from 'zod';
import { bareOrWrappedIn } from '../shared/wrapped-body';
import { trimText } from '../shared/trim-text';
import { refuseControlCharacters } from '../shared/control-characters';

/** Markdown is stored as given; this bound keeps one note from holding a document. */
export const MAX_NOTE_LENGTH = 50000;

const noteFields = z.strictObject({
  content: z
    .string()
    .max(MAX_NOTE_LENGTH, `must be at most ${MAX_NOTE_LENGTH} characters`)
    .refine((value) => trimText(value).length > 0, 'must not be empty')
    // A note of a NUL alone was stored, and showed as an empty note.
    .superRefine(refuseControlCharacters),
});

export const noteInputSchema = bareOrWrappedIn('note', noteFields);
export type NoteInput = z.infer<typeof noteFields>;

// An edit may carry the note as read: its id, account, contact, author and timestamps, which no
// edit changes (the contact must be the one in the path).
export const noteUpdateSchema = bareOrWrappedIn(
  'note',
  noteFields.extend({
    ...answeredFields,
    contact_id: z.int().optional().describe('as answered: must be the contact in the path'),
    user: z
      .looseObject({ id: z.int().optional() })
      .nullable()
      .optional()
      .describe('as answered (read-only: the author, whose id must be the note\'s)'),
  }),
);

/** An edit: the new content, and the author the client read (null: none), when it sent one back. */
export type NoteUpdate = NoteInput & { readAuthor?: number | null };

export const contactNotesParams = z.object({
  account_id: z.string(),
  id: pathId('contact'),
});

export const noteParams = contactNotesParams.extend({
  note_id: pathId('note'),
});

export const noteIfMatchHeaders = z.looseObject({
  'if-match': z
    .string()
    .max(4096, 'if-match must be at most 4096 characters')
    .optional()
    .describe('An ETag a read or write of this note answered (or several, comma-separated, or *): the edit or delete is made only if nobody edited the note since, else 412'),
});
