import { randomInt } from 'node:crypto';
import type { PendingSyncModel } from '../../src/records/pending-sync.model';
import { markPending } from '../../src/records/pending-writes';
import { startTestContext, type TestContext } from '../support/context';

let ctx: TestContext;
let pending: PendingSyncModel;

beforeAll(async () => {
  ctx = await startTestContext({ worker: false });
  pending = ctx.deps.models.pendingSync;
});
const made: string[] = [];
afterAll(async () => {
  // Left behind, the marks would be swept and waited for by other files' tests.
  await pending.deleteMany({ _id: { $in: made } });
  await ctx.close();
});

// Ids far above the contacts the other tests make, of an account no test has.
const markId = () => {
  const id = String(900_000_000 + randomInt(1_000_000));
  made.push(id);
  return id;
};
const versionOf = async (id: string) => (await pending.findById(id).lean())?.version;

describe('marking writes pending', () => {
  it('when a contact has no mark, then it gets one at the version of the write', async () => {
    const id = markId();
    await markPending(pending, [{ id, accountId: 0, version: 2 }]);
    expect(await versionOf(id)).toBe(2);
  });

  it('when a contact has a mark, then it is raised to the newer version and never lowered', async () => {
    const id = markId();
    await markPending(pending, [{ id, accountId: 0, version: 3 }]);
    await markPending(pending, [{ id, accountId: 0, version: 5 }]);
    expect(await versionOf(id)).toBe(5);
    await markPending(pending, [{ id, accountId: 0, version: 4 }]);
    expect(await versionOf(id)).toBe(5);
  });

  // Seen in CI as a label change missing from the index after the marks had all gone: the worker
  // cleared the older version's mark between this write's refused insert and its raise, the raise
  // found nothing to raise, and the write went unmarked (the sweep would never retry it).
  it('when the mark is cleared between the refused insert and the raise, then the write is still marked', async () => {
    const id = markId();
    await markPending(pending, [{ id, accountId: 0, version: 2 }]);
    const clearedMeanwhile = {
      collection: {
        insertMany: async (...args: Parameters<PendingSyncModel['collection']['insertMany']>) => {
          try {
            return await pending.collection.insertMany(...args);
          } finally {
            await pending.deleteOne({ _id: id });
          }
        },
      },
      bulkWrite: (...args: Parameters<PendingSyncModel['bulkWrite']>) => pending.bulkWrite(...args),
    } as unknown as PendingSyncModel;

    await markPending(clearedMeanwhile, [{ id, accountId: 0, version: 3 }]);
    expect(await pending.findById(id).lean()).toMatchObject({ account_id: 0, version: 3 });
  });
});
