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
  /** The merge this lock is for, once it has read its contacts (on both of its locks). */
  merge?: MergeJournal | null;
}

/**
 * What a running merge will do, written before it changes anything. A process that dies midway
 * (its mergee deleted, its base not yet written) leaves it on the locks, which then lapse but
 * are not taken over: the worker's sweep finishes the merge (completeAbandonedMerges).
 */
export interface MergeJournal {
  base_id: number;
  mergee_id: number;
  /** The mergee as the merge first read it: a deleted contact is purged some time after. */
  mergee: Record<string, unknown>;
  /** The mergee's name was a website visitor's placeholder (MergeOptions.isPlaceholderName). */
  ignore_mergee_name: boolean;
  keep_base_last_seen: boolean;
  /**
   * The ids the mergee's labels had when the merge first read it (MergeLabels.labelIdsByTitle):
   * a merge finished by the sweep follows a label deleted or renamed since then on the base, as
   * the first run would have. Absent in journals written before it was kept (read again then).
   */
  labels_before?: { title: string; id: number }[];
}

const mergeLockSchema = new Schema<MergeLock>(
  {
    _id: String,
    account_id: { type: Number, required: true },
    contact_id: { type: Number, required: true },
    owner: { type: String, required: true },
    until: { type: Date, required: true },
    merge: { type: Schema.Types.Mixed, default: undefined },
  },
  { versionKey: false },
);

export type MergeLockModel = Model<MergeLock>;

export function defineMergeLockModel(conn: Connection): MergeLockModel {
  return conn.model<MergeLock>('MergeLock', mergeLockSchema, 'merge_locks');
}

export const mergeLockId = (accountId: number, contactId: number) => `${accountId}:${contactId}`;
