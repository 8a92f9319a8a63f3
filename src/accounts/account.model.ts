import { Connection, Model, Schema } from 'mongoose';

export interface Account {
  _id: number;
  name: string;
  created_at: Date;
}

const accountSchema = new Schema<Account>(
  {
    _id: Number,
    name: { type: String, required: true },
    created_at: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);

export type AccountModel = Model<Account>;

export function defineAccountModel(conn: Connection): AccountModel {
  return conn.model<Account>('Account', accountSchema, 'accounts');
}
