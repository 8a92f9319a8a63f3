import { Connection, Model, Schema } from 'mongoose';

/**
 * The ids of one contact's notes, keyed by the contact's _id: listing a contact's notes is two
 * reads by _id (this, then the notes by $in), never a query by contact_id, which would scan the
 * notes collection on the local MongoDB-wire server and need a secondary index on MongoDB.
 */
export interface ContactNotes {
  _id: string;
  account_id: number;
  note_ids: number[];
}

const contactNotesSchema = new Schema<ContactNotes>(
  {
    _id: String,
    account_id: { type: Number, required: true },
    note_ids: { type: [Number], default: () => [] },
  },
  { versionKey: false },
);

export type ContactNotesModel = Model<ContactNotes>;

export function defineContactNotesModel(conn: Connection): ContactNotesModel {
  return conn.model<ContactNotes>('ContactNotes', contactNotesSchema, 'contact_notes');
}
