import { createSearchableProbe } from '../../src/search/searchable-probe';
import { waitFor, withTestAccount, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';

// The probe against the real index: a write is followed until a search finds its version.
let ctx: TestContext;
let account: TestAccount;

withTestAccount((c, a) => {
  ctx = c;
  account = a;
});

const indexedDoc = async (id: number) => {
  const found = await ctx.deps.es.search({ index: ctx.deps.index, query: { ids: { values: [String(id)] } }, version: true, size: 1 });
  return found.hits.hits[0];
};

describe('the searchable probe', () => {
  it('when a followed write is found by a search, then its lag is recorded once; one not found in its time is given up and the next is followed', async () => {
    const recorded: number[] = [];
    const probe = createSearchableProbe({ es: ctx.deps.es, record: (s) => recorded.push(s), logger: ctx.deps.logger, everyMs: 0, followMs: 300 });
    try {
      const contact = await createContact(ctx, account, { name: 'Probed' });
      await ctx.settle(account.id);
      const doc = (await indexedDoc(contact.id))!;
      const writtenAt = Date.now() - 200;
      // A version the index does not hold yet (a newer write, not refreshed): looked for, then given up.
      probe.offer(() => [{ index: doc._index, id: doc._id!, version: doc._version! + 1, writtenAt }]);
      probe.offer(() => [{ index: doc._index, id: doc._id!, version: doc._version!, writtenAt }]);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(recorded).toEqual([]);
      // The one the index holds: found at once.
      probe.offer(() => [{ index: doc._index, id: doc._id!, version: doc._version!, writtenAt }]);
      await waitFor(async () => recorded.length === 1, 'the write to be found');
      expect(recorded[0]).toBeGreaterThanOrEqual(0.2);
      expect(recorded[0]).toBeLessThan(5);
      // A copy of an old write (a reindex, a move) is not followed.
      probe.offer(() => [{ index: doc._index, id: doc._id!, version: doc._version!, writtenAt: Date.now() - 3_600_000 }]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(recorded).toHaveLength(1);
    } finally {
      probe.stop();
    }
  });
});
