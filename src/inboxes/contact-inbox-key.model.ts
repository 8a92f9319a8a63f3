import { Connection, Model, Schema } from 'mongoose';

/**
 * An (inbox, source_id) pair that is taken: a website visitor's session or a contact's address in
 * an inbox. Its _id is the pair, so that taking it is one insert the unique _id settles on any
 * server, sharded or not (a unique secondary index on contact_inboxes could not be), and finding a
 * visitor is a read by _id. It names the contact inbox that holds the pair; the record is always
 * written before the key that names it, so a key whose record is missing was left by a removal
 * that died between its two writes, and is taken over at once.
 */
export interface ContactInboxKey {
  _id: string;
  account_id: number;
  contact_inbox_id: number;
  created_at: Date;
}

const contactInboxKeySchema = new Schema<ContactInboxKey>(
  {
    _id: String,
    account_id: { type: Number, required: true },
    contact_inbox_id: { type: Number, required: true },
    created_at: { type: Date, required: true },
  },
  { versionKey: false },
);

export type ContactInboxKeyModel = Model<ContactInboxKey>;

export function defineContactInboxKeyModel(conn: Connection): ContactInboxKeyModel {
  return conn.model<ContactInboxKey>('ContactInboxKey', contactInboxKeySchema, 'contact_inbox_keys');
}

/** The inbox id has no colon, so the first one separates it from any source_id (an email, a UUID, a phone). */
export const contactInboxKeyId = (inboxId: number, sourceId: string) => `${inboxId}:${sourceId}`;
