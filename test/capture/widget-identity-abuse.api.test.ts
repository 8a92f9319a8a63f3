import { createHmac } from 'node:crypto';
import { withTestAccount, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';
import { startFakeProvider } from '../support/fake-provider';
import { createInbox, createVisitor, visitorsPath, websiteChannel } from '../support/inboxes';
import { importCsv } from '../import/import-support';

// What a probe of the public widget routes found, each replayed as the attacker would: a website
// inbox whose HMAC is not mandatory, an attacker who knows only the inbox identifier.

let ctx: TestContext;
let account: TestAccount;
let site: { id: number; inbox_identifier: string; hmac_token?: string };

withTestAccount((c, a) => {
  ctx = c;
  account = a;
});
beforeAll(async () => {
  site = await createInbox(ctx, account, websiteChannel(), 'Open shop');
});

const as = (token: string) => ({ api_access_token: token });
const widget = (suffix = '') => visitorsPath(site, suffix);
const sign = (identifier: string) => createHmac('sha256', site.hmac_token!).update(identifier).digest('hex');
const contactOf = async (id: number) => (await ctx.http.get(account.path(`/contacts/${id}`)).set(as(account.adminToken))).body.payload;
const identify = (sourceId: string, body: object) => ctx.http.patch(widget(`/${sourceId}`)).send(body);
/** The real holder of `identifier`, signing in on a visitor of its own. */
async function realUser(identifier: string, details: object = {}) {
  const visitor = await createVisitor(ctx, site);
  const res = await identify(visitor.source_id, { identifier, identifier_hash: sign(identifier), ...details });
  expect(res.status).toBe(200);
  return { visitor, contact: res.body as { id: number; name: string | null; email: string | null } };
}

describe('identifier_hash without an identifier', () => {
  it.each([
    ['a new visitor', () => ctx.http.post(widget()).send({ identifier_hash: 'abc' })],
    ['a visitor update', async () => ctx.http.patch(widget(`/${(await createVisitor(ctx, site)).source_id}`)).send({ identifier_hash: 'abc', name: 'X' })],
  ])('when %s sends identifier_hash alone, then it answers 422 naming identifier rather than ignoring it', async (_what, call) => {
    const res = await call();
    expect(res.status).toBe(422);
    expect(res.body.field).toBe('identifier');
  });
});

describe('an identifier without a valid hash', () => {
  it('when an attacker claims an identifier first, unsigned, then it is refused and the real user later lands on a contact of its own', async () => {
    expect((await ctx.http.post(widget()).send({ identifier: 'victim-7' })).status).toBe(401);
    const attacker = await createVisitor(ctx, site, { name: 'Attacker' });
    expect((await identify(attacker.source_id, { identifier: 'victim-7' })).status).toBe(401);
    expect((await contactOf(attacker.id)).identifier).toBeNull();

    const { visitor, contact } = await realUser('victim-7', { name: 'Vera', email: 'vera@victim.test' });
    expect(contact).toMatchObject({ id: visitor.id, name: 'Vera', email: 'vera@victim.test' });
    const attackerView = await ctx.http.get(widget(`/${attacker.source_id}`));
    expect(attackerView.body).toMatchObject({ id: attacker.id, name: 'Attacker', email: null });
    expect((await ctx.http.patch(widget(`/${attacker.source_id}`)).send({ email: 'attacker@evil.test' })).body.id).toBe(attacker.id);
    expect((await contactOf(visitor.id)).email).toBe('vera@victim.test');
  });

  it("when an unsigned identifier comes with a known contact's email, then nothing is merged or planted, and the identifier's real holder is not shown that contact", async () => {
    const mo = await createContact(ctx, account, { name: 'Mo', email: 'mo@x.test' });
    expect((await ctx.http.post(widget()).send({ identifier: 'victim-8', email: 'mo@x.test' })).status).toBe(401);
    const attacker = await createVisitor(ctx, site);
    expect((await identify(attacker.source_id, { identifier: 'victim-8', email: 'mo@x.test' })).status).toBe(401);
    expect(await contactOf(mo.id)).toMatchObject({ identifier: null, email: 'mo@x.test' });

    const { visitor, contact } = await realUser('victim-8');
    expect(contact.id).toBe(visitor.id);
    expect(contact).toMatchObject({ email: null });
    expect(contact.name).not.toBe('Mo');
  });

  it('when a verified visitor sends another identifier without a hash, then it answers 401 and its contact keeps its identifier', async () => {
    const { visitor } = await realUser('user-998');
    const res = await identify(visitor.source_id, { identifier: 'user-999' });
    expect(res.status).toBe(401);
    expect((await contactOf(visitor.id)).identifier).toBe('user-998');

    const other = await realUser('user-999');
    expect(other.contact.id).toBe(other.visitor.id);
    expect(other.contact.id).not.toBe(visitor.id);
  });

  it('when the inbox does not make HMAC mandatory, then an unsigned identifier is still refused, as on one that does', async () => {
    const strict = await createInbox(ctx, account, websiteChannel({ hmac_mandatory: true }), 'Strict shop');
    for (const inbox of [site, strict]) {
      const res = await ctx.http.post(visitorsPath(inbox)).send({ identifier: 'anyone-1', name: 'Anyone' });
      expect(res.status).toBe(401);
      expect(res.body.error).toMatch(/identifier_hash/);
    }
  });
});

describe('a session that proves another identifier', () => {
  it("when a verified visitor proves a second identifier, then it leaves for that identity and the first contact keeps its identifier", async () => {
    const { visitor } = await realUser('user-1001', { name: 'First Person' });
    const res = await identify(visitor.source_id, { identifier: 'user-1002', identifier_hash: sign('user-1002') });
    expect(res.status).toBe(200);
    expect(res.body.id).not.toBe(visitor.id);
    expect((await contactOf(visitor.id)).identifier).toBe('user-1001');
    expect((await contactOf(res.body.id)).identifier).toBe('user-1002');
    expect(res.body.name).not.toBe('First Person');

    const second = await realUser('user-1002');
    expect(second.contact.id).toBe(res.body.id);
  });

  it('when a visitor whose contact the account identified proves another identifier, then that contact keeps the account\'s identifier', async () => {
    const visitor = await createVisitor(ctx, site, { name: 'Chatting' });
    await ctx.http.patch(account.path(`/contacts/${visitor.id}`)).set(as(account.adminToken)).send({ identifier: 'crm-77' }).expect(200);
    const res = await identify(visitor.source_id, { identifier: 'user-1003', identifier_hash: sign('user-1003') });
    expect(res.status).toBe(200);
    expect(res.body.id).not.toBe(visitor.id);
    expect((await contactOf(visitor.id)).identifier).toBe('crm-77');
  });
});

describe('a session whose contact became a verified identity', () => {
  const calls = (sourceId: string) => [
    ['show', () => ctx.http.get(widget(`/${sourceId}`))],
    ['update', () => ctx.http.patch(widget(`/${sourceId}`)).send({ email: 'attacker@evil.test' })],
    ['email collect', () => ctx.http.post(widget(`/${sourceId}/email_collect`)).send({ email: 'attacker@evil.test' })],
    ['pre-chat form', () => ctx.http.post(widget(`/${sourceId}/conversations`)).send({ contact: { phone_number: '+15550009999' }, message: { content: 'hi' } })],
    ['conversations', () => ctx.http.get(widget(`/${sourceId}/conversations`))],
  ] as const;

  it("when the identifier on an attacker's contact is proven by its real holder, then the attacker's session neither reads nor writes it (401) until it proves an identity of its own", async () => {
    // As an identifier claimed before unsigned identifiers were refused left it (or an agent set on the word of the chatter).
    const attacker = await createVisitor(ctx, site, { name: 'Attacker' });
    await ctx.http.patch(account.path(`/contacts/${attacker.id}`)).set(as(account.adminToken)).send({ identifier: 'victim-9' }).expect(200);
    const { visitor, contact } = await realUser('victim-9', { email: 'vic@victim.test', phone_number: '+15550001234' });
    expect(contact.id).toBe(attacker.id);

    for (const [what, call] of calls(attacker.source_id)) {
      const res = await call();
      expect([what, res.status]).toEqual([what, 401]);
      expect(JSON.stringify(res.body)).not.toContain('vic@victim.test');
    }
    expect(await contactOf(attacker.id)).toMatchObject({ email: 'vic@victim.test', phone_number: '+15550001234' });
    expect((await ctx.http.get(widget(`/${visitor.source_id}`))).body).toMatchObject({ id: attacker.id, email: 'vic@victim.test' });

    // Its way back: a valid hash of an identity of its own, on a contact of its own.
    const own = await identify(attacker.source_id, { identifier: 'attacker-1', identifier_hash: sign('attacker-1') });
    expect(own.status).toBe(200);
    expect(own.body.id).not.toBe(attacker.id);
    expect((await contactOf(attacker.id)).identifier).toBe('victim-9');
    expect((await ctx.http.get(widget(`/${attacker.source_id}`))).body.id).toBe(own.body.id);
  });

  it("when an agent merges a verified contact into an anonymous visitor's contact, then that visitor's unproven session is shut out of it", async () => {
    const anonymous = await createVisitor(ctx, site, { name: 'Anon' });
    const { visitor, contact } = await realUser('user-1004', { email: 'u1004@example.com' });
    await ctx.http.post(account.path('/actions/contact_merge')).set(as(account.agentToken)).send({ base_contact_id: anonymous.id, mergee_contact_id: contact.id }).expect(200);
    expect((await ctx.http.get(widget(`/${anonymous.source_id}`))).status).toBe(401);
    expect((await ctx.http.get(widget(`/${visitor.source_id}`))).body).toMatchObject({ id: anonymous.id, email: 'u1004@example.com' });
  });
});

describe('a blocked visitor', () => {
  let twilio: Awaited<ReturnType<typeof startFakeProvider>>;
  let texts: { id: number };
  beforeAll(async () => {
    twilio = await startFakeProvider((n) => ({ sid: `SM${n}` }));
    texts = await createInbox(ctx, account, { type: 'sms', provider_url: twilio.url, account_sid: 'AC1', auth_token: 'token', phone_number: '+15550001111' }, 'Texts');
  });
  afterAll(() => twilio.close());

  const block = (id: number) => ctx.http.patch(account.path(`/contacts/${id}`)).set(as(account.adminToken)).send({ blocked: true }).expect(200);
  const textTo = (contactId: number) =>
    ctx.http.post(account.path('/conversations')).set(as(account.agentToken)).send({ inbox_id: texts.id, contact_id: contactId, message: { content: 'hello' } });
  const reachable = async (contactId: number) =>
    (await ctx.http.get(account.path(`/contacts/${contactId}/contactable_inboxes`)).set(as(account.agentToken))).body.payload.map((e: { inbox: { id: number } }) => e.inbox.id);

  it("when a blocked visitor types another contact's email, then it is not merged into it, and its phone does not reach that contact", async () => {
    const bea = await createContact(ctx, account, { name: 'Bea', email: 'bea@x.test', phone_number: null });
    const visitor = await createVisitor(ctx, site);
    await ctx.http.post(widget(`/${visitor.source_id}/conversations`)).send({ contact: { phone_number: '+15550004444' }, message: { content: 'hi' } }).expect(200);
    await block(visitor.id);

    const res = await ctx.http.post(widget(`/${visitor.source_id}/email_collect`)).send({ email: 'bea@x.test' });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(visitor.id);
    expect(await contactOf(visitor.id)).toMatchObject({ blocked: true, phone_number: '+15550004444', email: null });
    expect(await contactOf(bea.id)).toMatchObject({ blocked: false, phone_number: null });
    expect(await reachable(bea.id)).not.toContain(texts.id);
    expect((await textTo(bea.id)).status).toBe(422);
    expect((await textTo(visitor.id)).status).toBe(422);
    expect(twilio.requests).toHaveLength(0);
  });

  it('when a blocked visitor clears or replaces its phone, then the phone stays with the block, and a new visitor typing it joins the blocked contact', async () => {
    const visitor = await createVisitor(ctx, site, { phone_number: '+15550005555' });
    await block(visitor.id);
    expect((await ctx.http.patch(widget(`/${visitor.source_id}`)).send({ phone_number: null })).status).toBe(200);
    expect((await ctx.http.patch(widget(`/${visitor.source_id}`)).send({ phone_number: '+15550005556' })).status).toBe(200);
    expect(await contactOf(visitor.id)).toMatchObject({ blocked: true, phone_number: '+15550005555' });

    const again = await createVisitor(ctx, site, { phone_number: '+15550005555' });
    expect(again.id).toBe(visitor.id);
    expect((await contactOf(visitor.id)).blocked).toBe(true);
    expect((await textTo(again.id)).status).toBe(422);
  });

  it('when a blocked visitor proves an identifier a known contact holds, then it is merged into it and the merged contact is blocked', async () => {
    const known = await createContact(ctx, account, { name: 'Known K', identifier: 'crm-blocked-1', phone_number: null });
    const visitor = await createVisitor(ctx, site, { phone_number: '+15550006666' });
    await block(visitor.id);
    const res = await identify(visitor.source_id, { identifier: 'crm-blocked-1', identifier_hash: sign('crm-blocked-1') });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(known.id);
    expect(await contactOf(known.id)).toMatchObject({ blocked: true, phone_number: '+15550006666' });
    expect((await textTo(known.id)).status).toBe(422);
  });
});

// From a black-box read (2026-12-05): a session verified for an identifier stayed verified after an
// agent moved the identifier off the contact, so it kept receiving that contact's website messages
// and reading its details, while the new holder of the identifier could not be reached.
describe('an identifier taken off a verified contact', () => {
  const reachable = async (contactId: number) =>
    (await ctx.http.get(account.path(`/contacts/${contactId}/contactable_inboxes`)).set(as(account.agentToken))).body.payload.map((e: { inbox: { id: number } }) => e.inbox.id);
  const message = (contactId: number) =>
    ctx.http.post(account.path('/conversations')).set(as(account.agentToken)).send({ inbox_id: site.id, contact_id: contactId, message: { content: 'for you' } });

  it('when an agent changes or clears the identifier, then its sessions stop speaking for the contact, until one proves the identifier it holds now', async () => {
    const holder = await createContact(ctx, account, { name: 'Account Ana', email: 'ana-acct@x.test', identifier: 'acct-77' });
    const visitor = await createVisitor(ctx, site);
    expect((await identify(visitor.source_id, { identifier: 'acct-77', identifier_hash: sign('acct-77') })).body.id).toBe(holder.id);
    expect(await reachable(holder.id)).toContain(site.id);
    // While verified: a message sent to the contact reaches the session, and the session starts a conversation of its own.
    const sent = await message(holder.id).expect(200);
    const started = await ctx.http.post(widget(`/${visitor.source_id}/conversations`)).send({ message: { content: 'my own question' } }).expect(200);
    const listed = async () => (await ctx.http.get(widget(`/${visitor.source_id}/conversations`)).expect(200)).body.map((c: { id: number }) => c.id);
    expect(await listed()).toEqual([started.body.id, sent.body.id]);

    await ctx.http.patch(account.path(`/contacts/${holder.id}`)).set(as(account.adminToken)).send({ identifier: 'acct-77-fixed' }).expect(200);
    expect(await reachable(holder.id)).not.toContain(site.id);
    expect((await message(holder.id)).status).toBe(422);
    const seen = await ctx.http.get(widget(`/${visitor.source_id}`));
    expect(seen.body.email).not.toBe('ana-acct@x.test');
    // What was sent to the identity is no longer read by the session (it may have been the wrong person); what it wrote is.
    expect(await listed()).toEqual([started.body.id]);
    expect((await ctx.http.get(widget(`/${visitor.source_id}/conversations/${sent.body.id}/messages`))).status).toBe(404);
    const own = (await ctx.http.get(widget(`/${visitor.source_id}/conversations/${started.body.id}/messages`)).expect(200)).body;
    expect(own).toEqual([expect.objectContaining({ id: started.body.messages[0].id, content: 'my own question', message_type: 0 })]);
    // Its sender is the visitor as the session reads it now: not told the contact's details.
    expect(own[0].sender).toMatchObject({ id: holder.id, name: '', email: null, type: 'contact' });

    // The person who holds acct-77 now is reached once the session proves it again.
    const fixed = await createContact(ctx, account, { name: 'Real 77', identifier: 'acct-77' });
    expect((await identify(visitor.source_id, { identifier: 'acct-77', identifier_hash: sign('acct-77') })).body.id).toBe(fixed.id);
    expect(await reachable(fixed.id)).toContain(site.id);
    const toFixed = await message(fixed.id).expect(200);
    expect(await listed()).toEqual([toFixed.body.id]);

    // Cleared, likewise.
    await ctx.http.patch(account.path(`/contacts/${fixed.id}`)).set(as(account.adminToken)).send({ identifier: null }).expect(200);
    expect(await reachable(fixed.id)).not.toContain(site.id);
  });

  it('when an import row gives a verified contact another identifier, then its sessions stop speaking for it', async () => {
    const holder = await createContact(ctx, account, { name: 'Bo Import', email: 'bo-import@x.test', identifier: 'bo-1' });
    const visitor = await createVisitor(ctx, site);
    expect((await identify(visitor.source_id, { identifier: 'bo-1', identifier_hash: sign('bo-1') })).body.id).toBe(holder.id);
    expect(await reachable(holder.id)).toContain(site.id);
    const done = await importCsv(ctx, account, 'email,identifier\nbo-import@x.test,bo-2\n');
    expect(done).toMatchObject({ status: 'completed', updated: 1 });
    expect(await contactOf(holder.id)).toMatchObject({ identifier: 'bo-2' });
    expect(await reachable(holder.id)).not.toContain(site.id);
  });
});
