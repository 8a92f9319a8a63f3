import { startTestContext, testConfig, waitFor, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';
import { createContactWriter } from '../../src/contacts/contact-writer';
import type { ContactModel } from '../../src/records/contact.model';
import { NotFoundError, PreconditionFailedError } from '../../src/shared/errors';
import { createContactImportProcessor } from '../../src/import/contact-import.processor';
import { importProcessorDeps, showImport, uploadCsv } from '../import/import-support';

// A write marks its contact pending before it writes. One that then loses the contact to another
// write (changed, deleted, purged) left a mark that only the sweep took, a minute or more later,
// and whatever waits for a contact's marks (a bulk action's "completed", an import's) waited for it.
// The sweep is off here, so a mark that goes went by the sync.
let ctx: TestContext;
// Takes uploads without running them (no worker of its own): the import test runs its processor itself.
let uploads: TestContext;
let account: TestAccount;

beforeAll(async () => {
  ctx = await startTestContext({ config: testConfig({ SWEEP_EVERY_MS: '86400000' }) });
  uploads = await startTestContext({ worker: false });
  account = await ctx.createAccount();
});
afterAll(async () => {
  await uploads.close();
  await ctx.close();
});

const markOf = (id: number) => ctx.deps.models.pendingSync.findById(String(id)).lean();
const stored = (id: number) => ctx.deps.models.contacts.findById(String(id)).lean();
const purged = async (id: number) => waitFor(async () => (await stored(id)) === null, `contact ${id} to be purged`, 10_000);
/** Another user's delete, waited for until the sync has indexed it and purged the contact. */
const deleteAndPurge = async (id: number) => {
  await ctx.deps.writer.remove(account.id, [id]);
  await purged(id);
};
const marksGone = (id: number) => waitFor(async () => (await markOf(id)) === null, `the marks of contact ${id} to go`, 10_000);

/** Indexed at the version MongoDB holds, with no mark left: what another write's sync leaves behind. */
async function synced(id: number) {
  await waitFor(async () => {
    const [contact, mark] = await Promise.all([stored(id), markOf(id)]);
    return !mark && !!contact;
  }, `contact ${id} to be indexed`, 10_000);
}

/**
 * A writer whose first read of the contacts (`findById` for one, `find` for many) is followed by
 * `meanwhile`, another user's write, waited for until the sync has done with it: what this writer
 * marks and writes next comes after that write was indexed and its marks cleared.
 */
function writerLosingTo(read: 'findById' | 'find', meanwhile: () => Promise<unknown>) {
  const real = ctx.deps.models.contacts;
  let first = true;
  const contacts = new Proxy(real, {
    get(target, key, receiver) {
      if (key !== read) return Reflect.get(target, key, receiver);
      return (...args: unknown[]) => ({
        lean: async () => {
          const found = await (real[read] as (...a: unknown[]) => { lean(): Promise<unknown> }).apply(real, args).lean();
          if (first) {
            first = false;
            await meanwhile();
          }
          return found;
        },
      });
    },
  }) as ContactModel;
  return createContactWriter({ contacts, pending: ctx.deps.models.pendingSync, keys: ctx.deps.keys, sync: ctx.deps.scheduler });
}

describe('marks of writes that lost their contact to another write', () => {
  it('when a PATCH loses its contact to a delete indexed and purged after it read the contact, then its mark goes with the sync, not the sweep', async () => {
    const contact = await createContact(ctx, account, { name: 'Lost To Delete' });
    await synced(contact.id);
    const writer = writerLosingTo('findById', () => deleteAndPurge(contact.id));

    await expect(writer.modify(account.id, contact.id, () => ({ set: { name: 'Too Late' } }))).rejects.toBeInstanceOf(NotFoundError);
    await marksGone(contact.id);
  });

  it('when a PATCH finds, once read again, that another write already made its change, then its mark goes with the sync', async () => {
    const contact = await createContact(ctx, account, { name: 'Same Change' });
    await synced(contact.id);
    const { version } = (await stored(contact.id))!;
    const change = () => ({ set: { name: 'Changed Once' } });
    const writer = writerLosingTo('findById', async () => {
      await ctx.deps.writer.modify(account.id, contact.id, change);
      await synced(contact.id);
    });

    // The retry reads the contact with the change made: nothing left to write.
    const result = await writer.modify(account.id, contact.id, (current) => (current.name === 'Changed Once' ? null : change()));
    expect(result.name).toBe('Changed Once');
    await marksGone(contact.id);
    expect((await stored(contact.id))!.version).toBe(version + 1);
  });

  it('when a delete under If-Match loses to a PATCH made after its read, and is refused on the re-read, then its mark goes with the sync', async () => {
    const contact = await createContact(ctx, account, { name: 'Changed Under Delete' });
    await synced(contact.id);
    const writer = writerLosingTo('find', async () => {
      await ctx.deps.writer.modify(account.id, contact.id, () => ({ set: { name: 'Changed First' } }));
      await synced(contact.id);
    });
    const { version } = (await stored(contact.id))!;

    await expect(
      writer.remove(account.id, [contact.id], {
        check: (current) => {
          if (current.version !== version) throw new PreconditionFailedError(`contact ${contact.id} changed`);
        },
      }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    await marksGone(contact.id);
    expect(await stored(contact.id)).toMatchObject({ name: 'Changed First', deleted: false });
  });

  it('when a bulk label change (add and remove: two steps) reaches a contact deleted and purged after it was read, then its mark goes with the sync', async () => {
    const contact = await createContact(ctx, account, { name: 'Labelled As Deleted' });
    await synced(contact.id);
    const writer = writerLosingTo('find', () => deleteAndPurge(contact.id));

    const found = await writer.liveAmong(account.id, [contact.id]);
    expect(await writer.writeMany(account.id, found, { addToSet: { labels: ['added'] }, pull: { labels: ['taken'] } })).toBe(0);
    await marksGone(contact.id);
  });

  it('when an import row loses its contact to a delete indexed and purged between the plan and the write, then the mark the import made goes with the sync', async () => {
    const contact = await createContact(ctx, account, { name: 'Imported Away', email: 'imported-away@example.com' });
    await synced(contact.id);
    const upload = await uploadCsv(uploads, account, 'name,email,city\nImported Away,imported-away@example.com,Lima\n');
    expect(upload.status).toBe(200);
    let struck = false;
    await createContactImportProcessor({
      ...importProcessorDeps(ctx),
      writer: {
        ...ctx.deps.writer,
        // Called right before the batch's updates, conditional on what the plan read.
        async markPending(items) {
          if (!struck) {
            struck = true;
            await deleteAndPurge(contact.id);
          }
          return ctx.deps.writer.markPending(items);
        },
      },
    }).run(upload.body.payload.id);

    expect(struck).toBe(true);
    // The row, its contact gone, created one.
    expect(await showImport(ctx, account, upload.body.payload.id)).toMatchObject({ status: 'completed', created: 1, updated: 0, rejected: 0 });
    await marksGone(contact.id);
  });

  it('when a delete is indexed, then every mark of its contact goes, one ahead of the delete too', async () => {
    const contact = await createContact(ctx, account, { name: 'Marked Ahead' });
    await synced(contact.id);
    // Read before the delete, marked two versions on (a bulk change's two steps), written after it: matched nothing.
    const [found] = await ctx.deps.writer.liveAmong(account.id, [contact.id]);
    await ctx.deps.writer.markPending([{ id: found._id, accountId: account.id, version: found.version + 2 }]);
    await ctx.deps.writer.remove(account.id, [contact.id]);

    await marksGone(contact.id);
    await purged(contact.id);
  });
});
