import type { Logger } from '../shared/logger';
import type { Queue } from '../shared/queues';
import { createBatcher } from './batcher';
import type { IndexOutcome } from './contact-indexer';
import type { SyncJob } from './sync-queue';

const isIdList = (value: unknown): value is number[] =>
  Array.isArray(value) && value.every((id) => Number.isSafeInteger(id) && id > 0);

export interface ContactSyncProcessorDeps {
  config: Record<'SYNC_BATCH_SIZE' | 'SYNC_BATCH_WAIT_MS' | 'SYNC_MAX_IN_FLIGHT', number>;
  indexContacts: (ids: number[]) => Promise<IndexOutcome>;
  logger: Logger;
}

/**
 * Indexes the contacts of one sync job. Jobs carry ids only: the indexer re-reads MongoDB and
 * indexes with the contact's version as an external version, so a job run twice, or after a
 * newer one, changes nothing. Jobs are gathered into shared bulk requests by the batcher, which
 * needs many jobs in flight at once (the queue's concurrency).
 */
export function createContactSyncProcessor({ config, indexContacts, logger }: ContactSyncProcessorDeps) {
  const submit = createBatcher(indexContacts, {
    maxSize: config.SYNC_BATCH_SIZE,
    maxWaitMs: config.SYNC_BATCH_WAIT_MS,
    maxInFlight: config.SYNC_MAX_IN_FLIGHT,
  });

  return async function processContactSync(job: Queue.Job<SyncJob>): Promise<void> {
    if (!isIdList(job.data?.ids)) {
      logger.warn({ jobId: job.id, data: job.data }, 'malformed sync job discarded');
      return;
    }
    try {
      await submit(job.data.ids);
    } catch (err) {
      // Earlier attempts are retried with back-off; only the last one is worth a line.
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
        logger.error({ jobId: job.id, err }, 'sync job failed for good; the sweep will retry its contacts');
      }
      throw err;
    }
  };
}
