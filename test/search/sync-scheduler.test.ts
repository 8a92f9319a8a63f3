import type { Queue } from '../../src/shared/queues';
import { createSyncScheduler, type SyncJob } from '../../src/search/sync-queue';
import { createLogger } from '../../src/shared/logger';

/** A queue that records what is added and lets the test decide when each add completes. */
function recordingQueue() {
  const added: number[][] = [];
  const releases: (() => void)[] = [];
  const hold = (jobs: SyncJob[]) => {
    added.push(jobs.flatMap((j) => j.ids));
    return new Promise<void>((resolve) => releases.push(resolve));
  };
  const queue = {
    add: (data: SyncJob) => hold([data]),
    addBulk: (jobs: { data: SyncJob }[]) => hold(jobs.map((j) => j.data)),
  } as unknown as Queue.Queue<SyncJob>;
  const releaseNext = async () => {
    releases.shift()!();
    // Let the scheduler's continuations run.
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { queue, added, releaseNext };
}

describe('the sync scheduler', () => {
  const logger = createLogger('silent');

  it('when idle, queues a call at once; calls made meanwhile go together in one job once it is queued', async () => {
    const { queue, added, releaseNext } = recordingQueue();
    const scheduler = createSyncScheduler(queue, logger);
    let firstDone = false;
    const first = scheduler.schedule([1]).then(() => (firstDone = true));
    expect(added).toEqual([[1]]);

    const later = [scheduler.schedule([2]), scheduler.schedule([3, 2]), scheduler.schedule([4])];
    await Promise.resolve();
    expect(added).toEqual([[1]]);
    expect(firstDone).toBe(false);

    await releaseNext();
    await first;
    expect(added).toEqual([[1], [2, 3, 4]]);

    await releaseNext();
    await Promise.all(later);
  });

  it('splits what waited into jobs of at most the chunk size', async () => {
    const { queue, added, releaseNext } = recordingQueue();
    const scheduler = createSyncScheduler(queue, logger, 2);
    const first = scheduler.schedule([1]);
    const rest = scheduler.schedule([2, 3, 4, 5, 6]);
    await releaseNext();
    await first;
    expect(added).toEqual([[1], [2, 3, 4, 5, 6]]);
    await releaseNext();
    await rest;
  });

  it('never throws: a failed queueing resolves, and the next call is queued again', async () => {
    let calls = 0;
    const queue = {
      add: async () => {
        calls++;
        if (calls === 1) throw new Error('Redis is away');
      },
    } as unknown as Queue.Queue<SyncJob>;
    const scheduler = createSyncScheduler(queue, logger);
    await expect(scheduler.schedule([1])).resolves.toBeUndefined();
    await expect(scheduler.schedule([2])).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });
});
