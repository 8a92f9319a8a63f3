import { Connection, Model, Schema } from 'mongoose';

/** A note on a contact: Markdown as the author typed it. */
export interface Note {
  _id: number;
  account_id: number;
  contact_id: number;
  /** The author; null when written by a system (e.g. a merge). */
  user_id: number | null;
  content: string;
  created_at: Date;
  updated_at: Date;
}

const noteSchema = new Schema<Note>(
  {
    _id: Number,
    account_id: { type: Number, required: true },
    contact_id: { type: Number, required: true },
    user_id: { type: Number, default: null },
    content: { type: String, required: true },
    created_at: { type: Date, required: true },
    updated_at: { type: Date, required: true },
  },
  { versionKey: false },
);
// No secondary index: notes are read by _id; contact_notes lists a contact's note ids.

export type NoteModel = Model<Note>;

export function defineNoteModel(conn: Connection): NoteModel {
  return conn.model<Note>('Note', noteSchema, 'notes');
}
