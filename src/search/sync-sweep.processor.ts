import type { Client } from '@elastic/elasticsearch';
import type { ContactModel } from '../records/contact.model';
import type { Logger } from '../shared/logger';
import type { SweepStateModel } from './sweep-state.model';
import type { SyncScheduler } from './sync-queue';
import { sweepUnsyncedContacts } from './sync-sweep';

export interface SyncSweepProcessorDeps {
  contacts: ContactModel;
  sweepState: SweepStateModel;
  es: Client;
  index: string;
  scheduler: SyncScheduler;
  graceMs: number;
  logger: Logger;
}

/**
 * One run of the repeatable sweep. Its job carries nothing; two runs at once at most queue the
 * same contacts twice, which the sync processor absorbs.
 */
export function createSyncSweepProcessor({ logger, ...deps }: SyncSweepProcessorDeps) {
  return async function processSyncSweep(): Promise<{ queued: number }> {
    const queued = await sweepUnsyncedContacts(deps);
    if (queued) logger.info({ queued }, 'sweep re-queued contacts still marked for indexing');
    return { queued };
  };
}
