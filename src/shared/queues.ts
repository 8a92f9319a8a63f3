import Queue from 'bull';
import Redis, { type RedisOptions } from 'ioredis';
import type { Logger } from './logger';

export type { Queue };

// Redis clients that have been connected once: one of these that is not ready now has lost Redis.
const connectedOnce = new WeakSet<Redis>();

/**
 * Makes bull queues that share two Redis connections (client and subscriber) instead of
 * opening three per queue, with retries and back-off, and completed jobs cleaned up.
 */
export function createQueueFactory(redisUrl: string, prefix: string, onError: (err: Error) => void = () => undefined) {
  const shared: Redis[] = [];
  const open = (extra: RedisOptions) => {
    const conn = new Redis(redisUrl, extra);
    // Every queue that shares the connection listens for its errors (a dozen queues): not a leak.
    conn.setMaxListeners(50);
    // A connection without a listener of its own had ioredis print each failed reconnect as an
    // "Unhandled error event" stack trace, plain text among the JSON log lines.
    conn.on('error', onError);
    conn.on('ready', () => connectedOnce.add(conn));
    shared.push(conn);
    return conn;
  };
  let client: Redis | undefined;
  let subscriber: Redis | undefined;
  const queues: Queue.Queue[] = [];

  // bull's blocking and subscriber connections need these options; the shared client
  // fails fast while Redis is away so that writes never wait on it.
  const sharedClient = () => (client ??= open({ maxRetriesPerRequest: 1, enableOfflineQueue: true }));

  function createQueue<T>(name: string, jobOptions: Queue.JobOptions = {}): Queue.Queue<T> {
    const queue = new Queue<T>(name, {
      prefix,
      createClient(type) {
        if (type === 'client') return sharedClient();
        if (type === 'subscriber') return (subscriber ??= open({ maxRetriesPerRequest: null, enableReadyCheck: false }));
        return open({ maxRetriesPerRequest: null, enableReadyCheck: false });
      },
      defaultJobOptions: {
        attempts: 8,
        backoff: { type: 'exponential', delay: 500 },
        removeOnComplete: true,
        removeOnFail: 1000,
        ...jobOptions,
      },
    });
    queues.push(queue);
    return queue;
  }

  /** Closes the queues (bull waits for this process's active jobs); may wait as long as Redis is away. */
  async function close(): Promise<void> {
    await Promise.allSettled(queues.map((q) => q.close()));
    disconnect();
  }

  /** Drops every connection at once (after a close that took too long). */
  function disconnect(): void {
    shared.forEach((conn) => conn.disconnect());
  }

  /** A new connection for a subscriber of its own (it cannot run other commands); closed with the queues. */
  const subscriberConnection = () => open({ maxRetriesPerRequest: null, enableReadyCheck: false });

  /** The jobs in each queue this process made, by state (read from Redis: the deployment's). */
  async function jobCounts(): Promise<QueueJobCounts[]> {
    return Promise.all(queues.map(async (queue) => ({ queue: queue.name, counts: { ...(await queue.getJobCounts()) } as Record<string, number> })));
  }

  /** The queues' shared client connection, for other short Redis commands (rate limit counts). */
  return { createQueue, close, disconnect, redis: sharedClient, subscriberConnection, jobCounts };
}

export type QueueFactory = ReturnType<typeof createQueueFactory>;

export interface QueueJobCounts {
  queue: string;
  counts: Record<string, number>;
}

/** Logs Redis connection errors at most once per `everyMs`: while Redis is away every reconnect attempt fails alike. */
export function redisErrorLog(logger: Pick<Logger, 'warn'>, everyMs = 10000): (err: Error) => void {
  let lastAt = 0;
  return (err) => {
    const now = Date.now();
    if (now - lastAt < everyMs) return;
    lastAt = now;
    logger.warn({ err: err.message }, 'a Redis connection failed; it is retried (queues wait, writes go on and the sweep catches up)');
  };
}

/**
 * Adds to a queue for a request: rejects at once while the queue's Redis connection is lost
 * (ioredis would hold the command until it reconnects or gives up, seconds later) or has failed
 * every attempt since the process started, and after `ms` otherwise. During the first attempt to
 * connect it waits up to `ms` (a process that has just started).
 */
export function enqueueWithin<T>(queue: Queue.Queue, add: () => Promise<T>, ms: number, what: string): Promise<T> {
  const client = queue.client as Redis | undefined;
  if (client && client.status !== 'ready') {
    if (connectedOnce.has(client)) return Promise.reject(new Error(`${what}: the Redis connection is lost (${client.status})`));
    if (NEVER_CONNECTED.has(client.status)) return Promise.reject(new Error(`${what}: Redis cannot be reached (${client.status})`));
  }
  return withTimeout(add(), ms, what);
}

// The states of an ioredis connection whose attempts to connect have all failed so far.
const NEVER_CONNECTED = new Set(['reconnecting', 'close', 'end']);

/** Rejects when `promise` takes longer than `ms`: a queue write must never hold up a request. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
