import { createRequire } from 'node:module';
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

/**
 * A command on a connection whose socket was already destroyed never settled, and when that
 * command was the driver's heartbeat, the server was never checked again: after a FerretDB
 * restart the API answered 503 until it was restarted (2 of ~55 restarts under writes; every
 * request "MongoServerSelectionError: connection N … closed", no socket to FerretDB at all).
 * The driver (mongodb 6.20, still so in 7.9) writes a command and, when the socket does not take
 * it at once, waits for 'drain' or 'error'. Between Node destroying a socket (the server's FIN
 * handled) and its 'close', a write is refused without either event, and the socket's timeout no
 * longer runs; the connection's close then fails only a read in progress, not this wait. A pool
 * error in that window marks the server Unknown, server selection wakes the monitor, its hello
 * goes to the dying socket and hangs, and a monitor never starts a check while one is running.
 * So a write also ends when its socket closes, with the connection's own network error: the
 * heartbeat fails and the next one reconnects; an operation fails (a 503) instead of hanging
 * with its pooled connection. `test/shared/mongo-write-on-closed-socket.test.ts`.
 */
const requireFromMongoose = createRequire(require.resolve('mongoose'));
const guarded = Symbol.for('contacts.writeEndsOnClose');
interface DriverConnection {
  socket: NodeJS.EventEmitter & { closed?: boolean };
  error: Error | null;
  id: unknown;
  address: string;
}
type WriteCommand = ((this: DriverConnection, ...args: unknown[]) => Promise<void>) & { [guarded]?: true };
function endWritesWhenSocketCloses(): boolean {
  const proto = (requireFromMongoose('mongodb/lib/cmap/connection') as { Connection?: { prototype: { writeCommand?: WriteCommand } } }).Connection?.prototype;
  const original = proto?.writeCommand;
  if (!proto || typeof original !== 'function') return false;
  if (original[guarded]) return true;
  const writeCommand: WriteCommand = function (this: DriverConnection, ...args: unknown[]) {
    const socket = this.socket;
    return new Promise<void>((resolve, reject) => {
      const onClose = () => reject(this.error ?? new mongoose.mongo.MongoNetworkError(`connection ${String(this.id)} to ${this.address} closed`));
      // Closed already, its 'close' will not come again.
      if (socket.closed) return onClose();
      socket.once('close', onClose);
      original.apply(this, args).then(resolve, reject).finally(() => socket.removeListener('close', onClose));
    });
  };
  writeCommand[guarded] = true;
  proto.writeCommand = writeCommand;
  return true;
}
/** Whether the guard above is in place (false if a driver upgrade moved what it wraps). */
export const writesEndWhenSocketCloses = endWritesWhenSocketCloses();

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
