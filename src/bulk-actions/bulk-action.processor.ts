import type { Logger } from '../shared/logger';
import type { Queue } from '../shared/queues';
import type { BulkActionsService, BulkJob } from './bulk-actions.service';

export const BULK_ACTION_QUEUE = 'contact-bulk-actions';

export interface BulkActionProcessorDeps {
  bulkActions: Pick<BulkActionsService, 'run'>;
  logger: Logger;
}

/**
 * Runs one queued bulk action. Safe to run twice: a completed action is left alone, and a
 * rerun of an interrupted one applies the same label changes or deletes again, which change
 * nothing the first time did.
 */
export function createBulkActionProcessor({ bulkActions, logger }: BulkActionProcessorDeps) {
  return async function processBulkAction(job: Queue.Job<BulkJob>): Promise<void> {
    const id = job.data?.id;
    if (!Number.isSafeInteger(id)) {
      logger.warn({ jobId: job.id, data: job.data }, 'malformed bulk action job discarded');
      return;
    }
    await bulkActions.run(id);
  };
}
