import { Connection, Model, Schema } from 'mongoose';

/**
 * A contact write the index may not hold yet. Written (upserted by the contact's _id) before the
 * contact itself, and deleted once the index holds that version, so the collection holds what
 * is pending, not every contact: the sweep reads it, and its cost grows with the pending writes.
 */
export interface PendingSync {
  /** The contact's _id. */
  _id: string;
  account_id: number;
  /** The version the write makes (the highest one pending). */
  version: number;
  at: Date;
}

const pendingSyncSchema = new Schema<PendingSync>(
  {
    _id: String,
    account_id: { type: Number, required: true },
    version: { type: Number, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);

export type PendingSyncModel = Model<PendingSync>;

export function definePendingSyncModel(conn: Connection): PendingSyncModel {
  return conn.model<PendingSync>('PendingSync', pendingSyncSchema, 'pending_sync');
}
