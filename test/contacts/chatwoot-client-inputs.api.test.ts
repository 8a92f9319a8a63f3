import { startTestContext, type TestAccount, type TestContext } from '../support/context';

// What a Chatwoot API client sends, found by a black-box test with such a client: taken where
// Chatwoot takes it, and a 422 naming the input where it is no value at all.
let ctx: TestContext;
let account: TestAccount;
let contactId: number;

beforeAll(async () => {
  ctx = await startTestContext();
  account = await ctx.createAccount();
  contactId = (await ctx.deps.services.contacts.create(account.id, { name: 'Ana Input', custom_attributes: { plan: 'pro', tier: 'gold' } })).id;
  await ctx.settle(account.id);
});
afterAll(() => ctx.close());

const as = (method: 'get' | 'post' | 'patch', path: string) => ctx.http[method](account.path(path)).set('api_access_token', account.adminToken);
const everyone = [{ attribute_key: 'name', filter_operator: 'is_present', values: [] }];

describe('inputs of Chatwoot clients', () => {
  it.each([
    ['page', true],
    ['page', [2]],
    ['per_page', true],
  ])('when a filter body gives %s as %j, then it is a 422 naming it', async (field, value) => {
    const res = await as('post', '/contacts/filter').send({ payload: everyone, [field]: value });
    expect(res.status).toBe(422);
    expect(res.body.field).toBe(field);
    expect(res.body.error).toContain(`${field} must be a whole number`);
  });

  it('when a segment is run with a blank q, then q is absent, as every other blank list parameter', async () => {
    const segment = await as('post', '/custom_filters').send({ name: 'Everyone', filter_type: 'contact', query: { payload: everyone } }).expect(200);
    const run = await as('get', `/custom_filters/${segment.body.id}/contacts?q=&per_page=5`).expect(200);
    expect(run.body.meta.count).toBe(1);
    await as('post', '/contacts/filter?q=').send({ payload: everyone }).expect(200);
    // The search route needs its text, as Chatwoot's.
    await as('get', '/contacts/search?q=').expect(422);
  });

  it.each([
    ['a note', () => as('post', `/contacts/${contactId}/notes`).send({ content: 'called \u0000' }), 'content'],
    ['a segment name', () => as('post', '/custom_filters').send({ name: 'Seg\u0007', filter_type: 'contact', query: { payload: everyone } }), 'name'],
    ['an agent name', () => as('post', '/agents').send({ name: 'Eve\u001b[31m', email: 'eve@example.com', role: 'agent' }), 'name'],
    // Found by a black-box tester: the one text of these a person writes that took them.
    ['a label description', () => as('post', '/labels').send({ title: 'ctl', description: 'a\u0000b\u001b[31m' }), 'description'],
  ])('when %s holds a control character, then it is a 422 naming it, as a contact field', async (_what, send, field) => {
    const res = await send();
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/holds the control character U\+00(00|07|1B)/);
    expect(res.body.field).toBe(field);
  });

  it('when destroy_custom_attributes names one key as a string, then that key goes, as Chatwoot takes it', async () => {
    const res = await as('post', `/contacts/${contactId}/destroy_custom_attributes`).send({ custom_attributes: 'tier' }).expect(200);
    expect(res.body.payload.custom_attributes).toEqual({ plan: 'pro' });
    await as('post', `/contacts/${contactId}/destroy_custom_attributes`).send({ custom_attributes: 5 }).expect(422);
  });
});

// After the others: these make contacts and a definition of their own.
describe('what Chatwoot clients send beside the fields', () => {
  it("when a create sends id (Chatwoot's dashboard sends its new-contact form with id: 0), then it is ignored and the service gives the id; an id that is no whole number is a 422", async () => {
    for (const id of [0, null, '0', 12345, -1, '']) {
      const res = await as('post', '/contacts').send({ id, name: `Dashboard Dora ${String(id)}` });
      expect([id, res.status]).toEqual([id, 200]);
      expect(res.body.payload.contact.id).not.toBe(12345);
    }
    for (const body of ['id=0&name=Form+Dora', 'id=&name=Blank+Dora']) expect((await as('post', '/contacts').type('form').send(body)).status).toBe(200);
    for (const id of ['abc', 1.5, { n: 1 }]) {
      const refused = await as('post', '/contacts').send({ id, name: 'Dora' });
      expect(refused.body).toMatchObject({ field: 'id', error: expect.stringContaining('id is given by the service: leave it out') });
    }
  });

  it('when an update sends avatar: null beside the fields (Evolution API, for a contact without a picture), then the fields are written and the picture goes, as in Chatwoot; an avatar that is something is a 422 naming it', async () => {
    const id = (await as('post', '/contacts').send({ name: 'Ana Pictured' }).expect(200)).body.payload.contact.id;
    const put = (body: object) => ctx.http.put(account.path(`/contacts/${id}`)).set('api_access_token', account.adminToken).send(body);
    expect((await put({ avatar_url: 'https://img.example/ana.png' })).body.payload.thumbnail).toBe('https://img.example/ana.png');
    const res = await put({ name: 'Ana Avatar', avatar: null });
    expect(res.status).toBe(200);
    expect(res.body.payload).toMatchObject({ name: 'Ana Avatar', thumbnail: '' });
    expect(res.body.payload).not.toHaveProperty('avatar');
    // With avatar_url beside it, the URL is the picture.
    expect((await put({ avatar: '', avatar_url: 'https://img.example/ana2.png' })).body.payload.thumbnail).toBe('https://img.example/ana2.png');
    const created = await as('post', '/contacts').send({ name: 'No Picture', avatar: '' });
    expect(created.status).toBe(200);
    const refused = await put({ name: 'Ana Picture', avatar: 'https://img.example/a.png' });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ field: 'avatar', error: expect.stringContaining("give the image's URL as avatar_url") });
  });

  it('when blocked, a checkbox value or a filter\'s boolean comes as Rails casts it (1/0, on/off, t/f, any case), then it is that boolean; other text is a 422', async () => {
    const id = (await as('post', '/contacts').send({ name: 'Bea Boolean' }).expect(200)).body.payload.contact.id;
    const patch = (body: object) => ctx.http.patch(account.path(`/contacts/${id}`)).set('api_access_token', account.adminToken).send(body);
    for (const [given, read] of [[1, true], [0, false], ['ON', true], ['off', false], ['T', true], ['f', false]] as const) {
      expect([given, (await patch({ blocked: given })).body.payload?.blocked]).toEqual([given, read]);
    }
    // The 422 names what is taken (it said "expected boolean", while "T" is taken).
    for (const blocked of ['yes', 2]) {
      const res = await patch({ blocked });
      expect([res.status, res.body.field, res.body.error]).toEqual([422, 'blocked', 'blocked must be true or false (or 1/0, on/off, t/f in any case, as Rails casts a boolean)']);
    }
    await as('post', '/custom_attribute_definitions').send({ attribute_display_name: 'Opted in', attribute_key: 'opted_in', attribute_display_type: 'checkbox', attribute_model: 'contact_attribute' }).expect(200);
    expect((await patch({ custom_attributes: { opted_in: 'on' } })).body.payload.custom_attributes.opted_in).toBe(true);
    const filtered = await as('post', '/contacts/filter').send({ payload: [{ attribute_key: 'blocked', filter_operator: 'equal_to', values: ['0'] }] });
    expect(filtered.status).toBe(200);
    expect((await as('post', '/contacts/filter').send({ payload: [{ attribute_key: 'blocked', filter_operator: 'equal_to', values: ['maybe'] }] })).status).toBe(422);
  });

});
