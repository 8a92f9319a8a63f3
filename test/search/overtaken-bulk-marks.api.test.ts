import { createContactWriter, type ContactWriter } from '../../src/contacts/contact-writer';
import type { Contact, ContactModel } from '../../src/records/contact.model';
import { startTestContextOnOwnDatabase, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';

// A bulk write (labels, a delete without If-Match) is one updateMany, not conditional on the
// version it read, and marks each contact at that version plus its own writes. A PATCH landing
// in between made the bulk write land a version above its mark; the PATCH's sync, having read
// its own version, indexed it and cleared the marks at or below it, this one too. With the bulk
// write's sync job lost (Redis away), nothing marked it any more: the sweep never found it, and
// the index kept the contact without the label, or a deleted contact, until a reconcile
// (found by a black-box audit: 3-6 of 60 contacts in each run).
let ctx: TestContext;
let account: TestAccount;

beforeAll(async () => {
  // No worker: each step of the race, and the sweep's job, is run by the test. A database of its
  // own: the sweep reads every mark in it.
  ctx = await startTestContextOnOwnDatabase('overtaken_marks', { worker: false, config: { SWEEP_GRACE_MS: '0', SWEEP_EVERY_MS: '86400000' } });
  account = await ctx.createAccount();
});
afterAll(async () => {
  await ctx.close();
});

const stored = async (id: number) => (await ctx.deps.models.contacts.findById(String(id)).lean()) as Contact;
const markOf = (id: number) => ctx.deps.models.pendingSync.findById(String(id)).lean();

/**
 * The race: the bulk write reads the contact; a PATCH writes it, and the PATCH's sync reads it
 * back; the bulk write marks and writes; then the PATCH's sync indexes what it read and clears the
 * marks up to it. The bulk write's own sync job is lost, as with Redis away.
 */
async function bulkWriteOvertakenByPatch(id: number, bulk: (writer: ContactWriter) => Promise<unknown>) {
  await ctx.deps.indexer.write([await stored(id)]);
  let patchSyncRead: Contact | undefined;
  const real = ctx.deps.models.contacts;
  const contacts = new Proxy(real, {
    get(target, key, receiver) {
      if (key !== 'find' || patchSyncRead) return Reflect.get(target, key, receiver);
      return (...args: Parameters<ContactModel['find']>) => ({
        lean: async () => {
          const found = await real.find(...args).lean();
          await ctx.deps.writer.modify(account.id, id, () => ({ set: { name: 'Patched Meanwhile' } }));
          patchSyncRead = await stored(id);
          return found;
        },
      });
    },
  }) as ContactModel;
  await bulk(createContactWriter({ contacts, pending: ctx.deps.models.pendingSync, keys: ctx.deps.keys, sync: { schedule: async () => undefined } }));
  await ctx.deps.indexer.write([patchSyncRead!]);
}

/**
 * What the index holds for the contact once the jobs the sweep queued are run (by the test, as
 * the worker runs them): every other job is dropped first, so only the sweep can bring the write in.
 */
async function indexedByTheSweep(id: number) {
  await ctx.deps.syncQueue.empty();
  expect(await ctx.deps.sweep()).toBe(1);
  const queued = (await ctx.deps.syncQueue.getWaiting()).flatMap((job) => job.data.ids);
  expect(queued).toEqual([id]);
  await ctx.deps.indexer.write(await Promise.all(queued.map(stored)));
  await ctx.deps.es.indices.refresh({ index: ctx.deps.index });
  const res = await ctx.deps.es.search<{ labels: string[] }>({ index: ctx.deps.index, query: { ids: { values: [String(id)] } }, version: true });
  return res.hits.hits.map((hit) => ({ version: hit._version, labels: hit._source!.labels }));
}

describe('a bulk write overtaken by a PATCH between its read and its write', () => {
  it('when it adds a label, then the contact stays marked at the version the write made, and the sweep indexes the label', async () => {
    const { id } = await createContact(ctx, account, { name: 'Bulk Label' });
    await bulkWriteOvertakenByPatch(id, (writer) => writer.modifyMany(account.id, [id], { addToSet: { labels: ['overtaken'] } }));

    const now = await stored(id);
    expect(now.labels).toEqual(['overtaken']);
    expect((await markOf(id))?.version).toBe(now.version);
    expect(await indexedByTheSweep(id)).toEqual([{ version: now.version, labels: ['overtaken'] }]);
  });

  it('when it deletes, then the contact stays marked, and the sweep takes it out of the index', async () => {
    const { id } = await createContact(ctx, account, { name: 'Bulk Delete' });
    await bulkWriteOvertakenByPatch(id, (writer) => writer.remove(account.id, [id]));

    const now = await stored(id);
    expect(now.deleted).toBe(true);
    expect((await markOf(id))?.version).toBe(now.version);
    expect(await indexedByTheSweep(id)).toEqual([]);
  });
});
