import { keyExistingInboxes } from '../../src/inboxes/key-existing-inboxes';
import { startTestContextOnOwnDatabase, type TestAccount, type TestContext } from '../support/context';
import { createInbox, websiteChannel } from '../support/inboxes';

// A database written before inboxes had keys: found by a unique index on inbox_identifier. Its
// own database, so that the migration's full read sees only this test's inboxes.

let ctx: TestContext;
let account: TestAccount;

beforeAll(async () => {
  ctx = await startTestContextOnOwnDatabase('inbox_keys', { worker: false });
  account = await ctx.createAccount();
});
afterAll(() => ctx?.close());

describe('the one-time keying of existing inboxes', () => {
  it('when inboxes from before have no key, then each gets one, their identifiers find them again, and the old unique index goes', async () => {
    const { inboxes, inboxKeys } = ctx.deps.models;
    const site = await createInbox(ctx, account, websiteChannel());
    const other = await createInbox(ctx, account, websiteChannel());
    // As before: no keys, the unique index, no marker.
    await inboxKeys.deleteMany({ _id: { $in: [site.inbox_identifier, other.inbox_identifier] } });
    await inboxes.collection.createIndex({ inbox_identifier: 1 }, { unique: true });
    await ctx.deps.conn.db!.collection('migrations').deleteOne({ _id: 'inbox-keys' as never });
    expect((await ctx.http.post(`/public/api/v1/inboxes/${site.inbox_identifier}/contacts`).send({})).status).toBe(404);

    expect(await keyExistingInboxes(ctx.deps.models, ctx.deps.logger)).toBe(2);

    expect((await ctx.deps.services.inboxes.findByIdentifier(site.inbox_identifier, 'web_widget'))._id).toBe(site.id);
    expect((await ctx.deps.services.inboxes.findByIdentifier(other.inbox_identifier, 'web_widget'))._id).toBe(other.id);
    expect((await inboxes.collection.indexes()).map((index) => index.name)).not.toContain('inbox_identifier_1');
    // Run again (a restart): nothing to do.
    expect(await keyExistingInboxes(ctx.deps.models, ctx.deps.logger)).toBe(0);
  });
});
