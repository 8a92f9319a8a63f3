import { Connection, Model, Schema } from 'mongoose';

/**
 * Where an account's contacts are indexed when it is not the shared alias: an account too big
 * for one shard of it has an index of its own (README, "An account's own index"). No document:
 * the shared alias, for reads and writes alike. One document per account ever moved, so the
 * collection grows with the largest accounts, never with the contacts.
 */
export interface IndexPlacement {
  /** The account's id. */
  _id: number;
  /** The index the account's searches read. */
  read: string;
  /** The indices each of the account's contact writes goes to: two while it moves, else `read`. */
  writes: string[];
  updated_at: Date;
}

const indexPlacementSchema = new Schema<IndexPlacement>(
  {
    _id: Number,
    read: { type: String, required: true },
    writes: { type: [String], required: true },
    updated_at: { type: Date, required: true },
  },
  { versionKey: false },
);

export type IndexPlacementModel = Model<IndexPlacement>;

export function defineIndexPlacementModel(conn: Connection): IndexPlacementModel {
  return conn.model<IndexPlacement>('IndexPlacement', indexPlacementSchema, 'index_placements');
}
