import type { Logger } from '../shared/logger';
import { enqueueWithin, type Queue, type QueueFactory } from '../shared/queues';

export interface SyncJob {
  ids: number[];
}

export const SYNC_QUEUE = 'contact-sync';
export const BACKGROUND_SYNC_QUEUE = 'contact-sync-background';
export const SWEEP_QUEUE = 'contact-sync-sweep';

export function createSyncQueue(factory: QueueFactory): Queue.Queue<SyncJob> {
  return factory.createQueue<SyncJob>(SYNC_QUEUE);
}

/**
 * The sync jobs of work on many contacts at once (a definition's holders re-indexed, a bulk
 * action): indexed beside the interactive queue, not in line with it. bull hands a queue's jobs
 * out in order, and a write made while a job re-indexed 850,000 holders through the one queue
 * became searchable 10 s after it at the median, 24 s at p95 (README, definitions).
 */
export function createBackgroundSyncQueue(factory: QueueFactory): Queue.Queue<SyncJob> {
  return factory.createQueue<SyncJob>(BACKGROUND_SYNC_QUEUE);
}

export function createSweepQueue(factory: QueueFactory): Queue.Queue<object> {
  return factory.createQueue<object>(SWEEP_QUEUE);
}

/**
 * Repeats the sweep; one repeatable job id, so every worker process shares one schedule. Also
 * scheduled again whenever the Redis connection comes back: a Redis restarted without its data
 * has lost the schedule, and the sweep is what re-queues the writes made while it was away.
 */
export function scheduleSweep(queue: Queue.Queue<object>, everyMs: number): Promise<unknown> {
  return queue.add({}, { repeat: { every: everyMs }, jobId: 'sweep', removeOnComplete: true, removeOnFail: true, attempts: 1 });
}

export interface SyncScheduler {
  /** Queues indexing of these contacts; never throws: the sweep catches what fails to queue. */
  schedule(ids: number[]): Promise<void>;
}

/**
 * Queues sync jobs with group commit: a call while no job is being queued queues its ids at once;
 * calls made while one is being queued wait for it and then go together, in one job (or one bulk
 * of `chunk`-sized jobs). Idle, a write waits for nothing more than before; under load, many
 * writes share one job, and bull's Redis round trips per job (in the API and in the worker) are
 * paid once for all of them. A call resolves once its ids are queued, or given up on.
 */
export function createSyncScheduler(queue: Queue.Queue<SyncJob>, logger: Logger, chunk = 500): SyncScheduler {
  let lastWarned = 0;
  let waiting: number[] = [];
  let next: Promise<void> | null = null;
  let inFlight: Promise<void> | null = null;

  async function send(ids: number[]): Promise<void> {
    try {
      const jobs: { data: SyncJob }[] = [];
      for (let i = 0; i < ids.length; i += chunk) jobs.push({ data: { ids: ids.slice(i, i + chunk) } });
      await enqueueWithin<unknown>(queue, () => (jobs.length === 1 ? queue.add(jobs[0].data) : queue.addBulk(jobs)), 2000, 'queueing the sync job');
    } catch (err) {
      // The write already succeeded in MongoDB and the contact stays marked in pending_sync.
      // Once a minute at most: while Redis is away every write lands here.
      if (Date.now() - lastWarned > 60000) {
        lastWarned = Date.now();
        logger.warn({ err, count: ids.length }, 'sync job not queued; the sweep will pick the contacts up (said once a minute)');
      }
    }
  }

  function flush(): Promise<void> {
    const ids = [...new Set(waiting)];
    waiting = [];
    next = null;
    inFlight = send(ids).finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  return {
    schedule(ids) {
      if (!ids.length) return Promise.resolve();
      waiting.push(...ids);
      if (next) return next;
      if (!inFlight) return flush();
      const after = inFlight;
      next = after.then(flush);
      return next;
    },
  };
}
