import { randomUUID } from 'node:crypto';
import { createQueueFactory } from '../../src/shared/queues';
import { addUnlessQueued } from '../../src/shared/resume-when-store-back';

// Against the real Redis, on a queue of this test's own with no processor.
const factory = createQueueFactory(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', `test-resume-${randomUUID()}`);
const queue = factory.createQueue<{ n: number }>('jobs', { attempts: 1 });
afterAll(() => factory.close());

describe('addUnlessQueued', () => {
  it('when a failed job holds the id (given up while a store was away), then it is queued again with fresh attempts', async () => {
    await queue.add({ n: 1 }, { jobId: 'import-1' });
    // Taken as a worker takes it, and failed for good.
    const taken = (await queue.getNextJob()) as Awaited<ReturnType<typeof queue.getJob>>;
    expect(taken!.id).toBe('import-1');
    await taken!.moveToFailed({ message: 'the database is unavailable' });
    expect(await (await queue.getJob('import-1'))!.isFailed()).toBe(true);
    // A plain add under the id of a failed job does nothing: a restart did not take the import up.
    await queue.add({ n: 1 }, { jobId: 'import-1' });
    expect(await (await queue.getJob('import-1'))!.isFailed()).toBe(true);

    await addUnlessQueued(queue, { n: 1 }, 'import-1');
    const again = (await queue.getJob('import-1'))!;
    expect(await again.getState()).toBe('waiting');
    expect(again.attemptsMade).toBe(0);
    expect(again.data).toEqual({ n: 1 });
  });

  it('when a job waits under the id, then it is not queued twice', async () => {
    await queue.add({ n: 2 }, { jobId: 'import-2' });
    await addUnlessQueued(queue, { n: 2 }, 'import-2');
    expect((await queue.getWaiting()).filter((j) => j.id === 'import-2')).toHaveLength(1);
  });
});
