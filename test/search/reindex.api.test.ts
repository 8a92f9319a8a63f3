import { connectMongo } from '../../src/shared/mongo';
import { reindexContacts } from '../../src/search/reindex';
import { startTestContext, testConfig, waitFor, type TestAccount, type TestContext } from '../support/context';
import { accountRouting, createContactsIndex, MAPPING_VERSION } from '../../src/search/contacts-index';
import { createContact } from '../support/factories';
import { exemptBecause } from '../../src/shared/id-only-guard';

// A database and alias of its own: a reindex copies every contact of the database.
const ALIAS = 'contacts_test_reindex';
const uri = new URL(testConfig().MONGODB_URI);
uri.pathname = '/contacts_test_reindex';
const config = testConfig({ MONGODB_URI: uri.toString(), CONTACTS_INDEX: ALIAS, INDEX_PLACEMENT_REFRESH_MS: '100', INDEX_MOVE_WAIT_MS: '400' });

let ctx: TestContext;
let account: TestAccount;

async function dropAll() {
  const conn = await connectMongo(config.MONGODB_URI);
  await conn.db!.dropDatabase();
  await conn.close();
}

beforeAll(async () => {
  await dropAll();
  ctx = await startTestContext({ config });
  const stale = await ctx.deps.es.indices.get({ index: `${ALIAS}_*` });
  if (Object.keys(stale).length) await ctx.deps.es.indices.delete({ index: Object.keys(stale) });
  await ctx.deps.ensureIndex();
  account = await ctx.createAccount();
});
afterAll(async () => {
  const indices = Object.keys(await ctx.deps.es.indices.get({ index: `${ALIAS}_*` }));
  if (indices.length) await ctx.deps.es.indices.delete({ index: indices });
  await ctx.close();
  await dropAll();
});

const reindex = (options: Parameters<typeof reindexContacts>[1]) =>
  reindexContacts(
    {
      contacts: ctx.deps.models.contacts,
      definitions: ctx.deps.definitions,
      es: ctx.deps.es,
      alias: ALIAS,
      shards: 1,
      replicas: 0,
      logger: ctx.deps.logger,
      placements: ctx.deps.placements,
      indexContacts: ctx.deps.indexer.indexContacts,
    },
    options,
  );

const aliasTargets = async () => Object.keys(await ctx.deps.es.indices.getAlias({ name: ALIAS }));
const names = async () => {
  const res = await ctx.http.get(account.path('/contacts')).query({ sort: 'name', per_page: 100 }).set('api_access_token', account.agentToken).expect(200);
  return res.body.payload.map((c: { name: string }) => c.name);
};

/**
 * A reindex that creates a contact at the first `phase` before the swap and waits until the
 * worker has indexed it (its pending mark gone) through the alias, into the old index; with the
 * names a search showed right after the swap.
 */
async function reindexWritingAt(phase: 'copy' | 'orphans', name: string) {
  let created: { id: number } | undefined;
  let atSwap: string[] | undefined;
  await reindex({
    batchSize: 2,
    async onProgress(at) {
      if (at === phase && !created && !atSwap) {
        created = await createContact(ctx, account, { name });
        await waitFor(async () => !(await ctx.deps.models.pendingSync.exists({ account_id: account.id })), 'the write to be indexed');
      }
      if (at === 'swap') atSwap = await names();
    },
  });
  if (!created || !atSwap) throw new Error(`the reindex reached no ${phase} phase before its swap`);
  return { created, atSwap };
}

describe('reindex', () => {
  it('when contacts are written, deleted and created during the copy, then the new index behind the alias holds exactly MongoDB', async () => {
    // First in the collection, so it is in the first batch the copy reads.
    const doomed = await createContact(ctx, account, { name: 'Deleted during the copy' });
    const renamed = await createContact(ctx, account, { name: 'Renamed during the copy', custom_attributes: { plan: 'pro' } });
    for (let i = 0; i < 5; i++) await createContact(ctx, account, { name: `Steady ${i}` });
    const purged = await createContact(ctx, account, { name: 'Deleted before' });
    await ctx.http.delete(account.path(`/contacts/${purged.id}`)).set('api_access_token', account.adminToken).expect(200);
    await ctx.settle(account.id);
    const before = await aliasTargets();

    let wrote = false;
    let atSwap: string[] = [];
    const report = await reindex({
      batchSize: 2,
      async onProgress(phase) {
        if (phase === 'swap') atSwap = await names();
        if (phase !== 'copy' || wrote) return;
        wrote = true;
        // The API and the worker keep working against the alias (the old index) meanwhile.
        await ctx.http.patch(account.path(`/contacts/${renamed.id}`)).set('api_access_token', account.adminToken).send({ name: 'Renamed while copying' }).expect(200);
        await ctx.http.delete(account.path(`/contacts/${doomed.id}`)).set('api_access_token', account.adminToken).expect(200);
        await createContact(ctx, account, { name: 'Created while copying' });
        await ctx.settle(account.id);
        // The worker has purged the deleted contact: only the orphan pass can catch its copy.
        expect(await ctx.deps.models.contacts.findById(String(doomed.id)).lean()).toBeNull();
      },
    });

    expect(report.failed).toEqual([]);
    // From the swap on, searches see neither the contact deleted during the copy nor miss the
    // ones written meanwhile.
    expect(atSwap).toEqual(['Created while copying', 'Renamed while copying', 'Steady 0', 'Steady 1', 'Steady 2', 'Steady 3', 'Steady 4']);
    expect(report.from).toEqual(before);
    expect(await aliasTargets()).toEqual([report.to]);
    expect(report.orphans).toBe(1);
    expect(report.caughtUp).toBeGreaterThanOrEqual(3);
    // The old index stays for a rollback.
    expect(await ctx.deps.es.indices.exists({ index: before[0] })).toBe(true);

    await ctx.settle(account.id);
    expect(await names()).toEqual(['Created while copying', 'Renamed while copying', 'Steady 0', 'Steady 1', 'Steady 2', 'Steady 3', 'Steady 4']);
    // Same versions as MongoDB, custom attributes searchable.
    const plan = await ctx.http
      .post(account.path('/contacts/filter'))
      .set('api_access_token', account.agentToken)
      .send({ payload: [{ attribute_key: 'plan', filter_operator: 'equal_to', values: ['pro'] }] })
      .expect(200);
    expect(plan.body.payload.map((c: { id: number }) => c.id)).toEqual([renamed.id]);
    const indexed = await ctx.deps.es.get({ index: report.to, id: String(renamed.id), routing: accountRouting(account.id) });
    expect(indexed._version).toBe((await ctx.deps.models.contacts.findById(String(renamed.id)).lean())!.version);
  });

  it('when a write is indexed into the old index but not yet refreshed as the copy ends, then the new index holds it, and searches see it from the swap on', async () => {
    const [old] = await aliasTargets();
    // Refreshes of the old index off: what the worker indexes into it stays unsearchable, as it
    // is for up to a second at any moment (refresh_interval), e.g. a write just before the swap.
    await ctx.deps.es.indices.putSettings({ index: old, settings: { index: { refresh_interval: '-1' } } });
    let run: Awaited<ReturnType<typeof reindexWritingAt>>;
    try {
      run = await reindexWritingAt('copy', 'Indexed, not refreshed');
    } finally {
      await ctx.deps.es.indices.putSettings({ index: old, settings: { index: { refresh_interval: '1s' } } });
    }
    const { created, atSwap } = run;
    await ctx.settle(account.id);
    expect(await names()).toContain('Indexed, not refreshed');
    // And searches already saw it at the swap: what was written during the copy is caught up
    // before the alias moves, so counts do not dip meanwhile.
    expect(atSwap).toContain('Indexed, not refreshed');
    await ctx.http.delete(account.path(`/contacts/${created.id}`)).set('api_access_token', account.adminToken).expect(200);
    await ctx.settle(account.id);
  });

  // From a black-box read: contacts written while the first catch-up and the orphan pass ran
  // reached the new index only after the swap, and a list missed 14 of them for 2 s.
  it('when a contact is written after the catch-up of the copy began, before the swap, then searches see it from the swap on', async () => {
    const { created, atSwap } = await reindexWritingAt('orphans', 'Written at the orphan pass');
    try {
      expect(atSwap).toContain('Written at the orphan pass');
    } finally {
      // The next tests count the account's contacts.
      await ctx.http.delete(account.path(`/contacts/${created.id}`)).set('api_access_token', account.adminToken).expect(200);
      await ctx.settle(account.id);
    }
  });

  it('when a reindex has built the index, then its documents follow the order of the copy (one run, at this size) and the default merge policy is back for its life', async () => {
    const report = await reindex({ batchSize: 2 });
    const copied = await ctx.deps.models.contacts.find({ deleted: false }, { _id: 1 }).comment(exemptBecause('the order a reindex copies in')).lean();
    const indexed = await ctx.deps.es.search({ index: report.to, sort: ['_doc'], size: 1000, _source: false });
    expect(indexed.hits.hits.map((hit) => Number(hit._id))).toEqual(copied.map((c) => Number(c._id)));
    const settings = await ctx.deps.es.indices.getSettings({ index: report.to, flat_settings: true });
    expect(settings[report.to].settings?.['index.merge.policy.type' as never]).toBeUndefined();
  });

  it('when asked to, then the index it replaced is deleted', async () => {
    const before = await aliasTargets();
    const report = await reindex({ deleteOld: true });
    expect(report).toMatchObject({ from: before, deletedOld: true, failed: [] });
    expect(await ctx.deps.es.indices.exists({ index: before[0] })).toBe(false);
    expect(await aliasTargets()).toEqual([report.to]);
    expect(await names()).toHaveLength(7);
  });

  it('when a walk by cursor spans a reindex, then it goes on after one of the same mapping, and after one of another mapping it is a 422 saying to start again', async () => {
    const page = (after?: string) =>
      ctx.http.get(account.path('/contacts')).query({ sort: 'name', per_page: 2, ...(after ? { after } : {}) }).set('api_access_token', account.agentToken);
    const all = await names();
    const first = await page().expect(200);
    await reindex({ deleteOld: true });
    const next = await page(first.body.meta.next_cursor).expect(200);
    expect(next.body.payload.map((c: { name: string }) => c.name)).toEqual(all.slice(2, 4));

    // The same documents behind the alias in an index a newer mapping would have built: the
    // order the cursor continues may have changed under it (another fold of the texts).
    const [current] = await aliasTargets();
    const newer = `${ALIAS}_v${MAPPING_VERSION + 1}-20270101000000000`;
    await createContactsIndex(ctx.deps.es, newer, { shards: 1, replicas: 0 });
    // Copied by hand: this Elasticsearch has no reindex module (the service's reindex reads MongoDB).
    const { hits } = await ctx.deps.es.search({ index: current, size: 1000, version: true });
    await ctx.deps.es.bulk({
      refresh: true,
      operations: hits.hits.flatMap((hit) => [{ index: { _index: newer, _id: hit._id, routing: hit._routing, version: hit._version, version_type: 'external' as const } }, hit._source]),
    });
    await ctx.deps.es.indices.updateAliases({ actions: [{ remove: { index: current, alias: ALIAS } }, { add: { index: newer, alias: ALIAS, is_write_index: true } }] });
    const refused = await page(next.body.meta.next_cursor);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ field: 'after' });
    expect(refused.body.error).toContain(`rebuilt with another mapping (v${MAPPING_VERSION}, now v${MAPPING_VERSION + 1})`);
    expect(refused.body.error).toContain('start the walk again without after');
    // Started again, the walk goes on in the new index.
    const again = await page().expect(200);
    expect((await page(again.body.meta.next_cursor).expect(200)).body.payload.map((c: { name: string }) => c.name)).toEqual(all.slice(2, 4));
    await ctx.deps.es.indices.updateAliases({ actions: [{ remove: { index: newer, alias: ALIAS } }, { add: { index: current, alias: ALIAS, is_write_index: true } }] });
    await ctx.deps.es.indices.delete({ index: newer });
  });

  it('when an account has an index of its own, then a reindex of the shared alias does not copy it, and it keeps answering from its own', async () => {
    const big = await ctx.createAccount();
    for (let i = 0; i < 3; i++) await createContact(ctx, big, { name: `Big ${i}` });
    await ctx.settle(big.id);
    const moved = await ctx.deps.moveAccount(big.id, { toOwn: true });
    const report = await reindex({ deleteOld: true });
    expect(report.failed).toEqual([]);
    const inShared = await ctx.deps.es.count({ index: report.to, query: { term: { account_id: String(big.id) } } });
    expect(inShared.count).toBe(0);
    // The report counts what the copy wrote (it counted the account's contacts as copied too).
    expect(report.inOwnIndex).toBe(3);
    await ctx.deps.es.indices.refresh({ index: report.to });
    expect(report.copied).toBe((await ctx.deps.es.count({ index: report.to })).count);
    expect(await names()).toHaveLength(7);
    const own = await ctx.http.get(big.path('/contacts')).query({ sort: 'name' }).set('api_access_token', big.agentToken).expect(200);
    expect(own.body.payload.map((c: { name: string }) => c.name)).toEqual(['Big 0', 'Big 1', 'Big 2']);
    // Back into the new shared index, as any account.
    await ctx.deps.moveAccount(big.id, { toOwn: false });
    expect(await ctx.deps.es.indices.exists({ index: moved.to })).toBe(false);
    const back = await ctx.http.get(big.path('/contacts')).query({ sort: 'name' }).set('api_access_token', big.agentToken).expect(200);
    expect(back.body.meta.count).toBe(3);
  });
});
