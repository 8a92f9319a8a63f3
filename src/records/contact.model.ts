import { Connection, Model, Schema } from 'mongoose';

export const ADDITIONAL_TEXT_FIELDS = ['company_name', 'city', 'country', 'country_code', 'description'] as const;

export interface Contact {
  // The API's integer id, kept as a string: FerretDB v1 (SQLite) answers a lookup by _id from
  // its index only when the _id is a string; any other filter is a collection scan.
  _id: string;
  account_id: number;
  name: string | null;
  email: string | null;
  phone_number: string | null;
  identifier: string | null;
  thumbnail: string | null;
  blocked: boolean;
  additional_attributes: Record<string, unknown>;
  custom_attributes: Record<string, unknown>;
  labels: string[];
  created_at: Date;
  last_activity_at: Date | null;
  updated_at: Date;
  // Uniqueness per account without partial indexes (FerretDB has none): the value when set,
  // else "~<id>", which no real value can be, so contacts without an email never collide.
  email_key: string;
  phone_key: string;
  identifier_key: string;
  // Bumped by every write in the same single-document update; the search index keeps only
  // the highest version it has seen (external versioning). A contact "needs indexing" while
  // its version is ahead of the index's: that comparison is the mark, so the sync worker
  // never writes to a contact (FerretDB applies updates as read-modify-write, and a second
  // writer could undo an API write).
  version: number;
  deleted: boolean;
}

const contactSchema = new Schema<Contact>(
  {
    _id: String,
    account_id: { type: Number, required: true },
    name: { type: String, default: null },
    email: { type: String, default: null },
    phone_number: { type: String, default: null },
    identifier: { type: String, default: null },
    thumbnail: { type: String, default: null },
    blocked: { type: Boolean, default: false },
    additional_attributes: { type: Schema.Types.Mixed, default: () => ({}) },
    custom_attributes: { type: Schema.Types.Mixed, default: () => ({}) },
    labels: { type: [String], default: () => [] },
    created_at: { type: Date, required: true },
    last_activity_at: { type: Date, default: null },
    updated_at: { type: Date, required: true },
    email_key: { type: String, required: true },
    phone_key: { type: String, required: true },
    identifier_key: { type: String, required: true },
    version: { type: Number, required: true },
    deleted: { type: Boolean, default: false },
  },
  { versionKey: false, minimize: false },
);

contactSchema.index({ account_id: 1, email_key: 1 }, { unique: true });
contactSchema.index({ account_id: 1, phone_key: 1 }, { unique: true });
contactSchema.index({ account_id: 1, identifier_key: 1 }, { unique: true });
contactSchema.index({ updated_at: 1 });
contactSchema.index({ account_id: 1, deleted: 1 });

export type ContactModel = Model<Contact>;

export function defineContactModel(conn: Connection): ContactModel {
  return conn.model<Contact>('Contact', contactSchema, 'contacts');
}

/**
 * Each identity field and its key field. The key holds the value (or a placeholder when there
 * is none), under a unique (account_id, key) index: that index guards the value's uniqueness and
 * is what serves a lookup by it, so lookups query the key, never the field itself.
 */
export const IDENTITY_KEYS = [
  ['email', 'email_key'],
  ['phone_number', 'phone_key'],
  ['identifier', 'identifier_key'],
] as const;

/**
 * Live contacts of the account whose keys match any clause (e.g. `{ email_key: ... }`). Each $or
 * branch carries the account, so each is served by its own (account_id, key) index.
 */
export const byIdentityKeys = (accountId: number, clauses: Record<string, unknown>[]) => ({
  $or: clauses.map((clause) => ({ account_id: accountId, deleted: false, ...clause })),
});

export const noValueKey = (id: number) => `~${id}`;
