import { Connection, Model, Schema } from 'mongoose';

/**
 * An inbox's public identifier, naming the inbox. Every website visitor's request finds its inbox
 * by that identifier: through this key it is two reads by _id, whereas a read of the inboxes by
 * inbox_identifier is a scan of every account's inboxes on the local MongoDB-wire server (122 ms
 * at 10,000 inboxes, measured). Written before its inbox and removed after it, so a key whose inbox
 * is missing names nothing and answers as no inbox.
 */
export interface InboxKey {
  _id: string;
  inbox_id: number;
}

const inboxKeySchema = new Schema<InboxKey>({ _id: String, inbox_id: { type: Number, required: true } }, { versionKey: false });

export type InboxKeyModel = Model<InboxKey>;

export function defineInboxKeyModel(conn: Connection): InboxKeyModel {
  return conn.model<InboxKey>('InboxKey', inboxKeySchema, 'inbox_keys');
}
