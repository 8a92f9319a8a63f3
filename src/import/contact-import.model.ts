import { Connection, Model, Schema } from 'mongoose';

export const IMPORT_STATUSES = ['queued', 'processing', 'completed', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** Rows of the batch being written, and the ids reserved for the rows it creates. */
export interface PendingBatch {
  first_row: number;
  last_row: number;
  /** The rows the batch creates and the contact id reserved for each (parallel arrays: FerretDB has no nested arrays). */
  rows: number[];
  ids: number[];
}

/** One CSV import: where its file is, how far it got, what it did. */
export interface ContactImport {
  _id: number;
  account_id: number;
  status: ImportStatus;
  file_name: string;
  file_path: string;
  file_size: number;
  /** Whether the import owns the file (an upload) and deletes it when done; the CLI's file stays. */
  owns_file: boolean;
  /** Whether labels the file names and the account lacks are created; if not, their rows are rejected (the spec's rule). */
  create_labels: boolean;
  /** The header cells as the file has them: the rejected-rows CSV repeats them. */
  headers: string[];
  rows_read: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  bytes_read: number;
  /** Every row up to this number is committed; a resumed job skips them. */
  checkpoint_row: number;
  pending_batch: PendingBatch | null;
  /**
   * The last row a run has written (its checkpoint may lag behind), and those of the rows after
   * the checkpoint that its plan found unchanged: a resumed run that plans them again finds the
   * values the earlier run wrote, and counts as unchanged only these.
   */
  written_through?: number;
  written_unchanged?: number[];
  /**
   * Whether rows are looked up among the account's contacts; decided when the import first
   * starts. An account without contacts has nothing to match, and skipping the lookups is what
   * makes a first import fast where the database cannot use an index for them.
   */
  match_existing: boolean | null;
  attempts: number;
  /** The run that holds the import (import-lease.ts) and until when; null when none does. */
  lease_owner: string | null;
  lease_until: Date | null;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Date;
}

const contactImportSchema = new Schema<ContactImport>(
  {
    _id: Number,
    account_id: { type: Number, required: true },
    status: { type: String, enum: IMPORT_STATUSES, required: true },
    file_name: { type: String, required: true },
    file_path: { type: String, required: true },
    file_size: { type: Number, required: true },
    owns_file: { type: Boolean, default: true },
    create_labels: { type: Boolean, default: false },
    headers: { type: [String], default: () => [] },
    rows_read: { type: Number, default: 0 },
    created: { type: Number, default: 0 },
    updated: { type: Number, default: 0 },
    unchanged: { type: Number, default: 0 },
    rejected: { type: Number, default: 0 },
    bytes_read: { type: Number, default: 0 },
    checkpoint_row: { type: Number, default: 0 },
    pending_batch: { type: Schema.Types.Mixed, default: null },
    written_through: { type: Number, default: 0 },
    written_unchanged: { type: [Number], default: undefined },
    match_existing: { type: Boolean, default: null },
    attempts: { type: Number, default: 0 },
    lease_owner: { type: String, default: null },
    lease_until: { type: Date, default: null },
    error: { type: String, default: null },
    created_at: { type: Date, required: true },
    started_at: { type: Date, default: null },
    finished_at: { type: Date, default: null },
    updated_at: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);

export type ContactImportModel = Model<ContactImport>;

export function defineContactImportModel(conn: Connection): ContactImportModel {
  return conn.model<ContactImport>('ContactImport', contactImportSchema, 'contact_imports');
}
