import { Connection, Model, Schema } from 'mongoose';

/** A saved filter (Chatwoot's custom filter of type contact), shared by the account's users. */
export interface Segment {
  _id: number;
  account_id: number;
  name: string;
  filter_type: 'contact';
  /** The filter as given: `{ payload: [...] }`, keeping only the keys the compiler reads. */
  query: { payload: unknown };
  /** The compiled bool query, as JSON (opaque to MongoDB, whose key rules it need not follow). */
  compiled_query: string;
  /** The mapping version the query was compiled for; another version (or 0, stale) recompiles it. */
  mapping_version: number;
  created_at: Date;
  updated_at: Date;
}

const segmentSchema = new Schema<Segment>(
  {
    _id: Number,
    account_id: { type: Number, required: true },
    name: { type: String, required: true },
    filter_type: { type: String, default: 'contact' },
    query: { type: Schema.Types.Mixed, required: true },
    compiled_query: { type: String, required: true },
    mapping_version: { type: Number, required: true },
    created_at: { type: Date, required: true },
    updated_at: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);

export type SegmentModel = Model<Segment>;

export function defineSegmentModel(conn: Connection): SegmentModel {
  return conn.model<Segment>('Segment', segmentSchema, 'segments');
}
