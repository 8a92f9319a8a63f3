import mongoose, { Connection } from 'mongoose';

export async function connectMongo(uri: string): Promise<Connection> {
  // autoIndex stays on: indexes are created once per collection at start-up, idempotently.
  const conn = mongoose.createConnection(uri, { serverSelectionTimeoutMS: 10000, autoIndex: true });
  await conn.asPromise();
  return conn;
}
