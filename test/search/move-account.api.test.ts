import v4 from '../../mappings/contacts.v4.json';
import { accountRouting } from '../../src/search/contacts-index';
import { createContactIndexer } from '../../src/search/contact-indexer';
import { fixedView, type IndexTarget } from '../../src/search/index-placements';
import { createMetrics } from '../../src/shared/metrics';
import { startTestContext, testConfig, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';

// An account moved to an index of its own (and back) while its contacts are written, with the
// sync worker running: searches answer the same before, during and after, nothing is lost, and
// the old copy goes. Short waits between the move's steps: one process here.
let ctx: TestContext;
let account: TestAccount;
let other: TestAccount;

beforeAll(async () => {
  ctx = await startTestContext({ config: testConfig({ INDEX_PLACEMENT_REFRESH_MS: '100', INDEX_MOVE_WAIT_MS: '400' }) });
  account = await ctx.createAccount();
  other = await ctx.createAccount();
});
afterAll(() => ctx.close());

type Row = { id: number; name: string };
const get = (acc: TestAccount, path: string, query: Record<string, string | number> = {}) =>
  ctx.http.get(acc.path(path)).query(query).set('api_access_token', acc.adminToken);
const ids = (rows: Row[]) => rows.map((r) => r.id);

/** Every contact of the account sorted by name, a page of 7 at a time by cursor (pages, counts and cursors all served from its index). */
async function walkByName(acc: TestAccount): Promise<{ rows: Row[]; count: number }> {
  const rows: Row[] = [];
  let after: string | null = null;
  let count = -1;
  do {
    const res = await get(acc, '/contacts', { sort: 'name', per_page: 7, ...(after ? { after } : {}) });
    expect(res.status).toBe(200);
    rows.push(...res.body.payload);
    count = res.body.meta.count;
    after = res.body.meta.next_cursor;
  } while (after);
  return { rows, count };
}

/** What the account's searches answer: the list, a search, a filter and a segment's count. */
async function answers(acc: TestAccount, segmentId: number) {
  const list = await walkByName(acc);
  const search = await get(acc, '/contacts/search', { q: 'garc', sort: 'name', per_page: 100 });
  const filter = await ctx.http
    .post(acc.path('/contacts/filter'))
    .query({ sort: 'name', per_page: 100 })
    .send({ payload: [{ attribute_key: 'city', filter_operator: 'equal_to', values: ['lima'] }] })
    .set('api_access_token', acc.adminToken);
  const segments = await get(acc, '/custom_filters', { with_counts: 'true' });
  expect([search.status, filter.status, segments.status]).toEqual([200, 200, 200]);
  return {
    list: ids(list.rows),
    count: list.count,
    search: ids(search.body.payload),
    filter: ids(filter.body.payload),
    filterCount: filter.body.meta.count,
    segment: segments.body.find((s: { id: number }) => s.id === segmentId).count,
  };
}

/** The account's documents in an index (its shard in the shared alias, every shard of its own). */
async function documentsIn(index: string, accountId: number, byAccount: boolean): Promise<number> {
  await ctx.deps.es.indices.refresh({ index });
  const res = await ctx.deps.es.count({ index, ...(byAccount ? { routing: accountRouting(accountId) } : {}), query: { term: { account_id: String(accountId) } } });
  return res.count;
}

/** Creates, renames and deletes the account's contacts until `stop` is called; answers the live ids. */
function writeMeanwhile(acc: TestAccount, live: Set<number>) {
  let running = true;
  let n = 0;
  const done = (async () => {
    while (running) {
      n += 1;
      const created = await createContact(ctx, acc, { name: `Garcia written ${n}`, additional_attributes: { city: n % 2 ? 'Lima' : 'Cusco' } });
      live.add(created.id);
      const some = [...live][n % live.size];
      const renamed = await ctx.http.patch(acc.path(`/contacts/${some}`)).send({ name: `Renamed ${n}` }).set('api_access_token', acc.adminToken);
      expect(renamed.status).toBe(200);
      if (n % 3 === 0) {
        const gone = [...live][(n * 7) % live.size];
        const res = await ctx.http.delete(acc.path(`/contacts/${gone}`)).set('api_access_token', acc.adminToken);
        expect(res.status).toBe(200);
        live.delete(gone);
      }
    }
    return n;
  })();
  return { stop: async () => ((running = false), done) };
}

async function seed(acc: TestAccount, count: number): Promise<Set<number>> {
  const live = new Set<number>();
  for (let i = 0; i < count; i++) {
    const name = i % 4 === 0 ? `García ${i}` : `Person ${String(i).padStart(2, '0')}`;
    live.add((await createContact(ctx, acc, { name, additional_attributes: { city: i % 3 ? 'Cusco' : 'Lima' } })).id);
  }
  return live;
}

async function limaSegment(acc: TestAccount): Promise<number> {
  const res = await ctx.http
    .post(acc.path('/custom_filters'))
    .send({ name: 'Lima', filter_type: 'contact', query: { payload: [{ attribute_key: 'city', filter_operator: 'equal_to', values: ['lima'] }] } })
    .set('api_access_token', acc.adminToken);
  expect(res.status).toBe(200);
  return res.body.id;
}

describe('an account moved to an index of its own', () => {
  it('keeps answering while it moves, loses no write, leaves the shared index, and comes back the same way', async () => {
    const live = await seed(account, 30);
    const otherLive = await seed(other, 5);
    const segment = await limaSegment(account);
    const otherSegment = await limaSegment(other);
    await ctx.settle(account.id);
    await ctx.settle(other.id);
    const otherBefore = await answers(other, otherSegment);

    const writes = writeMeanwhile(account, live);
    const report = await ctx.deps.moveAccount(account.id, { toOwn: true, shards: 2, replicas: 0 }).finally(() => writes.stop());
    const written = await writes.stop();
    expect(written).toBeGreaterThan(0);
    await ctx.settle(account.id);

    const own = report.to;
    expect(report).toMatchObject({ from: ctx.deps.index, resumed: false, failed: [] });
    expect(own).toMatch(new RegExp(`^${ctx.deps.index}_account_${account.id}_v\\d+-\\d+$`));
    expect(report.copied).toBeGreaterThanOrEqual(30 - Math.ceil(written / 3));
    expect(await ctx.deps.placements.of(account.id)).toMatchObject({ read: own, writes: [own] });
    // Its own index, of two shards, holds the account's live contacts and nothing else; the shared one none of them.
    const settings = await ctx.deps.es.indices.getSettings({ index: own });
    expect(settings[own].settings?.index?.number_of_shards).toBe('2');
    expect(await documentsIn(own, account.id, false)).toBe(live.size);
    expect((await ctx.deps.es.count({ index: own })).count).toBe(live.size);
    expect(await documentsIn(ctx.deps.index, account.id, true)).toBe(0);
    expect(report.removed).toBeGreaterThan(0);
    // Every live contact, once, at MongoDB's version: reconcile finds nothing to repair.
    expect(await ctx.deps.reconcile(account.id)).toMatchObject({ behind: 0, orphans: 0, failed: [] });

    const moved = await answers(account, segment);
    expect(new Set(moved.list)).toEqual(live);
    expect(moved.count).toBe(live.size);
    expect(moved.search.length).toBeGreaterThan(0);
    expect(moved.filterCount).toBe(moved.segment);
    // The other account, in the shared index, is untouched.
    expect(await answers(other, otherSegment)).toEqual(otherBefore);
    expect(new Set(otherBefore.list)).toEqual(otherLive);

    // Writes after the move go to its own index.
    const after = await createContact(ctx, account, { name: 'Garcia after the move' });
    live.add(after.id);
    await ctx.settle(account.id);
    expect((await answers(account, segment)).search).toContain(after.id);
    expect(await documentsIn(own, account.id, false)).toBe(live.size);

    // And back: the shared index holds it again, its own index is gone, the answers are the same.
    const sameAnswers = await answers(account, segment);
    const back = await ctx.deps.moveAccount(account.id, { toOwn: false });
    expect(back).toMatchObject({ from: own, to: ctx.deps.index, failed: [], removed: live.size });
    expect(await ctx.deps.placements.of(account.id)).toBeNull();
    expect(await ctx.deps.es.indices.exists({ index: own })).toBe(false);
    await ctx.settle(account.id);
    expect(await documentsIn(ctx.deps.index, account.id, true)).toBe(live.size);
    expect(await answers(account, segment)).toEqual(sameAnswers);
    expect(await ctx.deps.reconcile(account.id)).toMatchObject({ behind: 0, orphans: 0, failed: [] });
  });

  it('a move stopped after its first step is finished by running it again, with the writes made meanwhile', async () => {
    const acc = await ctx.createAccount();
    const live = await seed(acc, 6);
    await ctx.settle(acc.id);
    const stopped = ctx.deps.moveAccount(acc.id, {
      toOwn: true,
      onProgress(phase) {
        if (phase === 'dual-writes') throw new Error('the move process was stopped');
      },
    });
    await expect(stopped).rejects.toThrow('stopped');
    const midway = await ctx.deps.placements.of(acc.id);
    expect(midway!.writes).toHaveLength(2);
    expect(midway!.read).toBe(ctx.deps.index);
    const [, own] = midway!.writes;

    // Meanwhile the account is read from the shared index and written to both.
    const during = await createContact(ctx, acc, { name: 'Written while the move was stopped' });
    live.add(during.id);
    await ctx.settle(acc.id);
    expect(await documentsIn(own, acc.id, false)).toBe(1);
    expect(new Set((await walkByName(acc)).rows.map((r) => r.id))).toEqual(live);

    const finished = await ctx.deps.moveAccount(acc.id, { toOwn: true });
    expect(finished).toMatchObject({ resumed: true, from: ctx.deps.index, to: own, failed: [] });
    expect(await documentsIn(own, acc.id, false)).toBe(live.size);
    expect(await documentsIn(ctx.deps.index, acc.id, true)).toBe(0);
    expect(new Set((await walkByName(acc)).rows.map((r) => r.id))).toEqual(live);

    // Again to an index of its own (how an own index takes a new mapping): the old one goes whole.
    const again = await ctx.deps.moveAccount(acc.id, { toOwn: true });
    expect(again).toMatchObject({ from: own, resumed: false, failed: [], removed: live.size });
    expect(again.to).not.toBe(own);
    expect(await ctx.deps.es.indices.exists({ index: own })).toBe(false);
    expect(new Set((await walkByName(acc)).rows.map((r) => r.id))).toEqual(live);

    // A process that still writes the account to the old own index (a sync batch that took its
    // placements before the move and is answered after it): its writes and deletes fail, to be
    // retried where the account is now, and Elasticsearch does not create the deleted index again.
    const stale = createContactIndexer({
      contacts: ctx.deps.models.contacts,
      definitions: ctx.deps.definitions,
      es: ctx.deps.es,
      placements: { current: async () => fixedView({ index: own, byAccount: false }) },
      logger: ctx.deps.logger,
      metrics: createMetrics(),
    });
    const [kept, deleted] = [...live].slice(0, 2);
    const late = await stale.write([
      (await ctx.deps.models.contacts.findById(String(kept)).lean())!,
      { ...(await ctx.deps.models.contacts.findById(String(deleted)).lean())!, deleted: true },
    ]);
    expect([...late.failed.keys()].sort()).toEqual([kept, deleted].sort());
    expect([...late.failed.values()][0]).toMatch(/no such index/);
    expect(await ctx.deps.es.indices.exists({ index: own })).toBe(false);

    // Moving an account already in the shared index back is refused.
    await ctx.deps.moveAccount(acc.id, { toOwn: false });
    await expect(ctx.deps.moveAccount(acc.id, { toOwn: false })).rejects.toThrow('in the shared index already');
  });

  it('a write answered after its account left the shared index takes back what it put there, and is retried where the account is', async () => {
    const acc = await ctx.createAccount();
    const live = await seed(acc, 3);
    await ctx.settle(acc.id);
    const { to: own } = await ctx.deps.moveAccount(acc.id, { toOwn: true });
    expect(await documentsIn(ctx.deps.index, acc.id, true)).toBe(0);
    const shared: IndexTarget = { index: ctx.deps.index, byAccount: true };
    const ownIndex: IndexTarget = { index: own, byAccount: false };

    // A sync batch that took its placements before the move (or during it) and is answered after
    // it: its request names the indices of then, and the placements are looked at again after.
    const late = (writes: IndexTarget[]) => {
      let asked = 0;
      return createContactIndexer({
        contacts: ctx.deps.models.contacts,
        definitions: ctx.deps.definitions,
        es: ctx.deps.es,
        placements: { current: async () => (asked++ === 0 ? { read: () => shared, writes: () => writes, ownIndices: () => [], outdated: () => false } : ctx.deps.placements.current()) },
        logger: ctx.deps.logger,
        metrics: createMetrics(),
      });
    };
    const [first, second] = [...live];
    const read = async (id: number) => (await ctx.deps.models.contacts.findById(String(id)).lean())!;

    // Taken before the move began: written to the shared index alone, so failed (its job is retried
    // where the account is now), and its document leaves the shared index again.
    const beforeMove = await late([shared]).write([await read(first)]);
    expect([...beforeMove.failed.keys()]).toEqual([first]);
    expect(beforeMove.failed.get(first)).toMatch(/moved to another index/);
    // Taken while it was written to both: done, and only its own index keeps it.
    const duringMove = await late([shared, ownIndex]).write([await read(second)]);
    expect(duringMove.failed.size).toBe(0);
    expect(await documentsIn(ctx.deps.index, acc.id, true)).toBe(0);
    expect(await documentsIn(own, acc.id, false)).toBe(live.size);
  });

  it('a process that has not read the placements for a move\'s wait writes nothing by them, and one that cannot read them again after a write retries it', async () => {
    const acc = await ctx.createAccount();
    const [id] = [...(await seed(acc, 1))];
    await ctx.settle(acc.id);
    const shared: IndexTarget = { index: ctx.deps.index, byAccount: true };
    const indexed = async () =>
      (await ctx.deps.es.get({ index: ctx.deps.index, id: String(id), routing: accountRouting(acc.id), _source: false }))._version;
    const before = await indexed();
    // A newer version than the index holds, as a write the sync has yet to index.
    const contact = (await ctx.deps.models.contacts.findById(String(id)).lean())!;
    const newer = { ...contact, version: contact.version + 1, name: 'Written by outdated placements' };
    // `outdated`, in turn: the placements a process read and then could not read again.
    const indexer = (...outdated: boolean[]) =>
      createContactIndexer({
        contacts: ctx.deps.models.contacts,
        definitions: ctx.deps.definitions,
        es: ctx.deps.es,
        placements: { current: async () => ({ ...fixedView(shared), outdated: () => outdated.shift() ?? true }) },
        logger: ctx.deps.logger,
        metrics: createMetrics(),
      });

    // Read a move's wait ago or more: the account may be anywhere by now, so nothing is written.
    const stale = await indexer(true).write([newer]);
    expect(stale.failed.get(id)).toMatch(/placements could not be read/);
    expect(await indexed()).toBe(before);

    // Fresh when the request went, out of date when it was answered: written, but failed, so that
    // its job is retried once the placements tell where the account is.
    const late = await indexer(false, true).write([newer]);
    expect(late.failed.get(id)).toMatch(/placements could not be read/);
    expect(await indexed()).toBe(newer.version);
  });

  it('an own index an older mapping built takes the new fields when the service starts, as the shared one does', async () => {
    const acc = await ctx.createAccount();
    const old = `${ctx.deps.index}_account_${acc.id}_v4-1`;
    await ctx.deps.es.indices.create({ index: old, mappings: v4.mappings as never });
    try {
      await ctx.deps.placements.set(acc.id, { read: old, writes: [old] });
      expect(Object.keys((await ctx.deps.es.indices.getMapping({ index: old }))[old].mappings.properties ?? {})).not.toContain('email_sort');
      await ctx.deps.ensureIndex();
      expect(Object.keys((await ctx.deps.es.indices.getMapping({ index: old }))[old].mappings.properties ?? {})).toContain('email_sort');
      // And the account's contacts are written to it with the new field.
      const contact = await createContact(ctx, acc, { email: 'newfield@example.com' });
      await ctx.settle(acc.id);
      const doc = await ctx.deps.es.get<{ email_sort?: unknown }>({ index: old, id: String(contact.id), routing: String(contact.id) });
      expect(doc._source?.email_sort).toBeDefined();
    } finally {
      await ctx.deps.placements.clear(acc.id);
      await ctx.deps.es.indices.delete({ index: old });
    }
  });
});
