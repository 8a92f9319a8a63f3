import mongoose, { Connection } from 'mongoose';

/** A connection string as a log or an error may show it: without its user and password. */
export const withoutCredentials = (uri: string): string => uri.replace(/\/\/[^/@]*@/, '//');

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
  // Mongoose formats a stack trace for every query it runs, kept only to name where a query
  // that ran twice was first run: under load that was 3.5% of the sync worker's CPU (profiled
  // during creates from 8 clients).
  mongoose.set('skipOriginalStackTraces', true);
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
      // The process exits with this message: it said only "connect ECONNREFUSED 127.0.0.1:27017".
      if (Date.now() >= deadline) throw new Error(`MongoDB at ${withoutCredentials(uri)} (MONGODB_URI) could not be reached: ${(err as Error).message}`, { cause: err });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

const { MongoNetworkError, MongoServerSelectionError, MongoNotConnectedError, MongoTopologyClosedError } = mongoose.mongo;
// Driver errors that are not exported as classes, known by name.
const UNREACHABLE_MONGO_NAMES = new Set(['MongoPoolClosedError', 'MongoWaitQueueTimeoutError']);
// A socket the server closed as the driver wrote to it: Node's own error, thrown by the driver's
// connection unwrapped (`This socket has been ended by the other party`, EPIPE), answered 500
// twice in 17,000 requests across a FerretDB shutdown (found by a black-box fault audit).
const SOCKET_GONE_CODES = new Set(['EPIPE', 'ECONNRESET']);
const FROM_THE_DRIVER = /node_modules[\\/]mongodb[\\/]/;

/** What an error wraps: its `cause`, or the driver error a MongoBulkWriteError keeps as `errorResponse` (it sets no cause). */
const wrapped = (e: Error): unknown => {
  const response = (e as { errorResponse?: unknown }).errorResponse;
  return e.cause ?? (response instanceof Error && response !== e ? response : undefined);
};

/**
 * The database server cannot be reached (stopped, restarting, connections dropped): the request
 * may succeed when retried, so it is a 503, not a 500. Looks through what an error wraps, as
 * bulk writes and mongoose wrap what the driver threw.
 */
export function isMongoUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = wrapped(e), depth++) {
    if (e instanceof MongoNetworkError || e instanceof MongoServerSelectionError || e instanceof MongoNotConnectedError || e instanceof MongoTopologyClosedError) return true;
    if (UNREACHABLE_MONGO_NAMES.has(e.name)) return true;
    if (SOCKET_GONE_CODES.has(String((e as { code?: unknown }).code)) && FROM_THE_DRIVER.test(e.stack ?? '')) return true;
    // mongoose's own, if commands are ever buffered while disconnected.
    if (e instanceof mongoose.Error && /buffering timed out|Client must be connected|connection .* was force closed/i.test(e.message)) return true;
  }
  return false;
}

/**
 * Waits for the models' collections and indexes, which mongoose starts making as each model is
 * defined: two dozen at once. On a busy machine some of them waited for a connection longer than
 * the pool's wait-queue timeout (the socket timeout, 1.5 s in a test), and the start failed; such
 * a start is done again one model at a time, until `withinMs` has passed (existing collections and
 * indexes are left as they are).
 */
export async function initModels(models: { init(): Promise<unknown>; createCollection(): Promise<unknown>; ensureIndexes(): Promise<unknown> }[], withinMs = 10000): Promise<void> {
  try {
    await Promise.all(models.map((model) => model.init()));
    return;
  } catch (err) {
    if (!isMongoUnavailable(err)) throw err;
  }
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      for (const model of models) {
        await model.createCollection();
        await model.ensureIndexes();
      }
      return;
    } catch (err) {
      if (!isMongoUnavailable(err) || Date.now() >= deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
