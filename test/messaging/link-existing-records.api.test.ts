import { createHmac } from 'node:crypto';
import { linkExistingRecords } from '../../src/messaging/link-existing-records';
import { startTestContextOnOwnDatabase, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';
import { createInbox, visitorsPath, websiteChannel } from '../support/inboxes';

// A database written before contact inboxes and conversations were read by _id only: records
// without keys or lists, and the old secondary indexes. Its own database, so that the old unique
// index can be built and nothing else is scanned.

let ctx: TestContext;
let account: TestAccount;

beforeAll(async () => {
  ctx = await startTestContextOnOwnDatabase('migration');
  account = await ctx.createAccount();
});
afterAll(() => ctx?.close());

const as = (token: string) => ({ api_access_token: token });
const migrations = () => ctx.deps.conn.db!.collection<{ _id: string }>('migrations');

/** Records as the code before this change wrote them: no key, no list. */
async function legacyVisitor(inbox: { id: number }, contactId: number, options: { verified: boolean; message?: string }) {
  const { models, nextIds } = ctx.deps;
  const now = new Date();
  const [contactInboxId] = await nextIds('contact_inboxes');
  const sourceId = `legacy-${contactInboxId}`;
  await models.contactInboxes.create({
    _id: contactInboxId, account_id: account.id, contact_id: contactId, inbox_id: inbox.id, source_id: sourceId, pubsub_token: 'p',
    hmac_verified: options.verified, visitor_contact_id: contactId, created_at: now, updated_at: now,
  });
  if (!options.message) return { sourceId, contactInboxId };
  const [conversationId] = await nextIds('conversations');
  const [messageId] = await nextIds('messages');
  await models.conversations.create({
    _id: conversationId, account_id: account.id, inbox_id: inbox.id, contact_id: contactId, contact_inbox_id: contactInboxId, message_ids: [messageId],
    created_at: now, updated_at: now, last_activity_at: now,
  });
  await models.messages.create({
    _id: messageId, account_id: account.id, conversation_id: conversationId, inbox_id: inbox.id, contact_id: contactId, content: options.message,
    message_type: 'incoming', status: 'received', created_at: now, updated_at: now,
  });
  await models.contactInboxes.updateOne({ _id: contactInboxId }, { $set: { conversation_ids: [conversationId] } });
  return { sourceId, contactInboxId, conversationId };
}

describe('the one-time migration to keys and lists', () => {
  it('when a database holds records from before, then they become reachable by _id, merge and delete follow them, and the old indexes go', async () => {
    const site = await createInbox(ctx, account, websiteChannel());
    const ana = await createContact(ctx, account, { name: 'Ana' });
    const bea = await createContact(ctx, account, { name: 'Bea' });
    const anas = await legacyVisitor(site, ana.id, { verified: true, message: 'written long ago' });
    const beas = await legacyVisitor(site, bea.id, { verified: false });
    const { contactInboxes, conversations, messages } = ctx.deps.models;
    await contactInboxes.collection.createIndex({ inbox_id: 1, source_id: 1 }, { unique: true });
    await contactInboxes.collection.createIndex({ account_id: 1, contact_id: 1 });
    await conversations.collection.createIndex({ account_id: 1, contact_id: 1 });
    await messages.collection.createIndex({ account_id: 1, contact_id: 1 });
    await migrations().deleteOne({ _id: 'contact-links' });

    // Before: nothing finds them.
    expect((await ctx.http.get(visitorsPath(site, `/${anas.sourceId}`))).status).toBe(404);

    const done = await linkExistingRecords(ctx.deps.models, ctx.deps.logger);
    expect(done).toEqual({ contactInboxes: 2, conversations: 1 });
    // Once: the marker says so.
    expect(await linkExistingRecords(ctx.deps.models, ctx.deps.logger)).toEqual({ contactInboxes: 0, conversations: 0 });

    expect((await ctx.http.get(visitorsPath(site, `/${anas.sourceId}`))).body).toMatchObject({ id: ana.id, source_id: anas.sourceId });
    expect((await ctx.http.get(visitorsPath(site, `/${beas.sourceId}`))).body).toMatchObject({ id: bea.id });
    const listed = await ctx.http.get(account.path(`/contacts/${ana.id}/conversations`)).set(as(account.agentToken));
    expect(listed.body.payload.map((c: { id: number; messages: { content: string }[] }) => [c.id, c.messages.map((m) => m.content)])).toEqual([
      [anas.conversationId, ['written long ago']],
    ]);
    const reachable = await ctx.http.get(account.path(`/contacts/${ana.id}/contactable_inboxes`)).set(as(account.agentToken));
    expect(reachable.body.payload).toEqual([{ source_id: anas.sourceId, inbox: expect.objectContaining({ id: site.id }) }]);
    for (const model of [contactInboxes, conversations, messages]) {
      expect((await model.collection.indexes()).map((index) => index.name)).toEqual(['_id_']);
    }

    // A second first visit under a migrated pair is settled by its key.
    const inbox = await ctx.deps.services.inboxes.find(account.id, site.id);
    expect((await ctx.deps.services.inboxes.createContactInbox(inbox, bea.id, beas.sourceId))._id).toBe(beas.contactInboxId);

    // Merge moves what the migration listed; delete removes it.
    await ctx.http.post(account.path('/actions/contact_merge')).set(as(account.agentToken)).send({ base_contact_id: bea.id, mergee_contact_id: ana.id }).expect(200);
    const moved = await ctx.http.get(account.path(`/contacts/${bea.id}/conversations`)).set(as(account.agentToken));
    expect(moved.body.payload.map((c: { id: number }) => c.id)).toEqual([anas.conversationId]);
    await ctx.http.delete(account.path(`/contacts/${bea.id}`)).set(as(account.adminToken)).expect(200);
    expect(await contactInboxes.find({ _id: { $in: [anas.contactInboxId, beas.contactInboxId] } }).lean()).toEqual([]);
    expect(await conversations.findById(anas.conversationId).lean()).toBeNull();
  });

  it('when the migration died half way and runs again, then it finishes without duplicating anything', async () => {
    const site = await createInbox(ctx, account, websiteChannel({ hmac_mandatory: false }));
    const cal = await createContact(ctx, account, { name: 'Cal' });
    const cals = await legacyVisitor(site, cal.id, { verified: false, message: 'twice' });
    await migrations().deleteOne({ _id: 'contact-links' });
    await linkExistingRecords(ctx.deps.models, ctx.deps.logger);
    await migrations().deleteOne({ _id: 'contact-links' });
    await linkExistingRecords(ctx.deps.models, ctx.deps.logger);

    expect((await ctx.deps.models.contactLinks.findById(`${cal.id}:contact_inboxes`).lean())!.ids).toEqual([cals.contactInboxId]);
    expect((await ctx.deps.models.contactLinks.findById(`${cal.id}:conversations`).lean())!.ids).toEqual([cals.conversationId]);
    // Verifying the migrated visitor works as for any other.
    const hash = createHmac('sha256', site.hmac_token!).update('cal-1').digest('hex');
    const res = await ctx.http.patch(visitorsPath(site, `/${cals.sourceId}`)).send({ identifier: 'cal-1', identifier_hash: hash });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(cal.id);
  });
});
