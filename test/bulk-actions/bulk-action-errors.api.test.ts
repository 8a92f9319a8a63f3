import { createBulkActionsService } from '../../src/bulk-actions/bulk-actions.service';
import { capturedLogger } from '../support/captured-logger';
import { createContact } from '../support/factories';
import { startTestContext, type TestAccount, type TestContext } from '../support/context';

let ctx: TestContext;
let account: TestAccount;

beforeAll(async () => {
  ctx = await startTestContext({ worker: false });
  account = await ctx.createAccount();
});
afterAll(() => ctx.close());

describe('a bulk action that fails', () => {
  it("when it fails on an error of a store (a driver's text naming an internal host), then its status says it failed without that text; the log keeps it", async () => {
    const { logger, lines } = capturedLogger();
    const { deps } = ctx;
    const internal = 'connect ECONNREFUSED mongo-7.internal.example:27017';
    const bulkActions = createBulkActionsService({
      bulkActions: deps.models.bulkActions,
      nextIds: deps.nextIds,
      writer: {
        liveAmong: deps.writer.liveAmong,
        writeMany: async () => {
          throw new Error(internal);
        },
      },
      search: deps.search,
      labels: { ensureLabels: async () => undefined },
      segments: { compile: async () => ({}) as never, queryOfSegment: async () => ({}) as never },
      enqueue: async () => undefined,
      waitIndexed: async () => true,
      indexContacts: async () => undefined,
      removeContacts: async () => [],
      logger,
    });
    const contact = await createContact(ctx, account, { name: 'Ana' });
    await expect(bulkActions.create(account.id, 'administrator', { type: 'Contact', ids: [contact.id], labels: { add: ['vip'] } })).rejects.toThrow(internal);
    const [stored] = await deps.models.bulkActions.find({ _id: { $gte: 0 }, account_id: account.id }).comment('test: the one action of this account').lean();
    const shown = await bulkActions.show(account.id, stored!._id);
    expect(shown).toMatchObject({ status: 'failed' });
    expect(JSON.stringify(shown)).not.toContain('mongo-7.internal.example');
    expect(JSON.stringify(shown)).toMatch(/internal error/);
    expect(lines.join('\n')).toContain('mongo-7.internal.example');
  });

  it('when a contact it read is deleted before its labels are written, then it counts only the contacts it changed', async () => {
    const { deps } = ctx;
    const [kept, gone] = [await createContact(ctx, account, { name: 'Kept' }), await createContact(ctx, account, { name: 'Gone' })];
    const bulkActions = createBulkActionsService({
      bulkActions: deps.models.bulkActions,
      nextIds: deps.nextIds,
      writer: {
        // The race, made certain: the second contact is deleted between the read and the write.
        liveAmong: async (accountId, ids) => {
          const live = await deps.writer.liveAmong(accountId, ids);
          await deps.models.contacts.updateOne({ _id: String(gone.id) }, { $set: { deleted: true }, $inc: { version: 1 } });
          return live;
        },
        writeMany: deps.writer.writeMany,
      },
      search: deps.search,
      labels: { ensureLabels: async () => undefined },
      segments: { compile: async () => ({}) as never, queryOfSegment: async () => ({}) as never },
      enqueue: async () => undefined,
      waitIndexed: async () => true,
      indexContacts: async () => undefined,
      removeContacts: async () => [],
      logger: capturedLogger().logger,
    });
    const { action } = await bulkActions.create(account.id, 'administrator', { type: 'Contact', ids: [kept.id, gone.id], labels: { add: ['raced'] } });
    expect(action).toMatchObject({ status: 'completed', changed: 1 });
    const stored = await deps.models.contacts.findById(String(gone.id)).lean();
    expect(stored!.labels ?? []).not.toContain('raced');
  });
});
