import type { Client } from '@elastic/elasticsearch';
import type { ContactModel } from '../records/contact.model';
import type { PendingSyncModel } from '../records/pending-sync.model';
import type { Logger } from '../shared/logger';
import type { Queue } from '../shared/queues';
import { createBatcher } from './batcher';
import type { IndexOutcome } from './contact-indexer';
import type { SyncJob, SyncScheduler } from './sync-queue';
import { sweepPendingContacts } from './sync-sweep';

const isIdList = (value: unknown): value is number[] =>
  Array.isArray(value) && value.every((id) => Number.isSafeInteger(id) && id > 0);

/** Registers the sync and sweep processors on their queues. */
export async function startSyncWorker(deps: {
  config: Record<'SYNC_BATCH_SIZE' | 'SYNC_BATCH_WAIT_MS' | 'SYNC_CONCURRENCY' | 'SYNC_MAX_IN_FLIGHT' | 'SWEEP_EVERY_MS' | 'SWEEP_GRACE_MS', number>;
  syncQueue: Queue.Queue<SyncJob>;
  sweepQueue: Queue.Queue<object>;
  indexContacts: (ids: number[]) => Promise<IndexOutcome>;
  contacts: ContactModel;
  pending: PendingSyncModel;
  es: Client;
  index: string;
  scheduler: SyncScheduler;
  logger: Logger;
}): Promise<void> {
  const { config, logger } = deps;
  const submit = createBatcher(deps.indexContacts, {
    maxSize: config.SYNC_BATCH_SIZE,
    maxWaitMs: config.SYNC_BATCH_WAIT_MS,
    maxInFlight: config.SYNC_MAX_IN_FLIGHT,
  });

  // Many jobs in flight at once is what lets the batcher fill one bulk request.
  void deps.syncQueue.process(config.SYNC_CONCURRENCY, async (job) => {
    if (!isIdList(job.data?.ids)) {
      logger.warn({ jobId: job.id, data: job.data }, 'malformed sync job discarded');
      return;
    }
    await submit(job.data.ids);
  });
  deps.syncQueue.on('failed', (job, err) => {
    if (job.attemptsMade >= (job.opts.attempts ?? 1)) {
      logger.error({ jobId: job.id, err: err.message }, 'sync job failed for good; the sweep will retry its contacts');
    }
  });

  void deps.sweepQueue.process(async () => {
    const queued = await sweepPendingContacts({ ...deps, graceMs: config.SWEEP_GRACE_MS });
    if (queued) logger.info({ queued }, 'sweep re-queued contacts of pending writes the index does not hold');
    return { queued };
  });
  await deps.sweepQueue.add({}, { repeat: { every: config.SWEEP_EVERY_MS }, jobId: 'sweep', removeOnComplete: true, removeOnFail: true, attempts: 1 });
}
