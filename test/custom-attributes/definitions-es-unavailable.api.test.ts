import type { TestContext } from '../support/context';
import { startContextBehindElasticsearchProxy, type startTcpProxy } from '../support/tcp-proxy';

// Elasticsearch is reached through a proxy the test cuts, so the shared node stays up for everyone else.
let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
let ctx: TestContext;

beforeAll(async () => {
  ({ proxy, ctx } = await startContextBehindElasticsearchProxy());
});
afterAll(async () => {
  await ctx?.close();
  await proxy?.close();
});

describe('custom attribute definitions while Elasticsearch is unavailable', () => {
  it('when a contact write defines a key again while the index cannot be reached, then the write succeeds and its contact is listed once the index is back', async () => {
    const account = await ctx.createAccount();
    const api = (p: string) => ctx.http.post(account.path(p)).set('api_access_token', account.adminToken);
    const def = await api('/custom_attribute_definitions').send({ attribute_key: 'region', attribute_display_type: 'text' });
    expect((await api('/contacts').send({ name: 'Holder', custom_attributes: { region: 'north' } })).status).toBe(200);
    await ctx.http.delete(account.path(`/custom_attribute_definitions/${def.body.id}`)).set('api_access_token', account.adminToken);
    await ctx.settle(account.id);

    await proxy.cut();
    // Finding the contacts that kept the key needs the index; the write must not wait for it.
    const res = await api('/contacts').send({ name: 'Writer', custom_attributes: { region: 'south', fresh: 'x' } });
    expect(res.status).toBe(200);
    await proxy.restore();
    await ctx.settle(account.id);
    const listed = await ctx.http.get(account.path('/contacts?sort=custom_attributes.region')).set('api_access_token', account.adminToken);
    expect(listed.status).toBe(200);
    expect(listed.body.payload.map((c: { name: string }) => c.name)).toContain('Writer');
  });

  // The definition was removed before its contacts were re-indexed: the delete answered 503, a retry
  // 404, and the values stayed in the freed slot, where the next definition to take it found them.
  it('when a definition is deleted while the index cannot be reached, then it answers 503 and stays; deleted once the index is back, its values do not show under the key that takes its slot', async () => {
    const account = await ctx.createAccount();
    const h = { api_access_token: account.adminToken };
    const def = await ctx.http.post(account.path('/custom_attribute_definitions')).set(h).send({ attribute_key: 'plan', attribute_display_type: 'text' });
    await ctx.http.post(account.path('/contacts')).set(h).send({ name: 'Holder', custom_attributes: { plan: 'gold' } }).expect(200);
    await ctx.settle(account.id);

    await proxy.cut();
    const refused = await ctx.http.delete(account.path(`/custom_attribute_definitions/${def.body.id}`)).set(h);
    await proxy.restore();
    expect(refused.status).toBe(503);
    const keys = (await ctx.http.get(account.path('/custom_attribute_definitions')).set(h)).body.map((d: { attribute_key: string }) => d.attribute_key);
    expect(keys).toEqual(['plan']);

    expect((await ctx.http.delete(account.path(`/custom_attribute_definitions/${def.body.id}`)).set(h)).status).toBe(204);
    await ctx.http.post(account.path('/custom_attribute_definitions')).set(h).send({ attribute_key: 'region', attribute_display_type: 'text' }).expect(200);
    await ctx.settle(account.id);
    const found = await ctx.http.post(account.path('/contacts/filter')).set(h).send({ payload: [{ attribute_key: 'region', filter_operator: 'equal_to', values: ['gold'] }] });
    expect(found.body.meta.count).toBe(0);
  });

  // The definition was made before its holders were re-indexed: the create answered 503, a retry
  // 422 (already defined), and the contacts holding the key stayed out of its slot.
  it('when a key contacts hold is defined while the index cannot be reached, then it answers 503 and defines nothing; defined once the index is back, its holders are found', async () => {
    const account = await ctx.createAccount();
    const h = { api_access_token: account.adminToken };
    const def = await ctx.http.post(account.path('/custom_attribute_definitions')).set(h).send({ attribute_key: 'tier', attribute_display_type: 'text' });
    await ctx.http.post(account.path('/contacts')).set(h).send({ name: 'Holder', custom_attributes: { tier: 'gold' } }).expect(200);
    await ctx.http.delete(account.path(`/custom_attribute_definitions/${def.body.id}`)).set(h).expect(204);
    await ctx.settle(account.id);

    await proxy.cut();
    const refused = await ctx.http.post(account.path('/custom_attribute_definitions')).set(h).send({ attribute_key: 'tier', attribute_display_type: 'text' });
    await proxy.restore();
    expect(refused.status).toBe(503);
    expect((await ctx.http.get(account.path('/custom_attribute_definitions')).set(h)).body).toEqual([]);

    expect((await ctx.http.post(account.path('/custom_attribute_definitions')).set(h).send({ attribute_key: 'tier', attribute_display_type: 'text' })).status).toBe(200);
    await ctx.settle(account.id);
    const found = await ctx.http.post(account.path('/contacts/filter')).set(h).send({ payload: [{ attribute_key: 'tier', filter_operator: 'equal_to', values: ['gold'] }] });
    expect(found.body.meta.count).toBe(1);
  });
});
