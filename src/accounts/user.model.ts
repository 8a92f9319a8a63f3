import { Connection, Model, Schema } from 'mongoose';

export type { Role } from './account.model';

/**
 * A person. Which accounts they belong to, and as what, is held by the accounts (members);
 * `account_ids` only lets sign-in list them by _id. Secrets are stored as hashes only.
 */
export interface User {
  _id: number;
  name: string;
  /** The name shown to customers, as Chatwoot's; `available_name` is it, else the name. */
  display_name?: string | null;
  /** Lowercased; unique through its key document (user_emails, _id = the email). */
  email: string;
  /** bcrypt; null until a password is set. */
  password_hash: string | null;
  account_ids: number[];
  /** The _id (sha256) of the user's API token; null when there is none (revoked). */
  api_token_id: string | null;
  /** Sessions (sign-in tokens) made before this instant no longer count: a password change ends them. */
  sessions_valid_after: Date | null;
  created_at: Date;
  updated_at: Date;
}

const userSchema = new Schema<User>(
  {
    _id: Number,
    name: { type: String, required: true },
    display_name: { type: String, default: null },
    email: { type: String, required: true, lowercase: true },
    password_hash: { type: String, default: null },
    account_ids: { type: [Number], default: () => [] },
    api_token_id: { type: String, default: null },
    sessions_valid_after: { type: Date, default: null },
    created_at: { type: Date, default: () => new Date() },
    updated_at: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);

export type UserModel = Model<User>;

/** Chatwoot's available_name: the display name when there is one, else the name. */
export const availableNameOf = (user: Pick<User, 'name' | 'display_name'>): string => user.display_name || user.name;

export function defineUserModel(conn: Connection): UserModel {
  return conn.model<User>('User', userSchema, 'users');
}

/** A user's email, taken: the unique _id settles two sign-ups with one address, and sign-in finds the user by it. */
export interface UserEmail {
  _id: string;
  user_id: number;
  created_at: Date;
}

const userEmailSchema = new Schema<UserEmail>(
  { _id: String, user_id: { type: Number, required: true }, created_at: { type: Date, required: true } },
  { versionKey: false },
);

export type UserEmailModel = Model<UserEmail>;

export function defineUserEmailModel(conn: Connection): UserEmailModel {
  return conn.model<UserEmail>('UserEmail', userEmailSchema, 'user_emails');
}

/**
 * An access token, stored only as its sha256 (the _id): a request's token is hashed and looked
 * up by _id. `api` is the user's one long-lived API token; `session` is made by a sign-in.
 */
export interface AccessToken {
  _id: string;
  user_id: number;
  kind: 'api' | 'session';
  created_at: Date;
  expires_at: Date | null;
}

const accessTokenSchema = new Schema<AccessToken>(
  {
    _id: String,
    user_id: { type: Number, required: true },
    kind: { type: String, enum: ['api', 'session'], required: true },
    created_at: { type: Date, required: true },
    expires_at: { type: Date, default: null },
  },
  { versionKey: false },
);

export type AccessTokenModel = Model<AccessToken>;

export function defineAccessTokenModel(conn: Connection): AccessTokenModel {
  return conn.model<AccessToken>('AccessToken', accessTokenSchema, 'access_tokens');
}
