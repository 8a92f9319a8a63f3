import type { Logger } from '../shared/logger';
import type { Queue } from '../shared/queues';
import type { LabelRemovalJob, LabelsService } from './labels.service';

export const LABEL_REMOVAL_QUEUE = 'label-removals';

/**
 * Brings one label's contacts in line with it: takes a deleted label off them, moves a renamed
 * one's old title to its new one (the queue kept its name from when it only removed). Safe to run
 * twice: a label already settled is left alone, and a contact without the title is not written.
 */
export function createLabelRemovalProcessor({ labels, logger }: { labels: Pick<LabelsService, 'settle'>; logger: Logger }) {
  return async function processLabelRemoval(job: Queue.Job<LabelRemovalJob>): Promise<void> {
    const { labelId, accountId } = job.data ?? {};
    if (!Number.isSafeInteger(labelId) || (accountId !== undefined && !Number.isSafeInteger(accountId))) {
      logger.warn({ jobId: job.id, data: job.data }, 'malformed label removal job discarded');
      return;
    }
    await labels.settle({ labelId, accountId });
  };
}
