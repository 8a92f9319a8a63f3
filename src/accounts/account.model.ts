import { Connection, Model, Schema } from 'mongoose';

export type Role = 'administrator' | 'agent';
export const ROLES = ['administrator', 'agent'] as const;

/** An agent's availability in an account, as Chatwoot's account users keep it (the default online). */
export const AVAILABILITIES = ['online', 'busy', 'offline'] as const;
export type Availability = (typeof AVAILABILITIES)[number];

/** A user's place in an account. The account holds its members: one document answers who may act here and as what. */
export interface Member {
  user_id: number;
  role: Role;
  /** Absent on members added before it was kept: online, and going offline automatically, as Chatwoot's defaults. */
  availability?: Availability;
  auto_offline?: boolean;
}

export interface Account {
  _id: number;
  name: string;
  members: Member[];
  /** Bumped by every change of members, which is conditional on it: the last administrator cannot be removed by two racing changes. */
  version: number;
  created_at: Date;
}

const accountSchema = new Schema<Account>(
  {
    _id: Number,
    name: { type: String, required: true },
    members: [
      new Schema<Member>(
        {
          user_id: { type: Number, required: true },
          role: { type: String, enum: ROLES, required: true },
          availability: { type: String, enum: AVAILABILITIES },
          auto_offline: { type: Boolean },
        },
        { _id: false },
      ),
    ],
    version: { type: Number, default: 0 },
    created_at: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);

export type AccountModel = Model<Account>;

export function defineAccountModel(conn: Connection): AccountModel {
  return conn.model<Account>('Account', accountSchema, 'accounts');
}
