import { MAPPING_VERSION, versionedIndexName } from '../../src/search/contacts-index';
import { createElasticsearchClient } from '../../src/shared/elasticsearch';
import { enqueueWithin } from '../../src/shared/queues';
import { expectMatchesDocument } from '../openapi/document-support';
import { dropTestIndex, startTestContext, testConfig, waitFor, type TestAccount, type TestContext } from '../support/context';
import { startContextBehindMongoProxy, startTcpProxy } from '../support/tcp-proxy';

// Each process reaches the shared local service through a proxy of its own, which the test
// cuts and restores: the service itself keeps running for everyone else.
const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

describe('when the MongoDB server cannot be reached', () => {
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let ctx: TestContext;
  let stop: () => Promise<void>;
  let account: TestAccount;

  beforeAll(async () => {
    ({ proxy, ctx, stop } = await startContextBehindMongoProxy());
    account = await ctx.createAccount();
  });
  afterAll(() => stop());

  it('then requests answer 503 with Retry-After, never 500, and succeed again once it is back', async () => {
    const auth = { api_access_token: account.adminToken };
    const created = await ctx.http.post(account.path('/contacts')).set(auth).send({ name: 'Before the cut' });
    expect(created.status).toBe(200);
    const id = created.body.payload.contact.id;

    await proxy.cut();
    const during = [
      await ctx.http.post(account.path('/contacts')).set(auth).send({ name: 'During the cut' }),
      await ctx.http.get(account.path(`/contacts/${id}`)).set(auth),
      await ctx.http.patch(account.path(`/contacts/${id}`)).set(auth).send({ name: 'Renamed during the cut' }),
    ];
    const operations = [
      ['post', '/api/v1/accounts/{account_id}/contacts'],
      ['get', '/api/v1/accounts/{account_id}/contacts/{id}'],
      ['patch', '/api/v1/accounts/{account_id}/contacts/{id}'],
    ] as const;
    for (const [i, res] of during.entries()) {
      // As the API document declares it: its 503, with Retry-After.
      expectMatchesDocument(operations[i][0], operations[i][1], res);
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('2');
      expect(res.body).toEqual({ error: expect.stringMatching(/database is unavailable/), message: res.body.error, request_id: expect.any(String) });
    }

    await proxy.restore();
    await waitFor(async () => (await ctx.http.get(account.path(`/contacts/${id}`)).set(auth)).status === 200, 'MongoDB to answer again');
  });
});

describe('when Redis cannot be reached', () => {
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let ctx: TestContext;
  let account: TestAccount;

  beforeAll(async () => {
    proxy = await startTcpProxy(Number(redisUrl.port || 6379));
    ctx = await startTestContext({ config: testConfig({ REDIS_URL: `redis://127.0.0.1:${proxy.port}`, SWEEP_EVERY_MS: '1000', SWEEP_GRACE_MS: '500' }) });
    account = await ctx.createAccount();
    await waitFor(async () => ctx.deps.syncQueue.client.status === 'ready', 'the queue connection');
  });
  afterAll(async () => {
    await proxy.restore().catch(() => undefined);
    await ctx.close().catch(() => undefined);
    await proxy.close();
  });

  it('then queueing gives up at once, writes still succeed, and the sweep indexes them once Redis is back', async () => {
    const auth = { api_access_token: account.adminToken };
    await proxy.cut();
    await waitFor(async () => ctx.deps.syncQueue.client.status !== 'ready', 'the queue connection to be lost');

    // Not after ioredis's reconnection attempts or a timeout: at once, naming the cause.
    await expect(enqueueWithin(ctx.deps.syncQueue, () => ctx.deps.syncQueue.add({ ids: [1] }), 60000, 'queueing')).rejects.toThrow(/Redis connection is lost/);

    const created = await ctx.http.post(account.path('/contacts')).set(auth).send({ name: 'Written without Redis', email: 'no-redis@example.com' });
    expect(created.status).toBe(200);
    const id = created.body.payload.contact.id;
    expect(await ctx.deps.models.pendingSync.exists({ _id: String(id) })).toBeTruthy();

    await proxy.restore();
    await ctx.settle(account.id);
    const listed = await ctx.http.get(account.path('/contacts')).set(auth);
    expect(listed.body.payload.map((c: { id: number }) => c.id)).toEqual([id]);
  });
});

describe('when Redis is away as a process with the sync worker starts', () => {
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let setup: TestContext;
  let ctx: TestContext | undefined;
  let account: TestAccount;

  beforeAll(async () => {
    setup = await startTestContext({ worker: false });
    account = await setup.createAccount();
    proxy = await startTcpProxy(Number(redisUrl.port || 6379));
    await proxy.cut();
  });
  afterAll(async () => {
    await proxy.restore().catch(() => undefined);
    await ctx?.close().catch(() => undefined);
    await setup.close();
    await proxy.close();
  });

  it('then it starts, writes succeed, and the sweep indexes them once Redis is there', async () => {
    // A restart during a Redis outage (a deploy, a crashed process started again by the
    // supervisor) must not take the API down with it: the sweep is scheduled once Redis is there.
    ctx = await startTestContext({ config: testConfig({ REDIS_URL: `redis://127.0.0.1:${proxy.port}`, SWEEP_EVERY_MS: '1000', SWEEP_GRACE_MS: '500' }) });
    const auth = { api_access_token: account.adminToken };
    // Once a first attempt to connect has failed, a write no longer waits for the queue: at
    // once, as when a connection that was there is lost (it waited 2 s each before).
    const queue = ctx.deps.syncQueue;
    await waitFor(async () => queue.client.status === 'reconnecting', 'a failed first connection');
    await expect(enqueueWithin(queue, () => queue.add({ ids: [1] }), 60000, 'queueing')).rejects.toThrow(/Redis cannot be reached/);
    const created = await ctx.http.post(account.path('/contacts')).set(auth).send({ name: 'Written before Redis came', email: 'redis-later@example.com' });
    expect(created.status).toBe(200);
    const id = created.body.payload.contact.id;

    await proxy.restore();
    await ctx.settle(account.id);
    const listed = await ctx.http.get(account.path('/contacts')).set(auth);
    expect(listed.body.payload.map((c: { id: number }) => c.id)).toEqual([id]);
  }, 60000);
});

describe('when Elasticsearch is away as a process with the sync worker starts', () => {
  // An index of its own, missing at the start: the process makes it once Elasticsearch is there.
  const esUrl = new URL(testConfig().ELASTICSEARCH_URL);
  const index = `${testConfig().CONTACTS_INDEX}_es_start`;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let ctx: TestContext | undefined;

  beforeAll(async () => {
    await dropTestIndex(testConfig({ CONTACTS_INDEX: index }));
    proxy = await startTcpProxy(Number(esUrl.port || 9200));
    await proxy.cut();
  });
  afterAll(async () => {
    await proxy.restore().catch(() => undefined);
    await ctx?.close().catch(() => undefined);
    await proxy.close();
    await dropTestIndex(testConfig({ CONTACTS_INDEX: index }));
  });

  it('then it starts, writes succeed, searches answer 503, and the index is made and the write searchable once Elasticsearch is there', async () => {
    // A restart during an Elasticsearch outage used to exit at once (connect ECONNREFUSED).
    const config = testConfig({ ELASTICSEARCH_URL: `http://127.0.0.1:${proxy.port}`, CONTACTS_INDEX: index, SWEEP_EVERY_MS: '1000', SWEEP_GRACE_MS: '500' });
    ctx = await startTestContext({ config });
    const account = await ctx.createAccount();
    const auth = { api_access_token: account.adminToken };

    const created = await ctx.http.post(account.path('/contacts')).set(auth).send({ name: 'Written before Elasticsearch came', email: 'es-later@example.com' });
    expect(created.status).toBe(200);
    const id = created.body.payload.contact.id;
    expect(await ctx.deps.models.pendingSync.exists({ _id: String(id) })).toBeTruthy();
    const listed = await ctx.http.get(account.path('/contacts')).set(auth);
    expect(listed.status).toBe(503);
    expect(listed.headers['retry-after']).toBe('5');
    // Until the index is made sure of, nothing is written to it: the contact fails, to be retried.
    const { failed } = await ctx.deps.indexer.indexContacts([id]);
    expect(failed.get(id)).toMatch(/not been made sure of/);
    expect(await ctx.deps.models.pendingSync.exists({ _id: String(id) })).toBeTruthy();

    await proxy.restore();
    await waitFor(async () => !(await ctx!.deps.models.pendingSync.exists({ account_id: account.id })), 'the write to be indexed', 60000);
    await ctx.deps.search.refresh();
    const found = await ctx.http.get(account.path('/contacts')).set(auth);
    expect(found.status).toBe(200);
    expect(found.body.payload.map((c: { id: number }) => c.id)).toEqual([id]);
    // Made by the process, with its mapping, behind the alias: not an index a write created.
    const es = createElasticsearchClient(esUrl.toString());
    try {
      expect(Object.keys(await es.indices.getAlias({ name: index }))).toEqual([versionedIndexName(index, MAPPING_VERSION)]);
    } finally {
      await es.close();
    }
  }, 90000);
});
