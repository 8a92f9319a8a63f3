import { testConfig, type TestContext } from '../support/context';
import { startContextBehindElasticsearchProxy, type startTcpProxy } from '../support/tcp-proxy';
import { contactsOf, showImport, uploadCsv } from './import-support';

// This context reaches Elasticsearch through a proxy the test cuts, so the shared node stays up
// for everyone else. No worker at first: the test runs the import itself while the index is gone.
let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
let ctx: TestContext;

beforeAll(async () => {
  ({ proxy, ctx } = await startContextBehindElasticsearchProxy({ worker: false, config: testConfig({ IMPORT_BATCH_SIZE: '2', SWEEP_EVERY_MS: '500' }) }));
});
afterAll(async () => {
  await ctx?.close();
  await proxy?.close();
});

describe('an import while Elasticsearch is unavailable', () => {
  it('when the index cannot be reached, then the import completes and every contact it wrote waits in pending_sync; once it is back, all are listed', async () => {
    const account = await ctx.createAccount();
    const existing = await ctx.http.post(account.path('/contacts')).set('api_access_token', account.adminToken).send({ name: 'Ana Old', email: 'ana@x.com' });
    expect(existing.status).toBe(200);
    const res = await uploadCsv(ctx, account, 'name,email\nAna,ana@x.com\nLuis,luis@x.com\nEva,eva@x.com\nbad,bad-email\nNo Key,\n');
    expect(res.status).toBe(200);

    await proxy.cut();
    // Before, the attempt failed at the first batch it could not index; once its retries were
    // spent the import failed, and its last batches' new contacts stayed out of the index unmarked.
    await ctx.deps.importProcessor.run(res.body.payload.id);
    expect(await showImport(ctx, account, res.body.payload.id)).toMatchObject({ status: 'completed', created: 3, updated: 1, rejected: 1 });
    const contacts = await contactsOf(ctx, account.id);
    expect(contacts).toHaveLength(4);
    const marks = await ctx.deps.models.pendingSync.find({ _id: { $in: contacts.map((c) => c._id) } }).lean();
    expect(new Map(marks.map((m) => [m._id, m.version]))).toEqual(new Map(contacts.map((c) => [c._id, c.version])));

    await proxy.restore();
    await ctx.deps.startWorker();
    await ctx.settle(account.id);
    const listed = await ctx.http.get(account.path('/contacts?per_page=25')).set('api_access_token', account.adminToken);
    expect(listed.status).toBe(200);
    expect(listed.body.payload.map((c: { name: string }) => c.name).sort()).toEqual(['Ana', 'Eva', 'Luis', 'No Key']);
  });
});
