import { Connection, Model, Schema } from 'mongoose';

export type BulkActionStatus = 'queued' | 'running' | 'completed' | 'failed';

/** One bulk action on contacts and its progress, written only by the job that runs it. */
export interface BulkAction {
  _id: number;
  account_id: number;
  status: BulkActionStatus;
  add_labels: string[];
  remove_labels: string[];
  delete: boolean;
  /** What was selected, as given: ids, a filter payload or a segment id. */
  selection: { ids?: number[]; payload?: unknown; custom_filter_id?: number };
  /** The selection compiled when the action was accepted (null for a list of ids), as JSON. */
  compiled_query: string | null;
  /** Contacts selected so far (known for ids; grows as a filter is walked). */
  total: number;
  /** Selected ids (or matches) gone through so far, whether or not they named a contact of the account. */
  processed: number;
  /** Contacts of the account the action changed (a label added or removed, deleted); absent on actions from before it was counted. */
  changed?: number;
  /**
   * The contacts of the batch being written, recorded before its write and cleared with its count:
   * a run that takes over from one that died in between counts those the dead run changed.
   */
  in_flight?: number[];
  error: string | null;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

const bulkActionSchema = new Schema<BulkAction>(
  {
    _id: Number,
    account_id: { type: Number, required: true },
    status: { type: String, required: true },
    add_labels: { type: [String], default: () => [] },
    remove_labels: { type: [String], default: () => [] },
    delete: { type: Boolean, default: false },
    selection: { type: Schema.Types.Mixed, required: true },
    compiled_query: { type: String, default: null },
    total: { type: Number, default: 0 },
    processed: { type: Number, default: 0 },
    changed: { type: Number, default: 0 },
    in_flight: { type: [Number], default: undefined },
    error: { type: String, default: null },
    created_at: { type: Date, required: true },
    updated_at: { type: Date, required: true },
    finished_at: { type: Date, default: null },
  },
  { versionKey: false, minimize: false },
);

export type BulkActionModel = Model<BulkAction>;

export function defineBulkActionModel(conn: Connection): BulkActionModel {
  return conn.model<BulkAction>('BulkAction', bulkActionSchema, 'bulk_actions');
}
