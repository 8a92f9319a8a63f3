import { createHmac } from 'node:crypto';
import { withTestAccount, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';
import { createInbox, createVisitor, visitorsPath, websiteChannel } from '../support/inboxes';

// Issue 15: a website visitor's widget calls record when its contact was last seen (at most once
// a minute), and the contact payload derives availability_status from it when it is answered.

let ctx: TestContext;
let account: TestAccount;
let site: { id: number; inbox_identifier: string; hmac_token?: string };

withTestAccount((c, a) => {
  ctx = c;
  account = a;
});
beforeAll(async () => {
  site = await createInbox(ctx, account, websiteChannel());
});

const as = (token: string) => ({ api_access_token: token });
const publicPath = (suffix = '') => visitorsPath(site, suffix);
const nowSeconds = () => Math.floor(Date.now() / 1000);
const show = async (id: number) => (await ctx.http.get(account.path(`/contacts/${id}`)).set(as(account.agentToken))).body.payload;
const versionOf = async (id: number) => (await ctx.deps.models.contacts.findById(String(id)).lean())!.version;
const linkOf = async (sourceId: string) => (await ctx.deps.services.inboxes.findContactInbox(site.id, sourceId))!;

const newVisitor = () => createVisitor(ctx, site);

/** As if the visitor had last been seen `minutes` ago, on its contact inbox and its contact. */
async function seenAgo(contactId: number, sourceId: string, minutes: number) {
  const at = new Date(Date.now() - minutes * 60_000);
  const link = await linkOf(sourceId);
  await ctx.deps.models.contactInboxes.updateOne({ _id: link._id }, { $set: { last_seen_at: at } });
  await ctx.deps.writer.modify(account.id, contactId, () => ({ set: { last_seen_at: at } }));
  return at;
}

describe('last seen and availability', () => {
  it('when a visitor arrives, then its contact was seen now and is online', async () => {
    const before = nowSeconds();
    const visitor = await newVisitor();
    const contact = await show(visitor.id);
    expect(contact.availability_status).toBe('online');
    expect(contact.last_seen_at).toBeGreaterThanOrEqual(before);
    expect(contact.last_seen_at).toBeLessThanOrEqual(nowSeconds());
  });

  it('when the widget calls again within a minute, then nothing is written', async () => {
    const visitor = await newVisitor();
    const version = await versionOf(visitor.id);
    const seen = (await linkOf(visitor.source_id)).last_seen_at;
    for (let i = 0; i < 3; i++) await ctx.http.get(publicPath(`/${visitor.source_id}`)).expect(200);
    expect(await versionOf(visitor.id)).toBe(version);
    expect((await linkOf(visitor.source_id)).last_seen_at).toEqual(seen);
  });

  it('when the widget calls after a minute, then last seen moves, once for calls made together', async () => {
    const visitor = await newVisitor();
    await seenAgo(visitor.id, visitor.source_id, 2);
    const version = await versionOf(visitor.id);
    const before = nowSeconds();
    await Promise.all([1, 2, 3, 4].map(() => ctx.http.get(publicPath(`/${visitor.source_id}`)).expect(200)));
    expect(await versionOf(visitor.id)).toBe(version + 1);
    const contact = await show(visitor.id);
    expect(contact.last_seen_at).toBeGreaterThanOrEqual(before);
    expect(contact.availability_status).toBe('online');
  });

  it('when every public call of the visitor is made (update, email collect, conversation), then each counts as seen', async () => {
    const visitor = await newVisitor();
    const calls = [
      () => ctx.http.patch(publicPath(`/${visitor.source_id}`)).send({ name: 'Seen Patch' }),
      () => ctx.http.post(publicPath(`/${visitor.source_id}/email_collect`)).send({ email: `seen-${visitor.id}@example.com` }),
      () => ctx.http.post(publicPath(`/${visitor.source_id}/conversations`)).send({ message: { content: 'hi' } }),
    ];
    for (const call of calls) {
      const old = await seenAgo(visitor.id, visitor.source_id, 10);
      expect((await show(visitor.id)).availability_status).toBe('offline');
      expect((await call()).status).toBe(200);
      const contact = await show(visitor.id);
      expect(contact.last_seen_at).toBeGreaterThan(Math.floor(old.getTime() / 1000));
      expect(contact.availability_status).toBe('online');
    }
  });

  it('when a contact was seen more than five minutes ago or never, then it is offline; lists say the same, computed when answered', async () => {
    const recent = await newVisitor();
    const old = await newVisitor();
    const at = await seenAgo(old.id, old.source_id, 6);
    const never = await createContact(ctx, account, { name: 'Never Seen' });
    expect(never).toMatchObject({ availability_status: 'offline', last_seen_at: null });
    await ctx.settle(account.id);
    const listed = await ctx.http.get(account.path('/contacts?per_page=100')).set(as(account.agentToken));
    const byId = new Map(listed.body.payload.map((c: { id: number }) => [c.id, c]));
    expect(byId.get(recent.id)).toMatchObject({ availability_status: 'online' });
    expect(byId.get(old.id)).toMatchObject({ availability_status: 'offline', last_seen_at: Math.floor(at.getTime() / 1000) });
    expect(byId.get(never.id)).toMatchObject({ availability_status: 'offline', last_seen_at: null });
  });

  it('when GET /contacts/active is asked, as Chatwoot\'s online contacts, then only contacts seen within five minutes are listed, in the list\'s shape', async () => {
    const online = await newVisitor();
    const gone = await newVisitor();
    await seenAgo(gone.id, gone.source_id, 6);
    const plain = await createContact(ctx, account);
    await ctx.settle(account.id);
    const res = await ctx.http.get(account.path('/contacts/active?per_page=100')).set(as(account.agentToken));
    expect(res.status).toBe(200);
    const ids = res.body.payload.map((c: { id: number }) => c.id);
    expect(ids).toContain(online.id);
    expect(ids).not.toContain(gone.id);
    expect(ids).not.toContain(plain.id);
    expect(res.body.meta).toMatchObject({ count: ids.length, current_page: 1 });
    expect(res.body.payload.every((c: { availability_status: string }) => c.availability_status === 'online')).toBe(true);
  });

  it('when contacts are filtered by last_seen_at, then the index answers from the recorded time', async () => {
    const fresh = await ctx.createAccount();
    const freshSite = await createInbox(ctx, fresh, websiteChannel());
    const visitor = await createVisitor(ctx, freshSite);
    await createContact(ctx, fresh, { name: 'Not a visitor' });
    await ctx.settle(fresh.id);
    const since = new Date(Date.now() - 3600_000).toISOString();
    const filtered = await ctx.http
      .post(fresh.path('/contacts/filter'))
      .set(as(fresh.agentToken))
      .send({ payload: [{ attribute_key: 'last_seen_at', filter_operator: 'is_greater_than', values: [since] }] });
    expect(filtered.status).toBe(200);
    expect(filtered.body.payload.map((c: { id: number }) => c.id)).toEqual([visitor.id]);
  });

  it('when a visitor that typed somebody else\'s email calls, then only its session is marked seen, not that person', async () => {
    const owner = await createContact(ctx, account, { email: 'owner-seen@example.com', name: 'Owner' });
    const visitor = await newVisitor();
    await ctx.http.post(publicPath(`/${visitor.source_id}/email_collect`)).send({ email: 'owner-seen@example.com' }).expect(200);
    const link = await linkOf(visitor.source_id);
    expect(link.contact_id).toBe(owner.id);
    const old = await seenAgo(owner.id, visitor.source_id, 10);
    await ctx.http.get(publicPath(`/${visitor.source_id}`)).expect(200);
    expect((await linkOf(visitor.source_id)).last_seen_at!.getTime()).toBeGreaterThan(old.getTime());
    expect(await show(owner.id)).toMatchObject({ last_seen_at: Math.floor(old.getTime() / 1000), availability_status: 'offline' });
  });

  it("when a visitor types a known contact's email and is merged into it, then its own last seen does not move there: that person is not shown online", async () => {
    const owner = await createContact(ctx, account, { email: 'never-online@example.com', name: 'Never Online' });
    const visitor = await newVisitor();
    expect((await show(visitor.id)).availability_status).toBe('online');
    await ctx.http.post(publicPath(`/${visitor.source_id}/email_collect`)).send({ email: 'never-online@example.com' }).expect(200);
    expect((await linkOf(visitor.source_id)).contact_id).toBe(owner.id);
    expect(await show(owner.id)).toMatchObject({ last_seen_at: null, availability_status: 'offline' });
  });

  it('when a visitor proves an identifier a known contact holds, then it is that person, seen now', async () => {
    const known = await createContact(ctx, account, { name: 'Proven', identifier: 'seen-proven-1' });
    const visitor = await newVisitor();
    const hash = createHmac('sha256', site.hmac_token!).update('seen-proven-1').digest('hex');
    await ctx.http.patch(publicPath(`/${visitor.source_id}`)).send({ identifier: 'seen-proven-1', identifier_hash: hash }).expect(200);
    expect((await show(known.id)).availability_status).toBe('online');
  });
});
