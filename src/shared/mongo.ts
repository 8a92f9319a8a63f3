import mongoose, { Connection } from 'mongoose';

/**
 * Connects, trying for up to `connectWithinMs` (a server that is still starting). Afterwards an
 * operation that finds no server fails after `timeoutMs` (serverSelectionTimeoutMS) instead of
 * waiting in mongoose's buffer: a request answers 503 in about that time while the server is
 * away (src/shared/error-handler.ts), rather than hanging; one that sent its command and hears
 * nothing back fails after `socketTimeoutMs`.
 */
export async function connectMongo(uri: string, options: { timeoutMs?: number; connectWithinMs?: number; socketTimeoutMs?: number } = {}): Promise<Connection> {
  const timeoutMs = options.timeoutMs ?? 1500;
  const socketTimeoutMs = options.socketTimeoutMs ?? 15000;
  const deadline = Date.now() + (options.connectWithinMs ?? 10000);
  for (;;) {
    // autoIndex stays on: indexes are created once per collection at start-up, idempotently.
    // heartbeatFrequencyMS: a server that went away and came back is seen within a second (the
    // driver's 10 s default kept requests failing for seconds after a restart).
    // socketTimeoutMS / waitQueueTimeoutMS: a server that keeps a connection open but answers
    // nothing (one stopping, seen in the fault suite) fails the operation, a 503, instead of
    // holding the request forever; no single operation of ours legitimately runs that long.
    const conn = mongoose.createConnection(uri, {
      serverSelectionTimeoutMS: timeoutMs,
      socketTimeoutMS: socketTimeoutMs,
      waitQueueTimeoutMS: socketTimeoutMs,
      heartbeatFrequencyMS: 1000,
      bufferCommands: false,
      autoIndex: true,
    });
    try {
      await conn.asPromise();
      return conn;
    } catch (err) {
      await conn.close(true).catch(() => undefined);
      if (Date.now() >= deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
