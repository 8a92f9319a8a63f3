import { startTestContext, type TestAccount, type TestContext } from '../support/context';
import { createInbox, createVisitor, visitorsPath, websiteChannel } from '../support/inboxes';

// Chatwoot answers a contact with `contact_inboxes` (each inbox and the contact's source_id there)
// unless asked `include_contact_inboxes=false`; scripts read a contact's source_id from it to
// start a conversation (search a phone, send to its source_id). Its inbox is Chatwoot's slim one.
let ctx: TestContext;
let account: TestAccount;

beforeAll(async () => {
  ctx = await startTestContext();
  account = await ctx.createAccount();
});
afterAll(() => ctx.close());

const emailChannel = { type: 'email', email: 'support@shop.example', smtp_address: 'smtp.shop.example', smtp_port: 587 };
const smsChannel = { type: 'sms', provider_url: 'https://api.twilio.example', account_sid: 'AC1', auth_token: 'token-0123456789abcdef', phone_number: '+15550001111' };

const get = (path: string) => ctx.http.get(account.path(path)).set('api_access_token', account.agentToken);

describe("a contact's contact_inboxes", () => {
  let reachable: number;
  let alone: number;
  let mail: { id: number };
  let sms: { id: number };

  beforeAll(async () => {
    mail = await createInbox(ctx, account, emailChannel, 'Mail');
    sms = await createInbox(ctx, account, smsChannel, 'Texts');
    const created = await ctx.http.post(account.path('/contacts')).set('api_access_token', account.adminToken)
      .send({ name: 'Inboxed Ines', email: 'Ines@Example.com', phone_number: '+34 612 345 678', inbox_id: mail.id }).expect(200);
    reachable = created.body.payload.contact.id;
    await ctx.http.post(account.path(`/contacts/${reachable}/contact_inboxes`)).set('api_access_token', account.adminToken).send({ inbox_id: sms.id }).expect(200);
    alone = (await ctx.http.post(account.path('/contacts')).set('api_access_token', account.adminToken).send({ name: 'Inboxed Nobody' }).expect(200)).body.payload.contact.id;
    await ctx.settle(account.id);
  });

  it('when a contact is shown or updated, then it carries its inboxes and source_ids, oldest first, as Chatwoot answers; false leaves them out', async () => {
    // Chatwoot's _inbox_slim: what names and draws the channel, no setting of it (SMTP, provider credentials).
    const expected = [
      { source_id: 'ines@example.com', inbox: { id: mail.id, avatar_url: '', channel_id: mail.id, name: 'Mail', channel_type: 'Channel::Email', provider: null, email: 'support@shop.example' } },
      { source_id: '+34612345678', inbox: { id: sms.id, avatar_url: '', channel_id: sms.id, name: 'Texts', channel_type: 'Channel::Sms', provider: 'default' } },
    ];
    expect((await get(`/contacts/${reachable}`)).body.payload.contact_inboxes).toEqual(expected);
    expect((await get(`/contacts/${alone}`)).body.payload.contact_inboxes).toEqual([]);
    const updated = await ctx.http.patch(account.path(`/contacts/${reachable}`)).set('api_access_token', account.agentToken).send({ city: 'Lima' });
    expect(updated.body.payload).toMatchObject({ additional_attributes: { city: 'Lima' }, contact_inboxes: expected });
    // Read and sent back whole, as a client editing one field does: taken, and the inboxes stay.
    const read = (await get(`/contacts/${reachable}`)).body.payload;
    const sentBack = await ctx.http.put(account.path(`/contacts/${reachable}`)).set('api_access_token', account.agentToken).send({ ...read, name: 'Inboxed Ines, sent back' });
    expect(sentBack.status).toBe(200);
    expect(sentBack.body.payload).toMatchObject({ name: 'Inboxed Ines, sent back', contact_inboxes: expected });
    // Chatwoot's destroy_custom_attributes view renders them too (it answered none).
    const destroyed = await ctx.http.post(account.path(`/contacts/${reachable}/destroy_custom_attributes`)).set('api_access_token', account.agentToken).send({ custom_attributes: ['none'] });
    expect(destroyed.body.payload).toMatchObject({ id: reachable, contact_inboxes: expected });
    const without = await get(`/contacts/${reachable}?include_contact_inboxes=false`);
    expect(without.status).toBe(200);
    expect(without.body.payload).not.toHaveProperty('contact_inboxes');
  });

  it('when a list, a search, a filter or a segment is asked, then each contact carries them, as Chatwoot answers; with false, none does', async () => {
    const sources = (payload: { id: number; contact_inboxes?: { source_id: string }[] }[]) =>
      Object.fromEntries(payload.map((c) => [c.id, c.contact_inboxes?.map((ci) => ci.source_id)]));
    const withThem = { [reachable]: ['ines@example.com', '+34612345678'], [alone]: [] };

    expect(sources((await get('/contacts?include_contact_inboxes=true')).body.payload)).toEqual(withThem);
    expect(sources((await get('/contacts/search?q=inboxed&include_contact_inboxes=true')).body.payload)).toEqual(withThem);
    const byName = { payload: [{ attribute_key: 'name', filter_operator: 'contains', values: ['inboxed'] }] };
    const filtered = await ctx.http.post(account.path('/contacts/filter?include_contact_inboxes=true')).set('api_access_token', account.agentToken).send(byName);
    expect(sources(filtered.body.payload)).toEqual(withThem);
    const segment = await ctx.http.post(account.path('/custom_filters')).set('api_access_token', account.agentToken).send({ name: 'Inboxed', filter_type: 'contact', query: byName });
    expect(sources((await get(`/custom_filters/${segment.body.id}/contacts?include_contact_inboxes=true`)).body.payload)).toEqual(withThem);

    // Without the parameter, as a Chatwoot client asks: the same (it was false for lists).
    expect(sources((await get('/contacts')).body.payload)).toEqual(withThem);
    expect(sources((await get('/contacts/search?q=inboxed')).body.payload)).toEqual(withThem);
    expect(sources((await ctx.http.post(account.path('/contacts/filter')).set('api_access_token', account.agentToken).send(byName)).body.payload)).toEqual(withThem);
    expect(sources((await get(`/custom_filters/${segment.body.id}/contacts`)).body.payload)).toEqual(withThem);
    const searched = (await get('/contacts/search?q=ines@example.com')).body.payload;
    expect(searched[0].contact_inboxes[1]).toEqual({ source_id: '+34612345678', inbox: expect.objectContaining({ id: sms.id, provider: 'default' }) });
    expect(searched[0].contact_inboxes[1].inbox).not.toHaveProperty('auth_token');

    const none = { [reachable]: undefined, [alone]: undefined };
    expect(sources((await get('/contacts?include_contact_inboxes=false')).body.payload)).toEqual(none);
    expect(sources((await get('/contacts/search?q=inboxed&include_contact_inboxes=false')).body.payload)).toEqual(none);
    expect(sources((await get(`/custom_filters/${segment.body.id}/contacts?include_contact_inboxes=false`)).body.payload)).toEqual(none);
  });

  it('when include_contact_inboxes is neither true nor false, then it is a 422 naming it; blank is absent, as Rails reads it', async () => {
    const refused = await get('/contacts?include_contact_inboxes=yes');
    expect(refused.status).toBe(422);
    expect(refused.body.error).toContain('include_contact_inboxes must be true or false');
    expect((await get(`/contacts/${reachable}?include_contact_inboxes=1`)).status).toBe(422);
    expect((await get(`/contacts/${reachable}?include_contact_inboxes=`)).body.payload.contact_inboxes).toHaveLength(2);
    expect((await get('/contacts?include_contact_inboxes=')).body.payload[0]).toHaveProperty('contact_inboxes');
  });

  it('when a filter asks for them in its body, as Rails reads body and query alike, then its contacts carry them', async () => {
    const byName = [{ attribute_key: 'name', filter_operator: 'contains', values: ['inboxed'] }];
    const filtered = await ctx.http.post(account.path('/contacts/filter')).set('api_access_token', account.agentToken).send({ payload: byName, include_contact_inboxes: 'true' });
    expect(filtered.status).toBe(200);
    expect(filtered.body.payload.find((c: { id: number }) => c.id === reachable).contact_inboxes).toHaveLength(2);
    // As a JSON boolean too (it was a 422 asking for true or false).
    const filter = (include: unknown) => ctx.http.post(account.path('/contacts/filter')).set('api_access_token', account.agentToken).send({ payload: byName, include_contact_inboxes: include });
    const withBoolean = await filter(true);
    expect(withBoolean.status).toBe(200);
    expect(withBoolean.body.payload.find((c: { id: number }) => c.id === reachable).contact_inboxes).toHaveLength(2);
    const without = await filter(false);
    expect(without.status).toBe(200);
    expect(without.body.payload[0]).not.toHaveProperty('contact_inboxes');
    expect((await filter(1)).status).toBe(422);
  });

  it('when a contact is created, then its contact carries the inbox it was given, as Chatwoot answers a create; without one, none', async () => {
    const created = await ctx.http.post(account.path('/contacts')).set('api_access_token', account.agentToken).send({ name: 'New Inboxed', email: 'new.inboxed@example.com', inbox_id: mail.id });
    // The contact's list has the slim inbox; the contact_inbox beside it Chatwoot's whole inbox (its create view renders the record's inbox).
    expect(created.body.payload.contact.contact_inboxes).toEqual([{ source_id: 'new.inboxed@example.com', inbox: expect.objectContaining({ id: mail.id, provider: null, email: 'support@shop.example' }) }]);
    expect(created.body.payload.contact.contact_inboxes[0].inbox).not.toHaveProperty('smtp_address');
    expect(created.body.payload.contact_inbox).toMatchObject({ source_id: 'new.inboxed@example.com', inbox: expect.objectContaining({ id: mail.id, smtp_address: 'smtp.shop.example' }) });
    const plain = await ctx.http.post(account.path('/contacts')).set('api_access_token', account.agentToken).send({ name: 'New Plain' });
    expect(plain.body.payload.contact.contact_inboxes).toEqual([]);
  });
});

// Chatwoot's API document gives every inbox a contact's answers embed `avatar_url` and `provider`
// (a create's contact_inbox, contactable_inboxes, a contact inbox made): only the slim one had them
// (found by a black-box read against Chatwoot's swagger).
describe('the whole inbox a contact answer embeds', () => {
  it("when a contact is created in an SMS inbox, or its contactable inboxes are read, then each inbox carries Chatwoot's avatar_url and provider", async () => {
    const texts = await createInbox(ctx, account, smsChannel, 'More texts');
    const created = await ctx.http.post(account.path('/contacts')).set('api_access_token', account.adminToken).send({ name: 'Pablo', phone_number: '+34612345699', inbox_id: texts.id }).expect(200);
    expect(created.body.payload.contact_inbox.inbox).toMatchObject({ id: texts.id, avatar_url: '', provider: 'default', channel_type: 'Channel::Sms' });
    const reachable = (await get(`/contacts/${created.body.payload.contact.id}/contactable_inboxes`).expect(200)).body.payload as { inbox: { id: number; avatar_url: string; provider: string | null } }[];
    expect(reachable.find((r) => r.inbox.id === texts.id)?.inbox).toMatchObject({ avatar_url: '', provider: 'default' });
    const listed = (await ctx.http.get(account.path('/inboxes')).set('api_access_token', account.adminToken).expect(200)).body.payload as { id: number; provider: string | null }[];
    expect(listed.find((i) => i.id === texts.id)).toMatchObject({ provider: 'default', avatar_url: '' });
  });
});

// Found by a black-box read of bounded cost: every website visitor who types a contact's email is
// merged into it with its session, from public routes, so a contact's answers grew without bound
// (50 KB at 300 sessions).
describe('a contact with more contact inboxes than are answered', () => {
  it('when 60 website visitors typed its email, then it is shown, listed and searched with the first 50, oldest first', async () => {
    const web = await createInbox(ctx, account, websiteChannel(), 'Site');
    const owner = (await ctx.http.post(account.path('/contacts')).set('api_access_token', account.adminToken).send({ name: 'Much Visited', email: 'visited@example.com' }).expect(200)).body.payload.contact.id;
    const sessions: string[] = [];
    for (let i = 0; i < 60; i++) sessions.push((await createVisitor(ctx, web, { email: 'visited@example.com' })).source_id);
    await ctx.settle(account.id);
    const shown = (await get(`/contacts/${owner}`).expect(200)).body.payload.contact_inboxes as { source_id: string }[];
    expect(shown.map((ci) => ci.source_id)).toEqual(sessions.slice(0, 50));
    const searched = (await get('/contacts/search?q=visited@example.com').expect(200)).body.payload as { id: number; contact_inboxes: unknown[] }[];
    expect(searched.find((c) => c.id === owner)?.contact_inboxes).toHaveLength(50);
    // The contact can still be reached in the inbox of any of its sessions: only what is answered is bounded.
    const visitorView = await ctx.http.get(visitorsPath(web, `/${sessions[59]}`));
    expect(visitorView.status).toBe(200);
  });
});
