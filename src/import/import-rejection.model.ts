import { Connection, Model, Schema } from 'mongoose';

/** A row an import rejected: its cells as read and why. */
export interface ImportRejection {
  // "<import id>:<row>": a batch written again after a crash does not record a row twice.
  _id: string;
  import_id: number;
  account_id: number;
  row: number;
  cells: string[];
  reasons: string[];
  /** The row claimed none of its keys for the file (see RejectedRow). */
  unclaimed?: boolean;
}

const importRejectionSchema = new Schema<ImportRejection>(
  {
    _id: String,
    import_id: { type: Number, required: true },
    account_id: { type: Number, required: true },
    row: { type: Number, required: true },
    cells: { type: [String], default: () => [] },
    reasons: { type: [String], default: () => [] },
    unclaimed: { type: Boolean },
  },
  { versionKey: false },
);

export type ImportRejectionModel = Model<ImportRejection>;

export function defineImportRejectionModel(conn: Connection): ImportRejectionModel {
  return conn.model<ImportRejection>('ImportRejection', importRejectionSchema, 'contact_import_rejections');
}
