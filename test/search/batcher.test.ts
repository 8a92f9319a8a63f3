import { createBatcher } from '../../src/search/batcher';

/** A run whose calls the test finishes by hand. */
function controlledRun() {
  const calls: { ids: number[]; finish: (failed?: Map<number, string>) => void; fail: (err: Error) => void }[] = [];
  const run = (ids: number[]) =>
    new Promise<{ failed: Map<number, string> }>((resolve, reject) => {
      calls.push({ ids, finish: (failed = new Map()) => resolve({ failed }), fail: reject });
    });
  return { run, calls };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('sync batcher', () => {
  it('gathers small jobs into one run once maxSize ids are waiting', async () => {
    const { run, calls } = controlledRun();
    const submit = createBatcher(run, { maxSize: 4, maxWaitMs: 10_000, maxInFlight: 2 });
    const jobs = [submit([1, 2]), submit([3]), submit([4])];
    await tick();
    expect(calls.map((c) => c.ids)).toEqual([[1, 2, 3, 4]]);
    calls[0].finish();
    await expect(Promise.all(jobs)).resolves.toEqual([undefined, undefined, undefined]);
  });

  it('runs what is waiting after maxWaitMs even when the batch is small', async () => {
    const { run, calls } = controlledRun();
    const submit = createBatcher(run, { maxSize: 100, maxWaitMs: 5, maxInFlight: 2 });
    const job = submit([7]);
    await new Promise((r) => setTimeout(r, 30));
    expect(calls.map((c) => c.ids)).toEqual([[7]]);
    calls[0].finish();
    await expect(job).resolves.toBeUndefined();
  });

  it('keeps at most maxInFlight runs going; the rest wait and leave in batches of maxSize', async () => {
    const { run, calls } = controlledRun();
    const submit = createBatcher(run, { maxSize: 2, maxWaitMs: 10_000, maxInFlight: 2 });
    const jobs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((id) => submit([id]));
    await tick();
    expect(calls.map((c) => c.ids)).toEqual([[1, 2], [3, 4]]);

    calls[0].finish();
    await tick();
    // The ids that waited leave together as soon as a run is free, in one batch of maxSize.
    expect(calls.map((c) => c.ids)).toEqual([[1, 2], [3, 4], [5, 6]]);

    calls[1].finish();
    calls[2].finish();
    await tick();
    expect(calls.map((c) => c.ids)).toEqual([[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]]);
    calls[3].finish();
    calls[4].finish();
    await expect(Promise.all(jobs)).resolves.toHaveLength(10);
  });

  it('sends a job larger than maxSize whole, in a run of its own', async () => {
    const { run, calls } = controlledRun();
    const submit = createBatcher(run, { maxSize: 2, maxWaitMs: 10_000, maxInFlight: 1 });
    const big = submit([1, 2, 3]);
    const small = submit([4, 5]);
    await tick();
    expect(calls.map((c) => c.ids)).toEqual([[1, 2, 3]]);
    calls[0].finish();
    await tick();
    expect(calls.map((c) => c.ids)).toEqual([[1, 2, 3], [4, 5]]);
    calls[1].finish();
    await expect(Promise.all([big, small])).resolves.toHaveLength(2);
  });

  it('fails only the jobs whose own ids failed, and every job of a run that threw', async () => {
    const { run, calls } = controlledRun();
    const submit = createBatcher(run, { maxSize: 3, maxWaitMs: 10_000, maxInFlight: 1 });
    const ok = submit([1]);
    const bad = submit([2, 3]);
    await tick();
    calls[0].finish(new Map([[3, 'mapping conflict']]));
    await expect(ok).resolves.toBeUndefined();
    await expect(bad).rejects.toThrow('contacts 3 not indexed: mapping conflict');

    const lost = [submit([4, 5]), submit([6])];
    await tick();
    calls[1].fail(new Error('elasticsearch is down'));
    for (const job of lost) await expect(job).rejects.toThrow('elasticsearch is down');
  });
});
