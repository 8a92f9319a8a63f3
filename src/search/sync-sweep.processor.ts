import type { Logger } from '../shared/logger';
import { sweepPendingContacts, type SweepDeps } from './sync-sweep';

export interface SyncSweepProcessorDeps extends SweepDeps {
  logger: Logger;
}

/**
 * One run of the repeatable sweep. Its job carries nothing; two runs at once at most queue the
 * same contacts twice, which the sync processor absorbs.
 */
export function createSyncSweepProcessor({ logger, ...deps }: SyncSweepProcessorDeps) {
  return async function processSyncSweep(): Promise<{ queued: number }> {
    const queued = await sweepPendingContacts(deps);
    if (queued) logger.info({ queued }, 'sweep re-queued contacts of pending writes the index does not hold');
    return { queued };
  };
}
