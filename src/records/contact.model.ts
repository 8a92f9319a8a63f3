import { Connection, Model, Schema } from 'mongoose';

export const ADDITIONAL_TEXT_FIELDS = ['company_name', 'city', 'country', 'country_code', 'description'] as const;

/** Chatwoot's `additional_attributes.social_profiles` keys: each a handle or a profile URL, indexed for filters. */
export const SOCIAL_NETWORKS = ['facebook', 'twitter', 'linkedin', 'github', 'instagram'] as const;
export type SocialNetwork = (typeof SOCIAL_NETWORKS)[number];
/**
 * Networks Chatwoot's newer contact form also sends, empty when unset, with every save: taken and
 * kept like the others so that such a form can save a contact at all, but not indexed (no filter).
 */
export const STORED_SOCIAL_NETWORKS = ['telegram', 'tiktok'] as const;

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
  /**
   * When the contact's website widget last called the public API (throttled). Absent on contacts
   * written before it existed. Availability ('online'/'offline') is derived from it when the
   * contact is presented, never stored: a stored status would go stale without a write.
   */
  last_seen_at?: Date | null;
  updated_at: Date;
  // Bumped by every write in the same single-document update, which is conditional on the
  // version the writer read (no lost updates); the search index keeps only the highest version
  // it has seen (external versioning). The sync worker never writes to a contact.
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
    last_seen_at: { type: Date, default: null },
    updated_at: { type: Date, required: true },
    version: { type: Number, required: true },
    deleted: { type: Boolean, default: false },
  },
  { versionKey: false, minimize: false },
);

// No secondary index: contacts are read and written by _id only (uniqueness lives in
// contact_keys, sets of contacts come from the search index), which keeps every write one
// B-tree insert on any MongoDB-wire server and fits a sharded collection.

export type ContactModel = Model<Contact>;

export function defineContactModel(conn: Connection): ContactModel {
  return conn.model<Contact>('Contact', contactSchema, 'contacts');
}
