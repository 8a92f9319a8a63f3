import { Connection, Model, Schema } from 'mongoose';

/** The identity fields that are unique in an account, and the kind each has in a key's _id. */
export const IDENTITY_KINDS = { email: 'email', phone_number: 'phone', identifier: 'identifier' } as const;
export type IdentityField = keyof typeof IDENTITY_KINDS;
export const IDENTITY_FIELD_NAMES = Object.keys(IDENTITY_KINDS) as IdentityField[];

/**
 * One taken email, phone number or identifier. Its _id is the account, the kind and the value,
 * so taking a value is one insert that the unique _id settles atomically, on any MongoDB-wire
 * server and on a sharded MongoDB alike (no unique secondary index). It records its contact, so
 * a key left behind by a process that died between two steps can be recognised and taken over.
 */
export interface ContactKey {
  _id: string;
  account_id: number;
  contact_id: number;
  /** The contact's version that holds the value once the write that took the key lands. */
  version: number;
  claimed_at: Date;
}

const contactKeySchema = new Schema<ContactKey>(
  {
    _id: String,
    account_id: { type: Number, required: true },
    contact_id: { type: Number, required: true },
    version: { type: Number, required: true },
    claimed_at: { type: Date, required: true },
  },
  { versionKey: false },
);

export type ContactKeyModel = Model<ContactKey>;

export function defineContactKeyModel(conn: Connection): ContactKeyModel {
  return conn.model<ContactKey>('ContactKey', contactKeySchema, 'contact_keys');
}

export const contactKeyId = (accountId: number, field: IdentityField, value: string) => `${accountId}:${IDENTITY_KINDS[field]}:${value}`;
