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

describe('deleting a label while Elasticsearch is unavailable', () => {
  // The label was hidden before its carriers were counted: the delete answered 503, a retry 404, and
  // its contacts kept it (listed by it, shown with it) until a worker's next start.
  it('when the index cannot be reached, then the delete answers 503 and the label stays; deleted once the index is back, it leaves its contacts', async () => {
    const account = await ctx.createAccount();
    const h = { api_access_token: account.adminToken };
    const contact = await ctx.http.post(account.path('/contacts')).set(h).send({ name: 'Carrier' }).expect(200);
    const id = contact.body.payload.contact.id;
    await ctx.http.post(account.path(`/contacts/${id}/labels`)).set(h).send({ labels: ['vip', 'kept'] }).expect(200);
    await ctx.settle(account.id);
    const vip = (await ctx.http.get(account.path('/labels')).set(h)).body.payload.find((l: { title: string }) => l.title === 'vip');

    await proxy.cut();
    const refused = await ctx.http.delete(account.path(`/labels/${vip.id}`)).set(h);
    await proxy.restore();
    expect(refused.status).toBe(503);
    expect((await ctx.http.get(account.path('/labels')).set(h)).body.payload.map((l: { title: string }) => l.title)).toEqual(['kept', 'vip']);

    expect((await ctx.http.delete(account.path(`/labels/${vip.id}`)).set(h)).status).toBe(200);
    expect((await ctx.http.get(account.path(`/contacts/${id}/labels`)).set(h)).body.payload).toEqual(['kept']);
    await ctx.settle(account.id);
    expect((await ctx.http.get(account.path('/contacts?labels[]=vip')).set(h)).body.meta.count).toBe(0);
  });

  it('when the index cannot be reached, then a rename answers 503 and the label keeps its title; renamed once the index is back, its contacts follow', async () => {
    const account = await ctx.createAccount();
    const h = { api_access_token: account.adminToken };
    const contact = await ctx.http.post(account.path('/contacts')).set(h).send({ name: 'Renamed carrier' }).expect(200);
    const id = contact.body.payload.contact.id;
    await ctx.http.post(account.path(`/contacts/${id}/labels`)).set(h).send({ labels: ['trial'] }).expect(200);
    await ctx.settle(account.id);
    const trial = (await ctx.http.get(account.path('/labels')).set(h)).body.payload.find((l: { title: string }) => l.title === 'trial');

    await proxy.cut();
    const refused = await ctx.http.patch(account.path(`/labels/${trial.id}`)).set(h).send({ title: 'paid' });
    await proxy.restore();
    expect(refused.status).toBe(503);
    expect((await ctx.http.get(account.path(`/labels/${trial.id}`)).set(h)).body.title).toBe('trial');

    expect((await ctx.http.patch(account.path(`/labels/${trial.id}`)).set(h).send({ title: 'paid' })).status).toBe(200);
    expect((await ctx.http.get(account.path(`/contacts/${id}/labels`)).set(h)).body.payload).toEqual(['paid']);
  });
});
