import type { Logger } from '../shared/logger';
import type { Queue } from '../shared/queues';
import type { InboxesService, InboxRemovalJob } from './inboxes.service';

export const INBOX_REMOVAL_QUEUE = 'inbox-removals';

/** Removes a deleted inbox's contact inboxes. Safe to run twice: what is already gone is skipped. */
export function createInboxRemovalProcessor({ inboxes, logger }: { inboxes: Pick<InboxesService, 'finishRemoval'>; logger: Logger }) {
  return async function processInboxRemoval(job: Queue.Job<InboxRemovalJob>): Promise<void> {
    const { accountId, inboxId } = job.data ?? {};
    if (!Number.isSafeInteger(accountId) || !Number.isSafeInteger(inboxId)) {
      logger.warn({ jobId: job.id, data: job.data }, 'malformed inbox removal job discarded');
      return;
    }
    const removed = await inboxes.finishRemoval({ accountId, inboxId });
    logger.info({ inboxId, removed }, 'contact inboxes of a deleted inbox removed');
  };
}
