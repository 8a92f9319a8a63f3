import { createContactImportProcessor } from '../../src/import/contact-import.processor';
import { startTestContext, testConfig, waitFor, type TestAccount, type TestContext } from '../support/context';
import { contactsOf, importProcessorDeps, showImport, uploadCsv } from './import-support';

// No worker here: the tests run processors themselves, as two workers would, on one import.
let ctx: TestContext;

beforeAll(async () => {
  ctx = await startTestContext({ worker: false, config: testConfig({ IMPORT_BATCH_SIZE: '5', IMPORT_LEASE_MS: '900' }) });
});
afterAll(() => ctx.close());

// 40 rows, half without any identity key: a row created twice would not be caught by a key.
const CSV = `name,email\n${Array.from({ length: 40 }, (_, i) => (i % 2 ? `Keyless ${i},` : `Person ${i},p${i}@lease.test`)).join('\n')}\n`;

async function upload(account: TestAccount): Promise<number> {
  const res = await uploadCsv(ctx, account, CSV);
  expect(res.status).toBe(200);
  return res.body.payload.id;
}

type Indexer = TestContext['deps']['indexer'];

/** A processor as another worker would have, counting the batches it indexes; `gate` holds its first batch. */
function processor(options: { gate?: Promise<void> } = {}) {
  const batches = { count: 0 };
  const write: Indexer['write'] = async (docs, opts) => {
    batches.count += 1;
    if (batches.count === 1 && options.gate) await options.gate;
    return ctx.deps.indexer.write(docs, opts);
  };
  const instance = createContactImportProcessor({ ...importProcessorDeps(ctx), indexer: { ...ctx.deps.indexer, write } });
  return { instance, batches };
}

async function expectImportedOnce(account: TestAccount, id: number) {
  expect(await showImport(ctx, account, id)).toMatchObject({ status: 'completed', rows_read: 40, created: 40, updated: 0, unchanged: 0, rejected: 0 });
  const names = (await contactsOf(ctx, account.id)).map((c) => c.name);
  expect(names).toHaveLength(40);
  expect(new Set(names).size).toBe(40);
  const doc = await ctx.deps.models.contactImports.findById(id).lean();
  expect(doc).toMatchObject({ lease_owner: null, lease_until: null });
}

describe('one import, several runners', () => {
  it('when two runners start the same import at once, then exactly one runs it, the other waits for it to end, and every row is created once', async () => {
    const account = await ctx.createAccount();
    const id = await upload(account);
    const a = processor();
    const b = processor();
    const [ra, rb] = await Promise.all([a.instance.run(id), b.instance.run(id)]);
    expect(ra?.status).toBe('completed');
    expect(rb?.status).toBe('completed');
    // 40 rows in batches of 5: one runner indexed all 8 batches, the other none.
    expect([a.batches.count, b.batches.count].sort()).toEqual([0, 8]);
    await expectImportedOnce(account, id);
  });

  it('when the runner holding the lease died (the lease is left, not released), then another waits for it to lapse and takes the import over', async () => {
    const account = await ctx.createAccount();
    const id = await upload(account);
    // What a worker killed with -9 leaves: the import processing under its lease, never renewed.
    await ctx.deps.models.contactImports.updateOne({ _id: id }, { $set: { status: 'processing', lease_owner: 'dead-worker', lease_until: new Date(Date.now() + 700) } });
    const started = Date.now();
    const b = processor();
    await b.instance.run(id);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(b.batches.count).toBe(8);
    await expectImportedOnce(account, id);
  });

  it('when a runner stalls past its lease and another takes over, then the stalled one writes nothing more once it wakes, and the import ends with every row once', async () => {
    const account = await ctx.createAccount();
    const id = await upload(account);
    let wake!: () => void;
    const stalled = processor({ gate: new Promise<void>((resolve) => (wake = resolve)) });
    const first = stalled.instance.run(id);
    const imports = ctx.deps.models.contactImports;
    // It writes two batches before it stalls: the second is written while the first is indexed
    // (held by the gate), then the checkpoint of the first waits.
    await waitFor(async () => stalled.batches.count === 2, 'the runner to write its second batch');
    // Its process froze past the lease (no renewal) and another runner took the import.
    await imports.updateOne({ _id: id }, { $set: { lease_owner: 'another-runner', lease_until: new Date(Date.now() + 60000) } });
    wake();
    const stalledEnd = await first;
    expect(stalledEnd).toMatchObject({ status: 'processing', checkpoint_row: 0, created: 0, lease_owner: 'another-runner' });
    // Before it stalled it had written two batches (the second is written while the first is
    // indexed, each after renewing the lease); at the first checkpoint it found the lease gone
    // and stopped: no third batch, no counters, no completion.
    expect(stalled.batches.count).toBe(2);

    // The run that took over, here after its lease lapses: it resumes with the reserved ids.
    await imports.updateOne({ _id: id }, { $set: { lease_until: new Date(0) } });
    await processor().instance.run(id);
    await expectImportedOnce(account, id);
  });

  it('when an attempt fails while another runner holds a live lease, then the import is not marked failed under it', async () => {
    const account = await ctx.createAccount();
    const id = await upload(account);
    const imports = ctx.deps.models.contactImports;
    await imports.updateOne({ _id: id }, { $set: { status: 'processing', lease_owner: 'live-runner', lease_until: new Date(Date.now() + 60000) } });
    await ctx.deps.importProcessor.fail(id, 'the import stopped: an older attempt');
    expect(await showImport(ctx, account, id)).toMatchObject({ status: 'processing', error: null });
    await imports.updateOne({ _id: id }, { $set: { lease_until: new Date(0) } });
    await ctx.deps.importProcessor.fail(id, 'the import stopped: its last attempt');
    expect(await showImport(ctx, account, id)).toMatchObject({ status: 'failed', error: 'the import stopped: its last attempt' });
  });
});
