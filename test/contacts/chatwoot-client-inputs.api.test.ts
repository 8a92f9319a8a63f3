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
  it('when an update sends avatar: null beside the fields (Evolution API, for a contact without a picture), then the fields are written; an avatar that is something is a 422 naming it', async () => {
    const res = await ctx.http.put(account.path(`/contacts/${contactId}`)).set('api_access_token', account.adminToken).send({ name: 'Ana Avatar', avatar: null });
    expect(res.status).toBe(200);
    expect(res.body.payload).toMatchObject({ name: 'Ana Avatar' });
    expect(res.body.payload).not.toHaveProperty('avatar');
    const created = await as('post', '/contacts').send({ name: 'No Picture', avatar: '' });
    expect(created.status).toBe(200);
    const refused = await ctx.http.put(account.path(`/contacts/${contactId}`)).set('api_access_token', account.adminToken).send({ name: 'Ana Picture', avatar: 'https://img.example/a.png' });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ field: 'avatar', error: expect.stringContaining("give the image's URL as avatar_url") });
  });

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
