import { accountRouting } from '../../src/search/contacts-index';
import { createContactIndexer } from '../../src/search/contact-indexer';
import type { Contact } from '../../src/records/contact.model';
import { createElasticsearchClient } from '../../src/shared/elasticsearch';
import { startTestContext, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';

// No worker: the test is the two workers, each with an indexer and an Elasticsearch client of its own.
let ctx: TestContext;
let account: TestAccount;
const clients: ReturnType<typeof createElasticsearchClient>[] = [];

beforeAll(async () => {
  ctx = await startTestContext({ worker: false });
  account = await ctx.createAccount();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await ctx.close();
});

function workerIndexer() {
  const es = createElasticsearchClient(ctx.deps.config.ELASTICSEARCH_URL);
  clients.push(es);
  const { models } = ctx.deps;
  return createContactIndexer({
    contacts: models.contacts,
    pending: models.pendingSync,
    keys: ctx.deps.keys,
    definitions: ctx.deps.definitions,
    es,
    placements: ctx.deps.placements,
    logger: ctx.deps.logger,
    metrics: ctx.deps.metrics,
  });
}

/** A deterministic shuffle (a small LCG): the order differs between the two workers, and between runs of the loop. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * Writes a batch, and writes again what failed, as a sync job's retry does. A loaded machine can
 * fail a whole batch for a reason that passes (a placements read slower than a move's wait), and
 * this test is of the order versions land in, not of the machine's speed; the retried batch still
 * goes in this worker's order, so a stale version can still come last.
 */
async function writeAsTheSyncJobWould(indexer: ReturnType<typeof workerIndexer>, batch: Contact[]) {
  let left = batch;
  let reasons: string[] = [];
  for (let attempt = 0; attempt < 5 && left.length; attempt++) {
    if (attempt) await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    const { failed } = await indexer.write(left);
    reasons = [...new Set(failed.values())];
    left = left.filter((doc) => failed.has(Number(doc._id)));
  }
  expect(reasons).toEqual([]);
}

describe('several workers indexing the same contacts', () => {
  it('when two workers index different versions of the same contacts at once, in any order, then the index ends at each contact’s newest version, and a deleted one stays deleted', async () => {
    const CONTACTS = 25;
    const VERSIONS = 5;
    const contacts = await Promise.all(Array.from({ length: CONTACTS }, (_, i) => createContact(ctx, account, { name: `C${i} v1` })));
    const ids = contacts.map((c) => c.id);
    // Every version each contact went through, as stale reads and late jobs would carry them.
    const snapshots: Contact[] = [...(await ctx.deps.indexer.read(ids))];
    for (let v = 2; v <= VERSIONS; v++) {
      await Promise.all(
        ids.map((id, i) =>
          // The last round deletes every fifth contact (a soft delete is a version too).
          v === VERSIONS && i % 5 === 0
            ? ctx.http.delete(account.path(`/contacts/${id}`)).set('api_access_token', account.adminToken).expect(200)
            : ctx.http.patch(account.path(`/contacts/${id}`)).set('api_access_token', account.adminToken).send({ name: `C${i} v${v}` }).expect(200),
        ),
      );
      snapshots.push(...(await ctx.deps.indexer.read(ids)));
    }
    expect(snapshots).toHaveLength(CONTACTS * VERSIONS);

    // Two workers, each writing every version of every contact in its own order, in small
    // bulk requests, at the same time: the newest version sometimes lands first.
    const workers = [workerIndexer(), workerIndexer()];
    await Promise.all(
      workers.map(async (indexer, w) => {
        const mine = shuffled(snapshots, 7 + w);
        for (let i = 0; i < mine.length; i += 7) await writeAsTheSyncJobWould(indexer, mine.slice(i, i + 7));
      }),
    );
    await ctx.deps.es.indices.refresh({ index: ctx.deps.index });

    const res = await ctx.deps.es.mget<{ payload: { name: string } }>({ index: ctx.deps.index, ids: ids.map(String), routing: accountRouting(account.id) });
    res.docs.forEach((doc, i) => {
      const found = 'found' in doc && doc.found;
      if (i % 5 === 0) {
        expect(found).toBe(false);
        return;
      }
      expect(found).toBe(true);
      if (!('_source' in doc)) throw new Error('no source');
      expect(doc._version).toBe(VERSIONS);
      expect(doc._source!.payload.name).toBe(`C${i} v${VERSIONS}`);
    });
    // What MongoDB holds now: the deleted ones were purged once their delete was indexed.
    const live = await ctx.deps.indexer.read(ids);
    expect(live.map((c) => Number(c._id)).sort((a, b) => a - b)).toEqual(ids.filter((_, i) => i % 5 !== 0).sort((a, b) => a - b));
    expect(live.every((c) => c.version === VERSIONS)).toBe(true);
    // No pending mark outlives its write: the newest version of each is in the index.
    expect(await ctx.deps.models.pendingSync.exists({ account_id: account.id })).toBeNull();
  });
});
