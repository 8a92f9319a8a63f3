import { Connection, Model, Schema } from 'mongoose';

export type Role = 'administrator' | 'agent';

export interface Membership {
  account_id: number;
  role: Role;
}

export interface User {
  _id: number;
  name: string;
  email: string;
  access_token: string;
  accounts: Membership[];
}

const userSchema = new Schema<User>(
  {
    _id: Number,
    name: { type: String, required: true },
    email: { type: String, required: true, lowercase: true, unique: true },
    access_token: { type: String, required: true, unique: true },
    accounts: [
      new Schema<Membership>(
        { account_id: { type: Number, required: true }, role: { type: String, enum: ['administrator', 'agent'], required: true } },
        { _id: false },
      ),
    ],
  },
  { versionKey: false },
);

export type UserModel = Model<User>;

export function defineUserModel(conn: Connection): UserModel {
  return conn.model<User>('User', userSchema, 'users');
}
