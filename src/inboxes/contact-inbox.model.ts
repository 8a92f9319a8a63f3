import { Connection, Model, Schema } from 'mongoose';

/**
 * A contact as known to one inbox: the website visitor's source_id, and whether its identity was verified there.
 * Read and written by _id only (see contact-inbox-store.ts).
 */
export interface ContactInbox {
  _id: number;
  account_id: number;
  contact_id: number;
  inbox_id: number;
  source_id: string;
  /** What the widget subscribes to for real-time updates (Chatwoot's field; unused here). */
  pubsub_token: string;
  /** Set once the visitor proved its identifier with a valid identifier_hash for this inbox. */
  hmac_verified: boolean;
  /**
   * The contact made for this visitor. When a merge has since attached the visitor to another
   * contact (someone's email typed into a form), the visitor is a guest there: it may fill that
   * contact's gaps but not overwrite or read it.
   */
  visitor_contact_id: number;
  /** When the visitor's widget last called the public API, recorded at most once a minute (see capture). */
  last_seen_at?: Date | null;
  /** The conversations of this visitor in this inbox, so that the widget reads them by _id. */
  conversation_ids?: number[];
  created_at: Date;
  updated_at: Date;
}

const contactInboxSchema = new Schema<ContactInbox>(
  {
    _id: Number,
    account_id: { type: Number, required: true },
    contact_id: { type: Number, required: true },
    inbox_id: { type: Number, required: true },
    source_id: { type: String, required: true },
    pubsub_token: { type: String, required: true },
    hmac_verified: { type: Boolean, default: false },
    visitor_contact_id: { type: Number, required: true },
    last_seen_at: { type: Date, default: null },
    conversation_ids: { type: [Number], default: () => [] },
    created_at: { type: Date, required: true },
    updated_at: { type: Date, required: true },
  },
  { versionKey: false },
);
// No secondary index: a contact inbox is found by its (inbox, source_id) key document
// (contact-inbox-key.model.ts), by its contact's list in contact_links, or by its inbox's lists.

export type ContactInboxModel = Model<ContactInbox>;

export function defineContactInboxModel(conn: Connection): ContactInboxModel {
  return conn.model<ContactInbox>('ContactInbox', contactInboxSchema, 'contact_inboxes');
}
