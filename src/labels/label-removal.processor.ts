import type { Logger } from '../shared/logger';
import type { Queue } from '../shared/queues';
import type { LabelRemovalJob, LabelsService } from './labels.service';

export const LABEL_REMOVAL_QUEUE = 'label-removals';

/**
 * Removes one deleted label from the contacts that carry it. Safe to run twice: a label already
 * removed is left alone, and removing a label from a contact that no longer has it writes nothing.
 */
export function createLabelRemovalProcessor({ labels, logger }: { labels: Pick<LabelsService, 'finishRemoval'>; logger: Logger }) {
  return async function processLabelRemoval(job: Queue.Job<LabelRemovalJob>): Promise<void> {
    const { labelId, accountId } = job.data ?? {};
    if (!Number.isSafeInteger(labelId) || (accountId !== undefined && !Number.isSafeInteger(accountId))) {
      logger.warn({ jobId: job.id, data: job.data }, 'malformed label removal job discarded');
      return;
    }
    await labels.finishRemoval({ labelId, accountId });
  };
}
