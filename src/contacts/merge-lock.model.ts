import { Connection, Model, Schema } from 'mongoose';

/**
 * A contact taken by a merge that is running. Its _id is the account and the contact, so taking
 * it is one insert that the unique _id settles, on any MongoDB-wire server. It names its merge
 * (`owner`) and lapses at `until`, so a lock left by a process that died is taken over.
 */
export interface MergeLock {
  _id: string;
  account_id: number;
  contact_id: number;
  owner: string;
  until: Date;
}

const mergeLockSchema = new Schema<MergeLock>(
  {
    _id: String,
    account_id: { type: Number, required: true },
    contact_id: { type: Number, required: true },
    owner: { type: String, required: true },
    until: { type: Date, required: true },
  },
  { versionKey: false },
);

export type MergeLockModel = Model<MergeLock>;

export function defineMergeLockModel(conn: Connection): MergeLockModel {
  return conn.model<MergeLock>('MergeLock', mergeLockSchema, 'merge_locks');
}

export const mergeLockId = (accountId: number, contactId: number) => `${accountId}:${contactId}`;
