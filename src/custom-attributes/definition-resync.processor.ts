import type { DefinitionResyncJob } from '../records/custom-attribute-definitions';
import type { Logger } from '../shared/logger';
import type { Queue } from '../shared/queues';
import type { CustomAttributesService } from './custom-attributes.service';

export const DEFINITION_RESYNC_QUEUE = 'definition-resyncs';

/**
 * Re-indexes the contacts holding the key of a definition created or deleted while many held it.
 * Safe to run twice: a definition already done is left alone, and a contact re-indexed again is
 * indexed as it is.
 */
export function createDefinitionResyncProcessor({ customAttributes, logger }: { customAttributes: Pick<CustomAttributesService, 'finishResync'>; logger: Logger }) {
  return async function processDefinitionResync(job: Queue.Job<DefinitionResyncJob>): Promise<void> {
    const { accountId, definitionId } = job.data ?? {};
    if (!Number.isSafeInteger(accountId) || !Number.isSafeInteger(definitionId)) {
      logger.warn({ jobId: job.id, data: job.data }, 'malformed definition resync job discarded');
      return;
    }
    await customAttributes.finishResync({ accountId, definitionId });
  };
}
