import { createHmac } from 'node:crypto';
import { startTestContext, type TestAccount, type TestContext } from '../support/context';
import { createContact, setLabels } from '../support/factories';
import { createInbox, websiteChannel } from '../support/inboxes';

let ctx: TestContext;
let account: TestAccount;
let site: { id: number; inbox_identifier: string; hmac_token?: string };
let strictSite: { id: number; inbox_identifier: string; hmac_token?: string };

beforeAll(async () => {
  ctx = await startTestContext();
  account = await ctx.createAccount();
  site = await createInbox(ctx, account, websiteChannel(), 'Shop');
  strictSite = await createInbox(ctx, account, websiteChannel({ hmac_mandatory: true }), 'Strict shop');
  // The attributes visitors give values to, defined by the administrator (a visitor defines none).
  for (const [key, type] of [['plan', 'text'], ['size', 'text'], ['tier', 'text'], ['shoe', 'number']]) {
    await ctx.http
      .post(account.path('/custom_attribute_definitions'))
      .set(as(account.adminToken))
      .send({ attribute_display_name: key, attribute_key: key, attribute_display_type: type, attribute_model: 'contact_attribute' })
      .expect(200);
  }
});
afterAll(() => ctx.close());

const as = (token: string) => ({ api_access_token: token });
const sign = (identifier: string, secret: string) => createHmac('sha256', secret).update(identifier).digest('hex');
const publicPath = (inbox: { inbox_identifier: string }, suffix = '') => `/public/api/v1/inboxes/${inbox.inbox_identifier}/contacts${suffix}`;

async function newVisitor(inbox = site, body: object = {}) {
  const res = await ctx.http.post(publicPath(inbox)).send(body);
  if (res.status !== 200) throw new Error(`visitor not created: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: number; source_id: string; pubsub_token: string; name: string; email: string | null };
}
const identify = (inbox: typeof site, sourceId: string, body: object) => ctx.http.patch(publicPath(inbox, `/${sourceId}`)).send(body);
const verifiedInboxIds = async (contactId: number) => {
  const res = await ctx.http.get(account.path(`/contacts/${contactId}/contactable_inboxes`)).set(as(account.agentToken));
  return res.body.payload.map((entry: { inbox: { id: number } }) => entry.inbox.id);
};
const contactOf = (id: number) => ctx.http.get(account.path(`/contacts/${id}`)).set(as(account.adminToken));

describe('website visitors and verified identity', () => {
  it('when a visitor is created, then it gets a contact, a source_id and a pubsub_token, without an api_access_token', async () => {
    const visitor = await newVisitor();
    expect(visitor.source_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof visitor.pubsub_token).toBe('string');
    expect((await contactOf(visitor.id)).status).toBe(200);
    const shown = await ctx.http.get(publicPath(site, `/${visitor.source_id}`));
    expect(shown.body).toEqual(visitor);
  });

  // Chatwoot's public create takes `source_id = params[:source_id] || SecureRandom.uuid`: it was a
  // 422 in the body and dropped from the query, and the client's own id then answered 404.
  it('when the client chooses the source_id (in the body or the query), then the visitor is created under it, and created again it answers that visitor', async () => {
    const chosen = `client-session-${Date.now()}`;
    const created = await newVisitor(site, { source_id: chosen, name: 'Chosen Visitor' });
    expect(created).toMatchObject({ source_id: chosen, name: 'Chosen Visitor' });
    expect((await ctx.http.get(publicPath(site, `/${chosen}`))).body).toEqual(created);

    const again = await newVisitor(site, { source_id: chosen, email: 'chosen@example.com' });
    expect(again).toMatchObject({ id: created.id, source_id: chosen, email: 'chosen@example.com' });

    const byQuery = await ctx.http.post(publicPath(site, `?source_id=${chosen}-q`)).send({ name: 'By Query' });
    expect(byQuery.status).toBe(200);
    expect(byQuery.body.source_id).toBe(`${chosen}-q`);
    expect((await ctx.http.get(publicPath(site, `/${chosen}-q`))).body.id).toBe(byQuery.body.id);

    // The same id in another inbox is another visitor.
    const elsewhere = await newVisitor(strictSite, { source_id: chosen });
    expect(elsewhere.id).not.toBe(created.id);

    for (const [query, body] of [['', { source_id: 'has space' }], ['', { source_id: '' }], ['', { source_id: 'x'.repeat(101) }], ['', { source_id: 5 }], [`?source_id=${chosen}-a`, { source_id: `${chosen}-b` }]] as const) {
      const res = await ctx.http.post(publicPath(site, query)).send(body);
      expect(res.status).toBe(422);
      expect(res.body.field).toBe('source_id');
    }
  });

  // Chatwoot's client API permits avatar_url on the visitor; it was a 422 "Unrecognized key".
  it('when a visitor gives avatar_url, then it is its contact\'s thumbnail; one that is not an http(s) URL answers 422', async () => {
    const visitor = await newVisitor(site, { name: 'Avatar Visitor', avatar_url: 'https://cdn.example.com/a.png' });
    expect((await contactOf(visitor.id)).body.payload.thumbnail).toBe('https://cdn.example.com/a.png');
    expect((await identify(site, visitor.source_id, { avatar_url: 'https://cdn.example.com/b.png' })).status).toBe(200);
    expect((await contactOf(visitor.id)).body.payload.thumbnail).toBe('https://cdn.example.com/b.png');
    const bad = await identify(site, visitor.source_id, { avatar_url: 'javascript:alert(1)' });
    expect(bad.status).toBe(422);
    expect(bad.body.field).toBe('avatar_url');
  });

  it('when the visitor identifies with the right hash, then its contact takes the identifier and is verified for that inbox only', async () => {
    const visitor = await newVisitor();
    const res = await identify(site, visitor.source_id, { identifier: 'user-100', identifier_hash: sign('user-100', site.hmac_token!), name: 'Ana' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: visitor.id, source_id: visitor.source_id, name: 'Ana' });
    expect((await contactOf(visitor.id)).body.payload.identifier).toBe('user-100');
    expect(await verifiedInboxIds(visitor.id)).toEqual([site.id]);
  });

  it('when the identifier has spaces at its edges, then the hash of it as sent verifies it and the contact holds it trimmed', async () => {
    const visitor = await newVisitor();
    const res = await identify(site, visitor.source_id, { identifier: ' user-104 ', identifier_hash: sign(' user-104 ', site.hmac_token!) });
    expect(res.status).toBe(200);
    expect((await contactOf(visitor.id)).body.payload.identifier).toBe('user-104');
    expect(await verifiedInboxIds(visitor.id)).toEqual([site.id]);
    const other = await newVisitor();
    const unsigned = await identify(site, other.source_id, { identifier: ' user-105 ', identifier_hash: sign('user-105', site.hmac_token!) });
    expect(unsigned.status).toBe(401);
    // A blank identifier is none, so a hash beside it signs nothing.
    expect((await identify(site, other.source_id, { identifier: '   ', identifier_hash: sign('   ', site.hmac_token!) })).body.error).toMatch(/identifier_hash needs the identifier it signs/);
  });

  // Found by the security review (2026-12-05): the owner was looked up trimmed of spaces only, the
  // contact stored trimmed of zero-width spaces too: a verified identifier with one at its edge
  // found no owner, and the visitor got a 422 naming the contact that holds the identifier.
  it('when a signed identifier has a zero-width space at its edge, then it is the identity its stored form names, as a space there is', async () => {
    const first = await newVisitor();
    expect((await identify(site, first.source_id, { identifier: 'user-106', identifier_hash: sign('user-106', site.hmac_token!) })).status).toBe(200);
    const second = await newVisitor();
    const res = await identify(site, second.source_id, { identifier: 'user-106\u200b', identifier_hash: sign('user-106\u200b', site.hmac_token!) });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(first.id);
    expect(JSON.stringify(res.body)).not.toMatch(/already belongs/);
  });

  it('when a visitor sends a blank identifier with its name, then the identifier is absent, as its other blank fields, and the name is written', async () => {
    const visitor = await newVisitor();
    for (const blank of ['', '  ', '\u200b']) {
      const res = await identify(site, visitor.source_id, { identifier: blank, name: `Blank Id ${blank.length}` });
      expect(res.status).toBe(200);
      expect((await contactOf(visitor.id)).body.payload).toMatchObject({ name: `Blank Id ${blank.length}`, identifier: null });
    }
    // A setUser without an id or a hash sends both blank.
    const both = await identify(site, visitor.source_id, { identifier: '', identifier_hash: '', name: 'Both Blank' });
    expect(both.status).toBe(200);
    expect((await contactOf(visitor.id)).body.payload.name).toBe('Both Blank');
    const created = await ctx.http.post(publicPath(site)).send({ identifier: '', name: 'Blank Id New' });
    expect(created.status).toBe(200);
    expect(created.body.name).toBe('Blank Id New');
    expect(await verifiedInboxIds(visitor.id)).toEqual([]);
  });

  it('when the widget sends the site\'s user id as a number, then it is that number\'s decimal text, signed as such; null identity fields are absent', async () => {
    const visitor = await newVisitor(site, { identifier: null, identifier_hash: null, name: 'Numbered' });
    expect((await contactOf(visitor.id)).body.payload.identifier).toBeNull();
    const res = await identify(site, visitor.source_id, { identifier: 4242, identifier_hash: sign('4242', site.hmac_token!) });
    expect(res.status).toBe(200);
    expect((await contactOf(visitor.id)).body.payload.identifier).toBe('4242');
    expect(await verifiedInboxIds(visitor.id)).toEqual([site.id]);
    const other = await newVisitor();
    expect((await identify(site, other.source_id, { identifier: 4243, identifier_hash: sign('4242', site.hmac_token!) })).status).toBe(401);
    const fraction = await identify(site, other.source_id, { identifier: 1.5, identifier_hash: sign('1.5', site.hmac_token!) });
    expect([fraction.status, fraction.body.field]).toEqual([422, 'identifier']);
    expect(fraction.body.error).toBe('identifier must be text or a whole JSON number up to 9007199254740991 (past it digits are lost: send it as text); got 1.5');
  });

  it('when the hash is wrong, then it answers 401 and nothing is verified or changed', async () => {
    const visitor = await newVisitor();
    const res = await identify(site, visitor.source_id, { identifier: 'user-101', identifier_hash: sign('user-102', site.hmac_token!) });
    expect(res.status).toBe(401);
    expect((await contactOf(visitor.id)).body.payload.identifier).toBeNull();
    expect(await verifiedInboxIds(visitor.id)).toEqual([]);
  });

  it('when the hash was made with another inbox\'s secret, then it answers 401', async () => {
    const visitor = await newVisitor();
    const res = await identify(site, visitor.source_id, { identifier: 'user-103', identifier_hash: sign('user-103', strictSite.hmac_token!) });
    expect(res.status).toBe(401);
    expect(await verifiedInboxIds(visitor.id)).toEqual([]);
  });

  it('when the hash is missing, then an inbox with HMAC mandatory answers 401, and so does another: the identifier is not saved', async () => {
    const strictVisitor = await newVisitor(strictSite);
    expect((await identify(strictSite, strictVisitor.source_id, { identifier: 'user-104' })).status).toBe(401);
    expect((await ctx.http.post(publicPath(strictSite)).send({ identifier: 'user-104' })).status).toBe(401);

    const visitor = await newVisitor();
    const res = await identify(site, visitor.source_id, { identifier: 'user-105' });
    expect(res.status).toBe(401);
    expect((await contactOf(visitor.id)).body.payload.identifier).toBeNull();
    expect(await verifiedInboxIds(visitor.id)).toEqual([]);
  });

  it('when a verified identifier belongs to a known contact, then the visitor is merged into it; unsigned, it answers 401', async () => {
    const known = await createContact(ctx, account, { name: 'Known', identifier: 'crm-200' });
    const impostor = await newVisitor();
    expect((await identify(site, impostor.source_id, { identifier: 'crm-200' })).status).toBe(401);

    const visitor = await newVisitor();
    const res = await identify(site, visitor.source_id, { identifier: 'crm-200', identifier_hash: sign('crm-200', site.hmac_token!) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: known.id, name: 'Known', source_id: visitor.source_id });
    expect((await contactOf(visitor.id)).status).toBe(404);
    expect(await verifiedInboxIds(known.id)).toEqual([site.id]);
  });

  it('when several sessions prove the same new identifier at once (one person\'s tabs), then each is answered 200 on one contact', async () => {
    const secret = site.hmac_token!;
    const visitors = await Promise.all(Array.from({ length: 6 }, () => newVisitor()));
    const results = await Promise.all(visitors.map((v) => identify(site, v.source_id, { identifier: 'tabs-1', identifier_hash: sign('tabs-1', secret) })));
    expect(results.filter((r) => r.status !== 200).map((r) => `${r.status} ${JSON.stringify(r.body)}`)).toEqual([]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);

    const created = await Promise.all(Array.from({ length: 6 }, () => ctx.http.post(publicPath(site)).send({ identifier: 'tabs-2', identifier_hash: sign('tabs-2', secret) })));
    expect(created.filter((r) => r.status !== 200).map((r) => `${r.status} ${JSON.stringify(r.body)}`)).toEqual([]);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
  });

  it('when the inbox identifier or the source_id is unknown, then it answers 404', async () => {
    const visitor = await newVisitor();
    expect((await ctx.http.post('/public/api/v1/inboxes/nope/contacts').send({})).status).toBe(404);
    expect((await ctx.http.get(publicPath(strictSite, `/${visitor.source_id}`))).status).toBe(404);
    expect((await ctx.http.get(publicPath(site, '/not-a-visitor'))).status).toBe(404);
  });
});

describe('pre-chat form', () => {
  const startChat = (sourceId: string, body: object) => ctx.http.post(publicPath(site, `/${sourceId}/conversations`)).send(body);

  // One anonymous request of 100 junk keys took every definition the account may hold, and a
  // visitor could fix a key's type before the administrator defined it (found by a black-box test).
  it('when a visitor gives a custom attribute the account has not defined, then it answers 422 naming it and defines nothing', async () => {
    const definedKeys = async () => (await ctx.http.get(account.path('/custom_attribute_definitions')).set(as(account.adminToken))).body.map((d: { attribute_key: string }) => d.attribute_key);
    const before = await definedKeys();
    const visitor = await newVisitor();
    const attempts = [
      [await startChat(visitor.source_id, { contact: { custom_attributes: { plan: 'pro', junk_1: 'x' } }, message: { content: 'hi' } }), 'contact.custom_attributes.junk_1'],
      [await ctx.http.patch(publicPath(site, `/${visitor.source_id}`)).send({ custom_attributes: { vip_level: 5 } }), 'custom_attributes.vip_level'],
      [await ctx.http.post(publicPath(site)).send({ name: 'New', custom_attributes: { junk_2: true } }), 'custom_attributes.junk_2'],
    ] as const;
    for (const [res, field] of attempts) {
      expect(res.status).toBe(422);
      expect(res.body.field).toBe(field);
      expect(res.body.error).toMatch(/not a custom attribute of this account/);
    }
    expect(await definedKeys()).toEqual(before);
    expect((await contactOf(visitor.id)).body.payload.custom_attributes).toEqual({});
    const conversations = await ctx.http.get(account.path(`/contacts/${visitor.id}/conversations`)).set(as(account.agentToken));
    expect(conversations.body.payload).toEqual([]);
  });

  // From a black-box read (2026-12-05): it named `custom_attributes.shoe`, where the form sends the conversation's attributes.
  it('when a contact attribute of the form is refused by its definition, then the 422 names it under contact', async () => {
    const visitor = await newVisitor();
    const res = await startChat(visitor.source_id, { contact: { custom_attributes: { shoe: 'forty' } }, message: { content: 'hi' } });
    expect([res.status, res.body.field]).toEqual([422, 'contact.custom_attributes.shoe']);
    expect(res.body.error).toMatch(/"shoe" is a number attribute/);
  });

  it('when a new visitor submits the form with a message, then its contact is filled in and the conversation and message are recorded', async () => {
    const visitor = await newVisitor();
    const res = await startChat(visitor.source_id, {
      contact: { name: 'Beatriz Soto', email: 'Beatriz@Example.com', phone_number: '+57 300 123 4567', custom_attributes: { plan: 'trial' } },
      message: { content: 'Hola, ¿tienen envíos a Cali?' },
    });
    expect(res.status).toBe(200);
    expect(res.body.contact).toMatchObject({ id: visitor.id, name: 'Beatriz Soto', email: 'beatriz@example.com', phone_number: '+573001234567' });
    // The widget's public shape, as its conversation list answers it: no delivery status, no account or contact ids.
    expect(res.body.messages).toEqual([expect.objectContaining({ content: 'Hola, ¿tienen envíos a Cali?', message_type: 0 })]);
    expect(Object.keys(res.body.messages[0]).sort()).toEqual(['content', 'content_attributes', 'content_type', 'conversation_id', 'created_at', 'id', 'message_type', 'sender']);
    expect(res.body.messages[0].sender).toEqual({ id: visitor.id, name: 'Beatriz Soto', email: 'beatriz@example.com', phone_number: '+573001234567', thumbnail: '', type: 'contact' });
    expect(res.body).not.toHaveProperty('account_id');
    expect(res.body).not.toHaveProperty('contact_id');
    const listed = (await ctx.http.get(publicPath(site, `/${visitor.source_id}/conversations`))).body[0];
    expect(listed.messages).toEqual(res.body.messages);

    const contact = (await contactOf(visitor.id)).body.payload;
    expect(contact.custom_attributes).toEqual({ plan: 'trial' });
    expect(contact.last_activity_at).toBeGreaterThanOrEqual(res.body.created_at);
    const conversations = await ctx.http.get(account.path(`/contacts/${visitor.id}/conversations`)).set(as(account.agentToken));
    expect(conversations.body.payload.map((c: { id: number }) => c.id)).toEqual([res.body.id]);
    expect(conversations.body.payload[0].messages[0].content).toBe('Hola, ¿tienen envíos a Cali?');
    // The visitor sent it: Chatwoot's sender is the contact.
    expect(conversations.body.payload[0].messages[0]).toMatchObject({ sender_type: 'Contact', sender_id: visitor.id, sender: { id: visitor.id, type: 'contact' } });
  });

  it('when a returning visitor submits the form again, then its contact is updated', async () => {
    const visitor = await newVisitor();
    await startChat(visitor.source_id, { contact: { name: 'First', email: 'returning@example.com' }, message: { content: 'one' } }).expect(200);
    const res = await startChat(visitor.source_id, { contact: { name: 'Second', custom_attributes: { size: 'L' } }, message: { content: 'two' } });
    expect(res.body.contact).toMatchObject({ id: visitor.id, name: 'Second', email: 'returning@example.com' });
    const conversations = await ctx.http.get(account.path(`/contacts/${visitor.id}/conversations`)).set(as(account.agentToken));
    expect(conversations.body.payload).toHaveLength(2);
  });

  it('when the email belongs to an existing contact, then the visitor is merged into it: its values win, notes, labels and conversations move', async () => {
    const existing = await createContact(ctx, account, { name: 'Carla Existing', email: 'carla@example.com', city: 'Quito' });
    await setLabels(ctx, account.id, existing.id, ['customer']);
    const visitor = await newVisitor();
    await setLabels(ctx, account.id, visitor.id, ['from-web']);
    await ctx.http.post(account.path(`/contacts/${visitor.id}/notes`)).set(as(account.agentToken)).send({ content: 'asked about returns' }).expect(200);
    await startChat(visitor.source_id, { message: { content: 'earlier chat' } }).expect(200);

    const res = await startChat(visitor.source_id, {
      contact: { name: 'Carla Typed', email: 'CARLA@example.com', phone_number: '+593991234567' },
      message: { content: 'I am back' },
    });
    expect(res.status).toBe(200);
    // The visitor is now a guest of Carla's contact: it does not get to read her details.
    expect(res.body.contact).toEqual({ id: existing.id, source_id: visitor.source_id, pubsub_token: visitor.pubsub_token, name: '', email: null, phone_number: null });

    expect((await contactOf(visitor.id)).status).toBe(404);
    const merged = (await contactOf(existing.id)).body.payload;
    expect(merged).toMatchObject({ name: 'Carla Existing', email: 'carla@example.com', phone_number: '+593991234567' });
    expect(merged.labels.sort()).toEqual(['customer', 'from-web']);
    expect(merged.additional_attributes.city).toBe('Quito');
    const notes = await ctx.http.get(account.path(`/contacts/${existing.id}/notes`)).set(as(account.agentToken));
    expect(notes.body.map((n: { content: string }) => n.content)).toEqual(['asked about returns']);
    const conversations = await ctx.http.get(account.path(`/contacts/${existing.id}/conversations`)).set(as(account.agentToken));
    expect(conversations.body.payload.map((c: { messages: { content: string }[] }) => c.messages[0].content).sort()).toEqual(['I am back', 'earlier chat']);

    // The visitor's session now resolves to the existing contact, and the index agrees.
    expect((await ctx.http.get(publicPath(site, `/${visitor.source_id}`))).body.id).toBe(existing.id);
    await ctx.settle(account.id);
    const list = await ctx.http.get(account.path('/contacts?labels[]=from-web')).set(as(account.agentToken));
    expect(list.body.payload.map((c: { id: number }) => c.id)).toEqual([existing.id]);
  });

  it('when the phone belongs to an existing contact, then the visitor is merged into it', async () => {
    const existing = await createContact(ctx, account, { name: 'Phone Owner', email: null, phone_number: '+5215512345678' });
    const visitor = await newVisitor();
    const res = await startChat(visitor.source_id, { contact: { phone_number: '52 155 1234 5678', email: 'phone-owner@example.com' }, message: { content: 'hi' } });
    expect(res.status).toBe(200);
    expect(res.body.contact.id).toBe(existing.id);
    expect((await contactOf(existing.id)).body.payload).toMatchObject({ name: 'Phone Owner', email: 'phone-owner@example.com', phone_number: '+5215512345678' });
  });

  it('when a visitor merged into a known contact writes again, then it only fills that contact\'s gaps', async () => {
    const existing = await createContact(ctx, account, { name: 'Gina', email: 'gina@example.com', custom_attributes: { tier: 'gold' } });
    const visitor = await newVisitor();
    await startChat(visitor.source_id, { contact: { email: 'gina@example.com' }, message: { content: 'hi' } }).expect(200);
    const res = await startChat(visitor.source_id, {
      contact: { name: 'Not Gina', email: 'other@example.com', phone_number: '+34600111222', custom_attributes: { tier: 'free', shoe: 38 } },
      message: { content: 'again' },
    });
    expect(res.status).toBe(200);
    const contact = (await contactOf(existing.id)).body.payload;
    expect(contact).toMatchObject({ name: 'Gina', email: 'gina@example.com', phone_number: '+34600111222', custom_attributes: { tier: 'gold', shoe: 38 } });
    expect((await ctx.http.get(publicPath(site, `/${visitor.source_id}`))).body).toMatchObject({ id: existing.id, name: '', email: null, phone_number: null });

    // A signed identity takes the session away from the contact it was a guest of.
    const identified = await identify(site, visitor.source_id, { identifier: 'user-gina-2', identifier_hash: sign('user-gina-2', site.hmac_token!) });
    expect(identified.status).toBe(200);
    expect(identified.body.id).not.toBe(existing.id);
    expect((await contactOf(identified.body.id)).body.payload.identifier).toBe('user-gina-2');
    expect((await contactOf(existing.id)).body.payload.identifier).toBeNull();
  });

  it.each([
    // Named by their place in the body (they named `email`, or `custom_attributes`, where the form sends the conversation's).
    [{ contact: { email: 'not-an-email' } }, 'contact.email'],
    [{ contact: { phone_number: '1' } }, 'contact.phone_number'],
    [{ contact: { custom_attributes: { 'a.b': 1 } } }, 'contact.custom_attributes'],
    [{ message: { content: '' } }, 'message.content'],
  ])('when the form is %j, then it answers 422 naming the field', async (body, field) => {
    const visitor = await newVisitor();
    const res = await startChat(visitor.source_id, body);
    expect(res.status).toBe(422);
    expect(res.body.field).toBe(field);
  });
});

describe('email collect', () => {
  const collect = (sourceId: string, body: object) => ctx.http.post(publicPath(site, `/${sourceId}/email_collect`)).send(body);

  it('when a new email is typed, then it is saved on the visitor\'s contact', async () => {
    const visitor = await newVisitor();
    const res = await collect(visitor.source_id, { email: ' New.Visitor@Example.com ' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: visitor.id, email: 'new.visitor@example.com' });
  });

  // Found by a black-box tester: a guest's name and avatar were dropped with a 200 where the
  // contact had only a placeholder name and no picture, while the merge itself filled them.
  it('when a guest of a contact with a placeholder name and no picture gives a name and an avatar, then they fill those gaps; given again, they do not replace them', async () => {
    const first = await newVisitor();
    const email = `placeholder-${Date.now()}@example.com`;
    await collect(first.source_id, { email }).expect(200);
    expect((await contactOf(first.id)).body.payload).toMatchObject({ name: expect.stringMatching(/^Visitor [0-9a-f]{6}$/), thumbnail: '' });
    const guest = await newVisitor();
    expect((await collect(guest.source_id, { email })).body.id).toBe(first.id);

    await identify(site, guest.source_id, { name: 'Real Name', avatar_url: 'https://cdn.example.com/real.png' }).expect(200);
    expect((await contactOf(first.id)).body.payload).toMatchObject({ name: 'Real Name', thumbnail: 'https://cdn.example.com/real.png' });
    await identify(site, guest.source_id, { name: 'Other Name', avatar_url: 'https://cdn.example.com/other.png' }).expect(200);
    expect((await contactOf(first.id)).body.payload).toMatchObject({ name: 'Real Name', thumbnail: 'https://cdn.example.com/real.png' });
  });

  it('when the email belongs to an existing contact, then the visitor is merged into it', async () => {
    const existing = await createContact(ctx, account, { name: 'Dora', email: 'dora@example.com' });
    const visitor = await newVisitor();
    const res = await collect(visitor.source_id, { email: 'dora@example.com' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: existing.id, source_id: visitor.source_id });
    expect((await contactOf(visitor.id)).status).toBe(404);
    expect((await contactOf(existing.id)).body.payload).toMatchObject({ name: 'Dora', email: 'dora@example.com' });
  });

  it('when several visitors type the same new email at once, then each is answered 200: one holds it and the others are merged into that contact', async () => {
    for (let round = 0; round < 3; round++) {
      const email = `crowd-${round}@example.com`;
      const visitors = await Promise.all(Array.from({ length: 8 }, () => newVisitor()));
      const results = await Promise.all(visitors.map((v) => collect(v.source_id, { email })));
      expect(results.filter((r) => r.status !== 200).map((r) => `${r.status} ${JSON.stringify(r.body)}`)).toEqual([]);
      const ids = new Set(results.map((r) => r.body.id as number));
      expect(ids.size).toBe(1);
      const [holder] = [...ids];
      expect((await contactOf(holder!)).body.payload.email).toBe(email);
    }
  });

  it("when one visitor sends the pre-chat form with a known contact's email several times at once (a double click, a retry), then every message lands on that contact", async () => {
    const known = await createContact(ctx, account, { name: 'Alma Known', email: 'alma.known@example.com' });
    const visitor = await newVisitor();
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => ctx.http.post(publicPath(site, `/${visitor.source_id}/conversations`)).send({ contact: { email: 'alma.known@example.com' }, message: { content: `same ${i}` } })),
    );
    expect(results.filter((r) => r.status !== 200).map((r) => `${r.status} ${JSON.stringify(r.body)}`)).toEqual([]);
    const conversations = (await ctx.http.get(account.path(`/contacts/${known.id}/conversations`)).set(as(account.adminToken))).body.payload;
    const contents = conversations.flatMap((c: { messages: { content: string }[] }) => c.messages.map((m) => m.content)).sort();
    expect(contents).toEqual(['same 0', 'same 1', 'same 2', 'same 3', 'same 4']);
    // The same for the greeting's email prompt.
    const other = await newVisitor();
    const collected = await Promise.all(Array.from({ length: 3 }, () => collect(other.source_id, { email: 'ALMA.KNOWN@example.com' })));
    expect(collected.map((r) => [r.status, r.body.id])).toEqual([[200, known.id], [200, known.id], [200, known.id]]);
  });

  it("when an agent merges the email's owner away while a visitor types that email, then the visitor lands on the contact the owner went into, with its message", async () => {
    const owner = await createContact(ctx, account, { email: 'moving@example.com' });
    const base = await createContact(ctx, account, { name: 'Moving base', email: null });
    const visitor = await newVisitor();
    const { keys } = ctx.deps;
    const original = keys.owners.bind(keys);
    let merged: { status: number } | undefined;
    // The visitor has just read who owns the email when the agent's merge runs.
    const spy = jest.spyOn(keys, 'owners').mockImplementation(async (accountId, values) => {
      const found = await original(accountId, values);
      if (values.email === 'moving@example.com' && !merged) {
        merged = await ctx.http.post(account.path('/actions/contact_merge')).set(as(account.adminToken)).send({ base_contact_id: base.id, mergee_contact_id: owner.id });
      }
      return found;
    });
    let form;
    try {
      form = await ctx.http.post(publicPath(site, `/${visitor.source_id}/conversations`)).send({ contact: { email: 'moving@example.com' }, message: { content: 'race' } });
    } finally {
      spy.mockRestore();
    }
    expect(merged!.status).toBe(200);
    expect([form.status, form.body.contact?.id]).toEqual([200, base.id]);
    const conversations = (await ctx.http.get(account.path(`/contacts/${base.id}/conversations`)).set(as(account.adminToken))).body.payload;
    expect(conversations.flatMap((c: { messages: { content: string }[] }) => c.messages.map((m) => m.content))).toEqual(['race']);
  });

  it('when several new visitors give the same new email at once, then each is created: one holds it and the others are merged into that contact', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => ctx.http.post(publicPath(site)).send({ email: 'crowd-new@example.com', name: `Visitor ${i}` })));
    expect(results.filter((r) => r.status !== 200).map((r) => `${r.status} ${JSON.stringify(r.body)}`)).toEqual([]);
    expect(new Set(results.map((r) => r.body.id as number)).size).toBe(1);
  });

  it('when a known contact without a name takes in a visitor, then it does not get the visitor\'s placeholder name; a name the visitor typed fills it', async () => {
    const nameless = await createContact(ctx, account, { name: null, email: 'nameless@example.com' });
    const visitor = await newVisitor();
    expect(visitor.name).toMatch(/^Visitor [0-9a-f]{6}$/);
    expect((await collect(visitor.source_id, { email: 'nameless@example.com' })).status).toBe(200);
    expect((await contactOf(nameless.id)).body.payload).toMatchObject({ name: '', email: 'nameless@example.com' });

    const alsoNameless = await createContact(ctx, account, { name: null, phone_number: '+51911222333' });
    const named = await newVisitor();
    const form = await ctx.http.post(publicPath(site, `/${named.source_id}/conversations`)).send({ contact: { name: 'Rosa Ríos', phone_number: '+51 911 222 333' }, message: { content: 'hola' } });
    expect(form.status).toBe(200);
    expect((await contactOf(alsoNameless.id)).body.payload).toMatchObject({ name: 'Rosa Ríos', phone_number: '+51911222333' });
  });

  it.each([[{ email: 'dora-at-example' }], [{ email: '' }], [{}]])('when the body is %j, then it answers 422 naming email', async (body) => {
    const visitor = await newVisitor();
    const res = await collect(visitor.source_id, body);
    expect(res.status).toBe(422);
    expect(res.body.field).toBe('email');
  });

  it.each([
    [{}, /email is required/],
    [{ email: 123 }, /email must be a string/],
    [{ email: `${'a'.repeat(250)}@b.test` }, /must be at most 254 characters/],
    [{ email: '   ' }, /must not be empty/],
  ])('when the body is %j, then the message says what is wrong with email', async (body, message) => {
    const visitor = await newVisitor();
    const res = await collect(visitor.source_id, body);
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(message);
  });

  it('when an HMAC-verified visitor types another contact\'s email, then it answers 422 rather than moving its identity', async () => {
    await createContact(ctx, account, { email: 'someone-else@example.com' });
    const visitor = await newVisitor();
    await identify(site, visitor.source_id, { identifier: 'user-300', identifier_hash: sign('user-300', site.hmac_token!) }).expect(200);
    const res = await collect(visitor.source_id, { email: 'someone-else@example.com' });
    expect(res.status).toBe(422);
    expect(res.body.field).toBe('email');
  });

  // The identifier used to be saved (or a contact made for it) before the 422: a refusal that wrote.
  it("when an identify carries another contact's email or phone, then it answers 422 and writes nothing: no identifier saved, no contact made", async () => {
    const other = await createContact(ctx, account, { name: 'Imported Ivy', email: 'ivy-imported@example.com', phone_number: '+14155550177' });
    const visitor = await newVisitor();
    const before = (await contactOf(visitor.id)).body.payload;
    for (const [identifier, typed] of [['site-ivy-1', { email: 'ivy-imported@example.com' }], ['site-ivy-2', { phone_number: '+1 415 555 0177' }]] as const) {
      const refused = await identify(site, visitor.source_id, { identifier, identifier_hash: sign(identifier, site.hmac_token!), name: 'Ivy From Site', ...typed });
      expect(refused.status).toBe(422);
      expect(refused.body.field).toBe(Object.keys(typed)[0]);
      const created = await ctx.http.post(publicPath(site)).send({ identifier, identifier_hash: sign(identifier, site.hmac_token!), ...typed });
      expect(created.status).toBe(422);
    }
    expect((await contactOf(visitor.id)).body.payload).toMatchObject({ identifier: before.identifier, name: before.name, email: null });
    expect((await contactOf(other.id)).body.payload).toMatchObject({ identifier: null, name: 'Imported Ivy' });
    await ctx.settle(account.id);
    const holders = await ctx.http.post(account.path('/contacts/filter')).set(as(account.adminToken))
      .send({ payload: [{ attribute_key: 'identifier', filter_operator: 'equal_to', values: ['site-ivy-1', 'site-ivy-2'] }] });
    expect(holders.body.meta.count).toBe(0);
    // The same identify without the address is the identity, as before.
    await identify(site, visitor.source_id, { identifier: 'site-ivy-1', identifier_hash: sign('site-ivy-1', site.hmac_token!), name: 'Ivy From Site' }).expect(200);
  });

  // Sent at once on one session, the email merge decided on an anonymous visitor while the
  // identify made it a verified identity: both answered 200, and the session was verified on the
  // email owner's contact (reading its name, email and phone), which took the visitor's identifier.
  it("when a visitor identifies and types another contact's email at the same moment, then that contact is never taken over: it keeps its identifier and the session never reads it", async () => {
    for (let round = 0; round < 4; round++) {
      const victim = await createContact(ctx, account, { name: `Victim ${round}`, email: `victim-${round}@example.com`, phone_number: `+1415555${String(2100 + round)}` });
      const visitor = await newVisitor();
      const identifier = `attacker-${round}`;
      const [identified, typed] = await Promise.all([
        identify(site, visitor.source_id, { identifier, identifier_hash: sign(identifier, site.hmac_token!), name: 'Attacker' }),
        round % 2 === 0
          ? ctx.http.post(publicPath(site, `/${visitor.source_id}/conversations`)).send({ contact: { email: `victim-${round}@example.com` }, message: { content: 'hi' } })
          : collect(visitor.source_id, { email: `victim-${round}@example.com` }),
      ]);
      expect(identified.status).toBe(200);
      expect([200, 422]).toContain(typed.status);
      const stored = (await contactOf(victim.id)).body.payload;
      expect(stored).toMatchObject({ name: `Victim ${round}`, email: `victim-${round}@example.com`, identifier: null });
      const seen = (await ctx.http.get(publicPath(site, `/${visitor.source_id}`))).body;
      expect(seen.email).not.toBe(`victim-${round}@example.com`);
      expect(await verifiedInboxIds(victim.id)).toEqual([]);
    }
  });

  // Chatwoot's widget sends null for every field left empty, and setUser a user's missing name or
  // phone; Chatwoot drops blanks. Written, each erased what the contact held.
  it('when the widget sends a name, email or phone as null or empty, then the contact keeps what it holds', async () => {
    const known = await createContact(ctx, account, { name: 'Carla Known', email: 'carla-known@example.com', phone_number: '+14155552201', identifier: 'site-carla' });
    const visitor = await newVisitor();
    const signed = { identifier: 'site-carla', identifier_hash: sign('site-carla', site.hmac_token!) };
    await identify(site, visitor.source_id, { ...signed, email: 'carla-known@example.com', name: null, phone_number: null, avatar_url: null }).expect(200);
    await identify(site, visitor.source_id, { ...signed, email: '', name: '  ', phone_number: '' }).expect(200);
    const form = await ctx.http.post(publicPath(site, `/${visitor.source_id}/conversations`)).send({ contact: { name: null, email: '', phone_number: null }, message: { content: 'hola' } });
    expect(form.status).toBe(200);
    expect((await contactOf(known.id)).body.payload).toMatchObject({ name: 'Carla Known', email: 'carla-known@example.com', phone_number: '+14155552201' });
  });

  // The identify answered 404 "contact N not found" when the email collect merged its contact away meanwhile.
  it('when a visitor identifies while another of its calls merges it into the owner of an email it typed, then the identify still verifies it', async () => {
    for (let round = 0; round < 3; round++) {
      await createContact(ctx, account, { name: `Owner ${round}`, email: `owner-${round}@example.com` });
      const known = await createContact(ctx, account, { name: `Known ${round}`, identifier: `known-${round}` });
      const visitor = await newVisitor();
      const [typed, identified] = await Promise.all([
        collect(visitor.source_id, { email: `owner-${round}@example.com` }),
        identify(site, visitor.source_id, { identifier: `known-${round}`, identifier_hash: sign(`known-${round}`, site.hmac_token!) }),
      ]);
      expect([200, 422]).toContain(typed.status);
      expect(identified.status).toBe(200);
      expect(await verifiedInboxIds(known.id)).toEqual([site.id]);
    }
  });
});
