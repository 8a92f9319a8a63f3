import { Connection, Model, Schema } from 'mongoose';

/** An account's label. Contacts carry label titles (Chatwoot's shape), stored lowercased. */
export interface Label {
  _id: number;
  account_id: number;
  title: string;
  description: string | null;
  color: string;
  show_on_sidebar: boolean;
  created_at: Date;
  /** Deleted by its account, while a job removes it from the contacts that carry it: hidden from the API. */
  deleting: boolean;
  /**
   * The title the label had before a rename, while its contacts are moved from it to the new one
   * (within the request or by a job); cleared once none carries it.
   */
  renamed_from?: string | null;
  /**
   * The contacts the label's job (a removal, a rename's move) is rewriting right now (one chunk):
   * written before them and cleared once the index holds them, so that a run stopped in between
   * re-indexes them.
   */
  stripping?: number[] | null;
}

/**
 * All of an account's labels in one document whose _id is the account id (see
 * src/shared/account-list-store.ts): every labelled write checks its titles with one read by _id.
 */
export interface LabelSet {
  _id: number;
  version: number;
  labels: Label[];
}

const labelSchema = new Schema<Label>(
  {
    _id: Number,
    account_id: { type: Number, required: true },
    title: { type: String, required: true },
    description: { type: String, default: null },
    color: { type: String, default: '#1f93ff' },
    show_on_sidebar: { type: Boolean, default: true },
    created_at: { type: Date, default: () => new Date() },
    deleting: { type: Boolean, default: false },
    renamed_from: { type: String, default: undefined },
    stripping: { type: [Number], default: undefined },
  },
  { versionKey: false },
);

const labelSetSchema = new Schema<LabelSet>(
  {
    _id: Number,
    version: { type: Number, required: true },
    labels: { type: [labelSchema], default: () => [] },
  },
  { versionKey: false },
);

export type LabelSetModel = Model<LabelSet>;

export function defineLabelSetModel(conn: Connection): LabelSetModel {
  return conn.model<LabelSet>('LabelSet', labelSetSchema, 'label_sets');
}
