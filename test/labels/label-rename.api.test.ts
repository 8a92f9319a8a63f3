import { startTestContext, testConfig, waitFor, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';
import { importCsv } from '../import/import-support';

// Chatwoot renames a label (PATCH /labels/{id} with a new title; its dashboard's edit form sends
// the title every time) and moves its contacts to the new title. It was a 422 here.
let ctx: TestContext;

beforeAll(async () => {
  ctx = await startTestContext();
});
afterAll(() => ctx.close());

const as = (c: TestContext, a: TestAccount, token = a.adminToken) => ({
  get: (p: string) => c.http.get(a.path(p)).set('api_access_token', token),
  post: (p: string, body: object) => c.http.post(a.path(p)).set('api_access_token', token).send(body),
  patch: (p: string, body: object) => c.http.patch(a.path(p)).set('api_access_token', token).send(body),
  delete: (p: string) => c.http.delete(a.path(p)).set('api_access_token', token),
});

async function carriers(c: TestContext, a: TestAccount, title: string): Promise<number> {
  await c.settle(a.id);
  return (await as(c, a).get(`/contacts?labels[]=${encodeURIComponent(title)}&per_page=1`)).body.meta.count;
}

async function labelled(c: TestContext, a: TestAccount, titles: string[]): Promise<number> {
  const { id } = await createContact(c, a);
  await as(c, a).post(`/contacts/${id}/labels`, { labels: titles }).expect(200);
  return id;
}

const labelId = async (c: TestContext, a: TestAccount, title: string) => (await c.deps.labelStore.of(a.id)).find((l) => l.title === title)!._id;

/** A rename recorded on the label with its contacts not moved yet: what a job still running, or lost, leaves. */
async function renamedNotMoved(c: TestContext, a: TestAccount, from: string, to: string): Promise<number> {
  const id = await labelId(c, a, from);
  await c.deps.labelStore.change(a.id, (list) => ({ items: list.map((l) => (l._id === id ? { ...l, title: to, renamed_from: from } : l)), result: undefined }));
  return id;
}

describe('renaming a label', () => {
  it('when an administrator gives a label a new title, then the label and every contact carrying it answer the new title, and the old title is free', async () => {
    const a = await ctx.createAccount();
    const api = as(ctx, a);
    const c1 = await labelled(ctx, a, ['vip', 'kept']);
    const c2 = await labelled(ctx, a, ['kept', 'vip']);
    const other = await labelled(ctx, a, ['kept']);
    const id = await labelId(ctx, a, 'vip');
    await ctx.settle(a.id);

    const renamed = await api.patch(`/labels/${id}`, { title: 'Gold', color: '#aa8800' });
    expect(renamed.status).toBe(200);
    // Lists answer the new title as soon as the rename has (the old one for up to a second before).
    expect((await api.get('/contacts?labels[]=gold')).body.meta.count).toBe(2);
    expect((await api.get('/contacts?labels[]=vip')).body.meta.count).toBe(0);
    expect(renamed.body).toMatchObject({ id, title: 'gold', color: '#aa8800' });
    expect((await api.get(`/labels/${id}`)).body).toMatchObject({ id, title: 'gold' });
    expect((await api.get('/labels')).body.payload.map((l: { title: string }) => l.title)).toEqual(['gold', 'kept']);
    // Chatwoot's order: the old title out, the new one at the end.
    expect((await api.get(`/contacts/${c1}/labels`)).body.payload).toEqual(['kept', 'gold']);
    expect((await api.get(`/contacts/${c2}/labels`)).body.payload).toEqual(['kept', 'gold']);
    expect((await api.get(`/contacts/${other}/labels`)).body.payload).toEqual(['kept']);
    expect(await carriers(ctx, a, 'gold')).toBe(2);
    expect(await carriers(ctx, a, 'vip')).toBe(0);
    const filtered = await api.post('/contacts/filter', { payload: [{ attribute_key: 'labels', filter_operator: 'equal_to', values: ['gold'] }] });
    expect(filtered.body.payload.map((c: { id: number }) => c.id).sort()).toEqual([c1, c2].sort());
    expect((await api.get(`/contacts/${c1}`)).body.payload.labels).toEqual(['kept', 'gold']);
    expect((await ctx.deps.labelStore.of(a.id)).find((l) => l._id === id)?.renamed_from).toBeUndefined();

    const again = await api.post('/labels', { title: 'vip' });
    expect(again.status).toBe(200);
    expect(again.body.id).not.toBe(id);
    expect(await carriers(ctx, a, 'vip')).toBe(0);
  });

  it('when a segment names the old title, then it names the new one and still finds the contacts; a segment that does not is left as it was', async () => {
    const a = await ctx.createAccount();
    const api = as(ctx, a);
    const c1 = await labelled(ctx, a, ['tier-a']);
    await labelled(ctx, a, ['other']);
    const save = async (name: string, payload: object[]) => (await api.post('/custom_filters', { name, filter_type: 'contact', query: { payload } }).expect(200)).body;
    const naming = await save('Tier A', [
      { attribute_key: 'labels', filter_operator: 'equal_to', values: ['Tier-A'], query_operator: 'or' },
      { group: [{ attribute_key: 'labels', filter_operator: 'equal_to', values: [{ id: 'tier-a', name: 'tier-a' }] }] },
    ]);
    const untouched = await save('Other', [{ attribute_key: 'labels', filter_operator: 'equal_to', values: ['other'] }]);

    await api.patch(`/labels/${await labelId(ctx, a, 'tier-a')}`, { title: 'tier-gold' }).expect(200);

    expect((await api.get(`/custom_filters/${naming.id}`)).body.query.payload).toEqual([
      { attribute_key: 'labels', filter_operator: 'equal_to', values: ['tier-gold'], query_operator: 'or' },
      { group: [{ attribute_key: 'labels', filter_operator: 'equal_to', values: [{ id: 'tier-gold', name: 'tier-gold' }] }] },
    ]);
    await ctx.settle(a.id);
    expect((await api.get(`/custom_filters/${naming.id}/contacts`)).body.payload.map((c: { id: number }) => c.id)).toEqual([c1]);
    expect((await api.get(`/custom_filters/${untouched.id}`)).body).toEqual(untouched);
  });

  it('when the new title is another label\'s, not a title, or the same in other case, then it is a 422 naming title or no rename at all', async () => {
    const a = await ctx.createAccount();
    const api = as(ctx, a);
    const c = await labelled(ctx, a, ['first', 'second']);
    const id = await labelId(ctx, a, 'first');
    const taken = await api.patch(`/labels/${id}`, { title: 'Second' });
    expect(taken.status).toBe(422);
    expect(taken.body).toMatchObject({ field: 'title', error: expect.stringContaining('"second" already exists') });
    expect((await api.patch(`/labels/${id}`, { title: 'two words' })).body.field).toBe('title');
    // The dashboard's edit form sends the title as it was, lowercased: not a rename.
    const same = await api.patch(`/labels/${id}`, { title: 'FIRST', description: 'unchanged title' });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ title: 'first', description: 'unchanged title' });
    expect((await api.get(`/contacts/${c}/labels`)).body.payload).toEqual(['first', 'second']);
    expect((await as(ctx, a, a.agentToken).patch(`/labels/${id}`, { title: 'agents-cannot' })).status).toBe(403);
    expect((await api.get(`/labels/${id}`)).body.title).toBe('first');
  });

  it('when a label is renamed while its last rename is still moving contacts, then it is a 409 saying so', async () => {
    const a = await ctx.createAccount();
    const api = as(ctx, a);
    await labelled(ctx, a, ['draft']);
    const id = await renamedNotMoved(ctx, a, 'draft', 'final');
    const refused = await api.patch(`/labels/${id}`, { title: 'other' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toContain('still being moved from "draft"');
    expect((await api.patch(`/labels/${id}`, { description: 'other fields are fine' })).status).toBe(200);
  });

  it('when a label is carried by more contacts than LABEL_REMOVAL_IN_REQUEST, then the rename answers at once and the job moves every contact', async () => {
    const small = await startTestContext({ config: testConfig({ LABEL_REMOVAL_IN_REQUEST: '1' }) });
    try {
      const a = await small.createAccount();
      const api = as(small, a);
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push(await labelled(small, a, ['many', 'kept']));
      await small.settle(a.id);
      const id = await labelId(small, a, 'many');
      expect((await api.patch(`/labels/${id}`, { title: 'plenty' })).body).toMatchObject({ id, title: 'plenty' });
      await waitFor(async () => !(await small.deps.labelStore.of(a.id)).find((l) => l._id === id)?.renamed_from, 'the rename job to finish');
      for (const contact of ids) expect((await api.get(`/contacts/${contact}/labels`)).body.payload).toEqual(['kept', 'plenty']);
      expect(await carriers(small, a, 'plenty')).toBe(3);
      expect(await carriers(small, a, 'many')).toBe(0);
    } finally {
      await small.close();
    }
  });

  it('when a renamed label is deleted before its contacts were moved, then both titles are taken off them', async () => {
    const a = await ctx.createAccount();
    const api = as(ctx, a);
    const moved = await labelled(ctx, a, ['bronze', 'kept']);
    const notYet = await labelled(ctx, a, ['old-tier', 'kept']);
    await api.post(`/contacts/${moved}/labels`, { labels: ['kept', 'old-tier'] }).expect(200);
    const id = await renamedNotMoved(ctx, a, 'old-tier', 'silver');
    await api.post(`/contacts/${moved}/labels`, { labels: ['kept', 'silver'] }).expect(200);
    await ctx.settle(a.id);

    expect((await api.delete(`/labels/${id}`)).status).toBe(200);
    expect((await api.get(`/contacts/${moved}/labels`)).body.payload).toEqual(['kept']);
    expect((await api.get(`/contacts/${notYet}/labels`)).body.payload).toEqual(['kept']);
    expect(await carriers(ctx, a, 'old-tier')).toBe(0);
    expect(await carriers(ctx, a, 'silver')).toBe(0);
    expect((await ctx.deps.labelStore.of(a.id)).map((l) => l.title).sort()).toEqual(['bronze', 'kept']);
  });

  it('when a move stopped between writing a chunk and indexing it, then its next run indexes that chunk first and moves the rest; the worker\'s start finds it', async () => {
    const a = await ctx.createAccount();
    const c1 = await labelled(ctx, a, ['before', 'kept']);
    const c2 = await labelled(ctx, a, ['before']);
    await ctx.settle(a.id);
    const id = await renamedNotMoved(ctx, a, 'before', 'after');
    await ctx.deps.labelStore.change(a.id, (list) => ({ items: list.map((l) => (l._id === id ? { ...l, stripping: [c1] } : l)), result: undefined }));
    await ctx.deps.writer.moveLabelUnsynced(a.id, [c1], 'before', 'after');
    expect(await ctx.deps.labelStore.unsettled()).toContainEqual({ accountId: a.id, labelId: id });

    await ctx.deps.services.labels.settle({ labelId: id, accountId: a.id });

    expect((await as(ctx, a).get(`/contacts/${c1}/labels`)).body.payload).toEqual(['kept', 'after']);
    expect((await as(ctx, a).get(`/contacts/${c2}/labels`)).body.payload).toEqual(['after']);
    expect(await carriers(ctx, a, 'after')).toBe(2);
    expect(await carriers(ctx, a, 'before')).toBe(0);
    const label = (await ctx.deps.labelStore.of(a.id)).find((l) => l._id === id);
    expect(label?.renamed_from).toBeUndefined();
    expect(label?.stripping).toBeUndefined();
    expect(await ctx.deps.labelStore.unsettled()).not.toContainEqual({ accountId: a.id, labelId: id });
  });

  it('when the old title is taken again while the move walks, then the walk stops at its next chunk and the contacts after it keep the old title', async () => {
    const a = await ctx.createAccount();
    const count = 1500; // the walk takes 1,000 contacts a chunk: two chunks
    const rows = Array.from({ length: count }, (_, i) => `Person ${i},person${i}@rename.test,season`);
    expect(await importCsv(ctx, a, ['name,email,labels', ...rows].join('\n'), 'season.csv', { create_labels: 'true' })).toMatchObject({ created: count });
    await ctx.settle(a.id);
    const id = await renamedNotMoved(ctx, a, 'season', 'summer');

    const store = ctx.deps.labelStore;
    const change = store.change;
    let retaken = false;
    store.change = async (accountId, decide) => {
      const result = await change(accountId, decide);
      if (!retaken && (await store.of(accountId)).find((l) => l._id === id)?.stripping?.length) {
        retaken = true;
        await as(ctx, a).post('/labels', { title: 'season' }).expect(200);
      }
      return result;
    };
    try {
      await ctx.deps.services.labels.settle({ labelId: id, accountId: a.id });
    } finally {
      store.change = change;
    }

    expect(retaken).toBe(true);
    expect(await carriers(ctx, a, 'summer')).toBe(1000);
    expect(await carriers(ctx, a, 'season')).toBe(count - 1000);
    expect((await store.of(a.id)).find((l) => l._id === id)).toMatchObject({ title: 'summer' });
    expect((await store.of(a.id)).find((l) => l._id === id)?.renamed_from).toBeUndefined();
  });
});
