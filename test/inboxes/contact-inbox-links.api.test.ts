import { IdOnlyViolation } from '../../src/shared/id-only-guard';
import { inboxLinksId } from '../../src/inboxes/contact-inbox-store';
import { waitFor, withTestAccount, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';
import { createInbox, createVisitor, visitorsPath, websiteChannel } from '../support/inboxes';

// Contact inboxes, conversations and messages are read and written by _id only: through their
// key (`<inbox>:<source_id>`), their contact's lists in contact_links and their inbox's lists.

let ctx: TestContext;
let account: TestAccount;

withTestAccount((c, a) => {
  ctx = c;
  account = a;
});

const as = (token: string) => ({ api_access_token: token });
const emailChannel = { type: 'email', email: 'support@shop.example', smtp_address: 'smtp.shop.example', smtp_port: 587 };
const list = async (id: string) => (await ctx.deps.models.contactLinks.findById(id).lean())?.ids ?? null;
const keyOf = (inboxId: number, sourceId: string) => ctx.deps.models.contactInboxKeys.findById(`${inboxId}:${sourceId}`).lean();

/** A website visitor that has started a conversation with one message. */
async function visitorWithConversation(site: { inbox_identifier: string }, content: string) {
  const visitor = await createVisitor(ctx, site);
  const res = await ctx.http.post(visitorsPath(site, `/${visitor.source_id}/conversations`)).send({ message: { content } });
  expect(res.status).toBe(200);
  return { visitor, conversationId: res.body.id as number, messageId: res.body.messages[0].id as number };
}

describe('what belongs to a contact, by _id', () => {
  it('when a visitor is merged into a contact, then its conversations, messages and contact inbox move to the base and the mergee\'s lists go', async () => {
    const site = await createInbox(ctx, account, websiteChannel());
    const { visitor, conversationId, messageId } = await visitorWithConversation(site, 'hello from the site');
    const base = await createContact(ctx, account, { name: 'Base' });

    const merged = await ctx.http.post(account.path('/actions/contact_merge')).set(as(account.agentToken)).send({ base_contact_id: base.id, mergee_contact_id: visitor.id });
    expect(merged.status).toBe(200);

    const conversations = await ctx.http.get(account.path(`/contacts/${base.id}/conversations`)).set(as(account.agentToken));
    expect(conversations.body.payload.map((c: { id: number }) => c.id)).toEqual([conversationId]);
    expect(conversations.body.payload[0].messages.map((m: { content: string }) => m.content)).toEqual(['hello from the site']);
    expect((await ctx.deps.models.messages.findById(messageId).lean())!.contact_id).toBe(base.id);
    const identities = await ctx.deps.services.inboxes.contactInboxesOf(account.id, base.id);
    expect(identities.map((ci) => ci.source_id)).toEqual([visitor.source_id]);
    expect((await ctx.deps.services.inboxes.findContactInbox(site.id, visitor.source_id))!.contact_id).toBe(base.id);
    expect(await list(`${visitor.id}:conversations`)).toBeNull();
    expect(await list(`${visitor.id}:contact_inboxes`)).toBeNull();
    // The widget keeps its session, now a guest of the base.
    expect((await ctx.http.get(visitorsPath(site, `/${visitor.source_id}`))).body).toMatchObject({ id: base.id, email: null });
  });

  it('when a contact is deleted, then its contact inboxes with their keys, its conversations and their messages are removed', async () => {
    const site = await createInbox(ctx, account, websiteChannel());
    const { visitor, conversationId, messageId } = await visitorWithConversation(site, 'delete me');
    const contactInbox = (await ctx.deps.services.inboxes.findContactInbox(site.id, visitor.source_id))!;

    expect((await ctx.http.delete(account.path(`/contacts/${visitor.id}`)).set(as(account.adminToken))).status).toBe(200);

    expect(await ctx.deps.models.contactInboxes.findById(contactInbox._id).lean()).toBeNull();
    expect(await keyOf(site.id, visitor.source_id)).toBeNull();
    expect(await ctx.deps.models.conversations.findById(conversationId).lean()).toBeNull();
    expect(await ctx.deps.models.messages.findById(messageId).lean()).toBeNull();
    expect(await list(`${visitor.id}:conversations`)).toBeNull();
    expect(await list(`${visitor.id}:contact_inboxes`)).toBeNull();
    expect(await ctx.deps.models.inboxLinks.findById(inboxLinksId(site.id, contactInbox._id)).lean()).toBeNull();
    expect((await ctx.http.get(visitorsPath(site, `/${visitor.source_id}`))).status).toBe(404);
  });

  it('when eight first visits of one address race, then exactly one contact inbox holds it and every call answers it', async () => {
    const created = await createInbox(ctx, account, emailChannel);
    const inbox = await ctx.deps.services.inboxes.find(account.id, created.id);
    const contact = await createContact(ctx, account, { email: 'race@example.com' });

    const results = await Promise.all(Array.from({ length: 8 }, () => ctx.deps.services.inboxes.createContactInbox(inbox, contact.id, 'race@example.com')));

    const ids = new Set(results.map((ci) => ci._id));
    expect(ids.size).toBe(1);
    const [winner] = [...ids];
    expect((await keyOf(inbox._id, 'race@example.com'))!.contact_inbox_id).toBe(winner);
    expect((await ctx.deps.services.inboxes.findContactInbox(inbox._id, 'race@example.com'))!._id).toBe(winner);
    // The losers took their own records back out of the lists.
    expect(await list(`${contact.id}:contact_inboxes`)).toEqual([winner]);
    const blocks = [winner - 1000, winner, winner + 1000].map((id) => inboxLinksId(inbox._id, id));
    const inInbox = await ctx.deps.models.inboxLinks.find({ _id: { $in: blocks } }).lean();
    expect(inInbox.flatMap((l) => l.ids)).toEqual([winner]);
  });

  it('when a removal died between deleting a contact inbox and its key, then the stale key does not block the address', async () => {
    const inbox = await createInbox(ctx, account, emailChannel);
    const first = await ctx.http.post(account.path('/contacts')).set(as(account.adminToken)).send({ email: 'stale@example.com', inbox_id: inbox.id });
    const old = (await ctx.deps.services.inboxes.findContactInbox(inbox.id, 'stale@example.com'))!;
    // The crash: the record is gone, its key is left behind.
    await ctx.deps.models.contactInboxes.deleteOne({ _id: old._id });
    expect(await ctx.deps.services.inboxes.findContactInbox(inbox.id, 'stale@example.com')).toBeNull();
    await ctx.http.patch(account.path(`/contacts/${first.body.payload.contact.id}`)).set(as(account.adminToken)).send({ email: 'elsewhere@example.com' }).expect(200);

    const second = await ctx.http.post(account.path('/contacts')).set(as(account.adminToken)).send({ email: 'stale@example.com', inbox_id: inbox.id });
    expect(second.status).toBe(200);
    expect(second.body.payload.contact_inbox.source_id).toBe('stale@example.com');
    const now = (await ctx.deps.services.inboxes.findContactInbox(inbox.id, 'stale@example.com'))!;
    expect(now.contact_id).toBe(second.body.payload.contact.id);
    expect((await keyOf(inbox.id, 'stale@example.com'))!.contact_inbox_id).toBe(now._id);
  });

  it('when a create died between writing its record and its key, then the unreachable record blocks nothing and is never answered', async () => {
    const created = await createInbox(ctx, account, emailChannel);
    const inbox = await ctx.deps.services.inboxes.find(account.id, created.id);
    const contact = await createContact(ctx, account, { email: 'orphan@example.com' });
    const [orphanId] = await ctx.deps.nextIds('contact_inboxes');
    const now = new Date();
    await ctx.deps.models.contactLinks.create({ _id: `${contact.id}:contact_inboxes`, account_id: account.id, ids: [orphanId] });
    await ctx.deps.models.contactInboxes.create({
      _id: orphanId, account_id: account.id, contact_id: contact.id, inbox_id: inbox._id, source_id: 'orphan@example.com', pubsub_token: 'x',
      hmac_verified: false, visitor_contact_id: contact.id, created_at: now, updated_at: now,
    });

    const made = await ctx.deps.services.inboxes.createContactInbox(inbox, contact.id, 'orphan@example.com');
    expect(made._id).not.toBe(orphanId);
    expect((await ctx.deps.services.inboxes.findContactInbox(inbox._id, 'orphan@example.com'))!._id).toBe(made._id);
    const reachable = await ctx.http.get(account.path(`/contacts/${contact.id}/contactable_inboxes`)).set(as(account.agentToken));
    expect(reachable.body.payload.filter((e: { inbox: { id: number } }) => e.inbox.id === inbox._id)).toHaveLength(1);
    // Deleting the contact takes the unreachable record too: its list names it.
    await ctx.http.delete(account.path(`/contacts/${contact.id}`)).set(as(account.adminToken)).expect(200);
    expect(await ctx.deps.models.contactInboxes.find({ _id: { $in: [orphanId, made._id] } }).lean()).toEqual([]);
  });

  it('when an inbox is deleted, then its visitors\' contact inboxes, keys and lists go, and their contacts stay', async () => {
    const site = await createInbox(ctx, account, websiteChannel());
    const visitors = [await createVisitor(ctx, site), await createVisitor(ctx, site), (await visitorWithConversation(site, 'hi')).visitor];
    const records = await Promise.all(visitors.map(async (v) => (await ctx.deps.services.inboxes.findContactInbox(site.id, v.source_id))!));

    expect((await ctx.http.delete(account.path(`/inboxes/${site.id}`)).set(as(account.adminToken))).status).toBe(200);
    expect((await ctx.http.get(visitorsPath(site, `/${visitors[0].source_id}`))).status).toBe(404);

    const ids = records.map((ci) => ci._id);
    // Each block's list goes last, after its records, keys and the contacts' list entries.
    await waitFor(async () => !(await ctx.deps.models.inboxLinks.find({ _id: { $in: ids.map((id) => inboxLinksId(site.id, id)) } }).lean()).length, 'the inbox\'s lists to go');
    expect(await ctx.deps.models.contactInboxes.find({ _id: { $in: ids } }).lean()).toEqual([]);
    for (const v of visitors) {
      expect(await keyOf(site.id, v.source_id)).toBeNull();
      expect(await ctx.deps.services.inboxes.contactInboxesOf(account.id, v.id)).toEqual([]);
      expect(await list(`${v.id}:contact_inboxes`)).toBeNull();
      expect((await ctx.http.get(account.path(`/contacts/${v.id}`)).set(as(account.agentToken))).status).toBe(200);
    }
  });

  it('when code reads these collections by anything but _id, then the guard refuses it', async () => {
    await expect(ctx.deps.models.contactInboxes.findOne({ inbox_id: 1, source_id: 'x' }).lean()).rejects.toThrow(IdOnlyViolation);
    await expect(ctx.deps.models.conversations.find({ account_id: account.id, contact_id: 1 }).lean()).rejects.toThrow(IdOnlyViolation);
    await expect(ctx.deps.models.messages.updateMany({ contact_id: 1 }, { $set: { contact_id: 2 } })).rejects.toThrow(IdOnlyViolation);
  });
});
