import net from 'node:net';
import { startTestContext, testConfig, waitFor, type TestAccount, type TestContext } from '../support/context';
import { accountRouting } from '../../src/search/contacts-index';
import { createContact } from '../support/factories';

let ctx: TestContext;
let account: TestAccount;

beforeAll(async () => {
  ctx = await startTestContext();
  account = await ctx.createAccount();
});
afterAll(() => ctx.close());

const indexed = async (id: number) => {
  const res = await ctx.deps.es.get({ index: ctx.deps.index, id: String(id), routing: accountRouting(account.id) }, { ignore: [404] });
  return res.found ? (res._source as { payload: { name: string } }).payload : null;
};

describe('the sync pipeline', () => {
  it('when a stale read of a contact is indexed after a newer version, then the newer version stays', async () => {
    const contact = await createContact(ctx, account, { name: 'Version one' });
    const stale = await ctx.deps.indexer.read([contact.id]);
    await ctx.http.patch(account.path(`/contacts/${contact.id}`)).set('api_access_token', account.adminToken).send({ name: 'Version two' }).expect(200);
    await ctx.settle(account.id);

    const outcome = await ctx.deps.indexer.write(stale);
    expect(outcome.failed.size).toBe(0);
    expect((await indexed(contact.id))?.name).toBe('Version two');
  });

  it('when a late job carries a contact that was deleted since, then it stays deleted', async () => {
    const contact = await createContact(ctx, account, { name: 'Doomed' });
    await ctx.settle(account.id);
    const stale = await ctx.deps.indexer.read([contact.id]);
    await ctx.http.delete(account.path(`/contacts/${contact.id}`)).set('api_access_token', account.adminToken).expect(200);
    await ctx.settle(account.id);
    expect(await indexed(contact.id)).toBeNull();

    await ctx.deps.indexer.write(stale);
    await ctx.deps.indexer.indexContacts([contact.id]);
    await ctx.deps.es.indices.refresh({ index: ctx.deps.index });
    expect(await indexed(contact.id)).toBeNull();
    const list = await ctx.http.get(account.path('/contacts')).query({ per_page: 100 }).set('api_access_token', account.adminToken);
    expect(list.body.payload.map((c: { id: number }) => c.id)).not.toContain(contact.id);
  });

  it('when the same job runs twice, then the contact is indexed once, at its version', async () => {
    const contact = await createContact(ctx, account, { name: 'Twice' });
    await ctx.settle(account.id);
    await ctx.deps.indexer.indexContacts([contact.id, contact.id]);
    const res = await ctx.deps.es.get({ index: ctx.deps.index, id: String(contact.id), routing: accountRouting(account.id) });
    expect(res._version).toBe(1);
  });

  it('when a contact is indexed again at a version the index already holds, then the freshness figures count its write once', async () => {
    const lag = async () => (await ctx.deps.metrics.syncLag.get()).values.find((v) => v.metricName === 'contacts_sync_lag_seconds_count')?.value ?? 0;
    const synced = async () => (await ctx.deps.metrics.syncedContacts.get()).values.reduce((sum, v) => sum + v.value, 0);
    const contact = await createContact(ctx, account, { name: 'Measured once' });
    await ctx.settle(account.id);
    const [lagBefore, syncedBefore] = [await lag(), await synced()];
    // A late or repeated job (a write in two group-committed jobs, a sweep racing its job): the
    // index refuses the version it holds, and the write was measured when it was indexed.
    await ctx.deps.indexer.indexContacts([contact.id]);
    await ctx.deps.indexer.indexContacts([contact.id]);
    expect(await lag()).toBe(lagBefore);
    expect(await synced()).toBe(syncedBefore);
    // A new write is measured.
    await ctx.http.patch(account.path(`/contacts/${contact.id}`)).set('api_access_token', account.adminToken).send({ name: 'Measured again' }).expect(200);
    await ctx.settle(account.id);
    expect(await lag()).toBe(lagBefore + 1);
    expect(await synced()).toBe(syncedBefore + 1);
  });

  it('when the sync worker runs in another process, then an API process shows its freshness figures at GET /metrics', async () => {
    // Another process of the deployment (same queue prefix), without a worker: the figures are
    // measured by the worker, and shown by whichever process is asked.
    const api = await startTestContext({ worker: false, config: ctx.deps.config });
    try {
      const figure = async (name: string) => {
        const res = await api.http.get('/metrics').expect(200);
        return [...res.text.matchAll(new RegExp(`^${name.replace(/[{}+]/g, '\\$&')}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))].reduce((sum, m) => sum + Number(m[1]), 0);
      };
      // Read once nothing else is being recorded: work an earlier test left to the worker (a sweep's
      // re-sync) recorded between this read and the create made the count one more in a full run.
      const figures = async () => [await figure('contacts_sync_lag_seconds_count'), await figure('contacts_synced_total')];
      let [count, synced] = await figures();
      for (let settled = false; !settled; ) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        const again = await figures();
        settled = again[0] === count && again[1] === synced;
        [count, synced] = again;
      }
      await createContact(api, account, { name: 'Indexed by another process' });
      await ctx.settle(account.id);
      // Recorded once the index has answered, just after the pending mark goes.
      await waitFor(async () => (await figure('contacts_sync_lag_seconds_count')) > count, 'the figures to be recorded', 5000);
      expect(await figure('contacts_sync_lag_seconds_count')).toBe(count + 1);
      expect(await figure('contacts_synced_total')).toBe(synced + 1);
      expect(await figure('contacts_sync_lag_seconds_bucket{le="+Inf"}')).toBeGreaterThanOrEqual(count + 1);
    } finally {
      await api.close();
    }
  });

  it('when a contact is written, then the time until a search finds it is measured and shown at GET /metrics', async () => {
    const figure = async (name: string) => {
      const res = await ctx.http.get('/metrics').expect(200);
      return Number(new RegExp(`^${name.replace(/[{}+]/g, '\\$&')} (\\S+)$`, 'm').exec(res.text)?.[1] ?? NaN);
    };
    // Count and sum from one answer, and only once the probe has recorded the earlier tests' writes:
    // a sample of theirs landing between two separate reads made the count rise with no sum of ours.
    const figures = async () => {
      const res = await ctx.http.get('/metrics').expect(200);
      const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(res.text)?.[1] ?? NaN);
      return { count: read('contacts_searchable_lag_seconds_count'), sum: read('contacts_searchable_lag_seconds_sum') };
    };
    // The probe follows at most one write a second: a second's wait with nothing recorded also lets
    // the next write be followed.
    let before = await figures();
    for (let settled = false; !settled; ) {
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const again = await figures();
      settled = again.count === before.count;
      before = again;
    }
    const started = Date.now();
    await createContact(ctx, account, { name: 'Found by a search' });
    await waitFor(async () => (await figures()).count > before.count, 'the searchable lag to be recorded', 10000);
    const after = await figures();
    expect(after.count).toBe(before.count + 1);
    const measured = after.sum - before.sum;
    // After the write's acknowledgement and within the test's own wait for it.
    expect(measured).toBeGreaterThan(0);
    expect(measured).toBeLessThanOrEqual((Date.now() - started) / 1000 + 0.05);
    const res = await ctx.http.get('/metrics').expect(200);
    expect(res.text).toMatch(/# HELP contacts_searchable_lag_seconds Time from a contact write in MongoDB to a search finding that version/);
    expect(await figure('contacts_searchable_lag_seconds_bucket{le="+Inf"}')).toBe(await figure('contacts_searchable_lag_seconds_count'));
  });

  // From an operator's read (2026-12-05): a stalled worker left every figure still, as a quiet system does.
  it('when no worker takes the sync jobs, then GET /metrics shows them waiting in their queue', async () => {
    const idle = await startTestContext({ worker: false });
    try {
      const own = await idle.createAccount();
      const waiting = async () => {
        const text = (await idle.http.get('/metrics').expect(200)).text;
        return Number(/^contacts_queue_jobs\{queue="contact-sync",state="waiting"\} (\d+)$/m.exec(text)?.[1] ?? NaN);
      };
      const before = await waiting();
      expect(before).toBeGreaterThanOrEqual(0);
      await createContact(idle, own, { name: 'Nobody indexes me' });
      expect(await waiting()).toBeGreaterThan(before);
      expect((await idle.http.get('/metrics')).text).toMatch(/^# TYPE contacts_queue_jobs gauge$/m);
    } finally {
      await idle.close();
    }
  });

  it('when a malformed job is queued, then it is discarded and the queue goes on', async () => {
    const bad = await ctx.deps.syncQueue.add({ ids: ['nope'] } as never);
    await waitFor(async () => (await bad.getState()) === 'completed' || !(await ctx.deps.syncQueue.getJob(bad.id!)), 'the malformed job to finish');
    const contact = await createContact(ctx, account, { name: 'After the bad job' });
    await ctx.settle(account.id);
    expect((await indexed(contact.id))?.name).toBe('After the bad job');
  });
});

/** A TCP relay to the real Elasticsearch that can be cut and restored, as a stopped node would be. */
function elasticsearchRelay(target = new URL(process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200')) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  const start = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((client) => {
        const upstream = net.connect(Number(target.port || 9200), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as net.AddressInfo).port;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      sockets.forEach((s) => s.destroy());
      server!.close(() => resolve());
    });
  return { start, stop, url: () => `http://127.0.0.1:${port}` };
}

describe('when Elasticsearch is unreachable', () => {
  it('then contact writes still succeed, and the index converges once it is back', async () => {
    const relay = elasticsearchRelay();
    await relay.start();
    const cut = await startTestContext({ config: testConfig({ ELASTICSEARCH_URL: relay.url(), SWEEP_EVERY_MS: '1000', SWEEP_GRACE_MS: '200' }) });
    try {
      const acc = await cut.createAccount();
      await relay.stop();

      const ids: number[] = [];
      for (let i = 0; i < 15; i++) ids.push((await createContact(cut, acc, { name: `Written while away ${i}` })).id);
      const updated = await cut.http.patch(acc.path(`/contacts/${ids[0]}`)).set('api_access_token', acc.adminToken).send({ name: 'Renamed while away' });
      expect(updated.status).toBe(200);
      const deleted = await cut.http.delete(acc.path(`/contacts/${ids[1]}`)).set('api_access_token', acc.adminToken);
      expect(deleted.status).toBe(200);

      const list = await cut.http.get(acc.path('/contacts')).set('api_access_token', acc.adminToken);
      expect(list.status).toBe(503);
      expect(list.body.error).toMatch(/unavailable/);

      await new Promise((resolve) => setTimeout(resolve, 1500));
      await relay.start();
      await cut.settle(acc.id);

      const res = await cut.http.get(acc.path('/contacts')).query({ sort: 'name', per_page: 50 }).set('api_access_token', acc.adminToken);
      expect(res.status).toBe(200);
      expect(res.body.meta.count).toBe(14);
      const names = res.body.payload.map((c: { name: string }) => c.name);
      expect(names).toContain('Renamed while away');
      expect(res.body.payload.map((c: { id: number }) => c.id)).not.toContain(ids[1]);
    } finally {
      await cut.close();
      await relay.stop().catch(() => undefined);
    }
  });
});
