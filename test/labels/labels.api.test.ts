import { startTestContext, testConfig, waitFor, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';

let ctx: TestContext;
let account: TestAccount;

beforeAll(async () => {
  ctx = await startTestContext();
  account = await ctx.createAccount();
});
afterAll(() => ctx.close());

const as = (a: TestAccount, token = a.adminToken) => ({
  get: (p: string) => ctx.http.get(a.path(p)).set('api_access_token', token),
  post: (p: string, body: object) => ctx.http.post(a.path(p)).set('api_access_token', token).send(body),
  patch: (p: string, body: object) => ctx.http.patch(a.path(p)).set('api_access_token', token).send(body),
  delete: (p: string) => ctx.http.delete(a.path(p)).set('api_access_token', token),
});

describe('account labels', () => {
  it('when a label is created, then it is listed lowercased in Chatwoot\'s shape', async () => {
    const api = as(account);
    const created = await api.post('/labels', { title: 'VIP', color: '#ff0000', description: 'big ones' });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ title: 'vip', color: '#ff0000', description: 'big ones', show_on_sidebar: true });
    const list = await api.get('/labels');
    expect(list.body.payload.map((l: { title: string }) => l.title)).toContain('vip');
    expect((await api.post('/labels', { title: 'vip' })).status).toBe(422);
    expect((await api.post('/labels', { title: 'with space' })).status).toBe(422);
    expect((await as(account, account.agentToken).post('/labels', { title: 'agents-cannot' })).status).toBe(403);
  });

  it('when POST or PATCH /labels names a title that cannot be a label, then the 422 names the field title, not labels', async () => {
    const api = as(account);
    const refused = await api.post('/labels', { title: 'with space' });
    expect(refused.status).toBe(422);
    expect(refused.body.field).toBe('title');
    const created = await api.post('/labels', { title: 'titled' });
    const renamed = await api.patch(`/labels/${created.body.id}`, { title: 'with space' });
    expect(renamed.status).toBe(422);
    expect(renamed.body.field).toBe('title');
    expect((await api.post('/labels', { title: 't'.repeat(256) })).body).toMatchObject({ field: 'title', error: 'title must be at most 255 characters' });
    // Counted in characters: 255 Deseret letters are 510 UTF-16 units (found by a black-box read, 2026-12-05).
    const deseret = '\u{10428}'.repeat(255);
    expect((await api.post('/labels', { title: deseret })).status).toBe(200);
    expect((await api.post(`/contacts/${(await createContact(ctx, account)).id}/labels`, { labels: ['\u{10429}'.repeat(255)] })).status).toBe(200);
    expect((await api.post('/labels', { title: '\u{1042a}'.repeat(256) })).body).toMatchObject({ field: 'title', error: 'title must be at most 255 characters' });
    expect((await api.post('/labels', { title: `${'a'.repeat(254)}e\u0301` })).status).toBe(200);
  });

  // #FFF was refused though an inbox's widget_color takes #rgb (and Chatwoot any text).
  it('when labels are listed, then they are by title ignoring accents, as the contacts\' text sorts', async () => {
    const other = await ctx.createAccount();
    const api = as(other);
    for (const title of ['zona', 'área', 'beta', 'ábaco']) expect((await api.post('/labels', { title })).status).toBe(200);
    expect((await api.get('/labels')).body.payload.map((l: { title: string }) => l.title)).toEqual(['ábaco', 'área', 'beta', 'zona']);
  });

  it('when a label colour is #rgb, then it is taken and stored expanded to #rrggbb; other forms are a 422 naming color', async () => {
    const api = as(account);
    const created = await api.post('/labels', { title: 'short-colour', color: '#FFF' });
    expect(created.status).toBe(200);
    expect(created.body.color).toBe('#FFFFFF');
    const updated = await api.patch(`/labels/${created.body.id}`, { color: '#0a3' });
    expect(updated.body.color).toBe('#00aa33');
    expect((await api.get(`/labels/${created.body.id}`)).body.color).toBe('#00aa33');
    expect((await api.patch(`/labels/${created.body.id}`, { color: '#1F93ff' })).body.color).toBe('#1F93ff');
    for (const color of ['#ffff', '#ff', 'fff', '#ggg', '#fffffff', 'red']) {
      const refused = await api.patch(`/labels/${created.body.id}`, { color });
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ field: 'color', error: 'color must be a hex colour such as #1f93ff or #fff' });
    }
  });

  it('when a label is sent wrapped in "label", as Chatwoot\'s clients may, then create and update take it; a wrapper beside bare fields is a 422', async () => {
    const api = as(account);
    const created = await api.post('/labels', { label: { title: 'Wrapped', description: 'in a label', color: '#00aa00' } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ title: 'wrapped', description: 'in a label', color: '#00aa00' });
    const updated = await api.patch(`/labels/${created.body.id}`, { label: { description: 'changed', show_on_sidebar: false } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ title: 'wrapped', description: 'changed', color: '#00aa00', show_on_sidebar: false });
    expect((await api.get(`/labels/${created.body.id}`)).body).toMatchObject({ description: 'changed', show_on_sidebar: false });
    const mixed = await api.post('/labels', { title: 'mixed', label: { color: '#000000' } });
    expect(mixed.status).toBe(422);
    expect(mixed.body.error).toContain('label');
    const unknownInside = await api.patch(`/labels/${created.body.id}`, { label: { extra: 1 } });
    expect(unknownInside.status).toBe(422);
    expect(unknownInside.body.error).toContain('extra');
  });

  it('when a label is updated with PUT, as Rails routes Chatwoot\'s resources, then it is the same update as PATCH', async () => {
    const api = as(account);
    const created = await api.post('/labels', { title: 'put-me', color: '#112233' });
    const put = (body: object, token = account.adminToken) =>
      ctx.http.put(account.path(`/labels/${created.body.id}`)).set('api_access_token', token).send(body);
    const updated = await put({ label: { title: 'put-me', description: 'by put', show_on_sidebar: false } });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ id: created.body.id, title: 'put-me', description: 'by put', color: '#112233', show_on_sidebar: false });
    expect((await api.get(`/labels/${created.body.id}`)).body).toEqual(updated.body);
    expect((await put({ color: 'red' })).status).toBe(422);
    expect((await put({ description: 'agent' }, account.agentToken)).status).toBe(403);
  });

  it('when show_on_sidebar comes as null, as Chatwoot\'s column may hold it, then it is absent: the default on create, unchanged on update', async () => {
    const api = as(account);
    const created = await api.post('/labels', { title: 'null-sidebar', show_on_sidebar: null });
    expect(created.status).toBe(200);
    expect(created.body.show_on_sidebar).toBe(true);
    await api.patch(`/labels/${created.body.id}`, { show_on_sidebar: false }).expect(200);
    const updated = await api.patch(`/labels/${created.body.id}`, { show_on_sidebar: null, description: 'kept hidden' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ show_on_sidebar: false, description: 'kept hidden' });
    expect((await api.get(`/labels/${created.body.id}`)).body.show_on_sidebar).toBe(false);
  });

  it('when another account reads or deletes a label, then it does not see it', async () => {
    const other = await ctx.createAccount();
    const created = await as(account).post('/labels', { title: 'private-one' });
    expect((await as(other).get(`/labels/${created.body.id}`)).status).toBe(404);
    expect((await as(other).delete(`/labels/${created.body.id}`)).status).toBe(404);
    expect((await as(other).get('/labels')).body.payload).toEqual([]);
  });
});

describe('contact labels', () => {
  it('when labels are posted, then they replace the set, are lowercased, created as account labels and reach the index', async () => {
    const api = as(account, account.agentToken);
    const contact = await createContact(ctx, account);
    const first = await api.post(`/contacts/${contact.id}/labels`, { labels: ['Lead', 'hot', 'lead'] });
    expect(first.status).toBe(200);
    expect(first.body.payload).toEqual(['lead', 'hot']);
    const second = await api.post(`/contacts/${contact.id}/labels`, { labels: ['customer'] });
    expect(second.body.payload).toEqual(['customer']);
    expect((await api.get(`/contacts/${contact.id}/labels`)).body.payload).toEqual(['customer']);
    expect((await api.get(`/contacts/${contact.id}`)).body.payload.labels).toEqual(['customer']);
    // The answer is the set as stored and shown afterwards (kept labels in their order, then the new
    // ones), not the order of the request: it answered ['nosuch-x', 'customer'] here.
    const third = await api.post(`/contacts/${contact.id}/labels`, { labels: ['nosuch-x', 'customer'] });
    expect(third.body.payload).toEqual(['customer', 'nosuch-x']);
    expect((await api.get(`/contacts/${contact.id}/labels`)).body.payload).toEqual(third.body.payload);
    expect((await api.post(`/contacts/${contact.id}/labels`, { labels: ['customer'] })).body.payload).toEqual(['customer']);
    const titles = (await api.get('/labels')).body.payload.map((l: { title: string }) => l.title);
    expect(titles).toEqual(expect.arrayContaining(['lead', 'hot', 'customer']));

    await ctx.settle(account.id);
    const listed = await api.get('/contacts?labels[]=Customer');
    expect(listed.body.payload.map((c: { id: number }) => c.id)).toEqual([contact.id]);
    expect(listed.body.payload[0].labels).toEqual(['customer']);
    expect((await api.get('/contacts?labels[]=lead')).body.meta.count).toBe(0);
  });

  // Chatwoot drops labels on create; here a Chatwoot client sending them got a 422 for an unknown key.
  it('when a contact is created with labels, then it holds them, lowercased and made account labels, and the index lists it under them', async () => {
    const fresh = await ctx.createAccount();
    const api = as(fresh, fresh.agentToken);
    const created = await api.post('/contacts', { name: 'Labelled at birth', labels: ['VIP', 'lead', 'Lead'] });
    expect(created.status).toBe(200);
    expect(created.body.payload.contact.labels).toEqual(['vip', 'lead']);
    const id = created.body.payload.contact.id;
    expect((await api.get(`/contacts/${id}/labels`)).body.payload).toEqual(['vip', 'lead']);
    expect((await api.get('/labels')).body.payload.map((l: { title: string }) => l.title)).toEqual(['lead', 'vip']);
    await ctx.settle(fresh.id);
    expect((await api.get('/contacts?labels[]=vip')).body.payload.map((c: { id: number }) => c.id)).toEqual([id]);

    // null and [] are no labels, as absent.
    for (const labels of [null, []]) {
      const none = await api.post('/contacts', { name: `No labels ${JSON.stringify(labels)}`, labels });
      expect(none.status).toBe(200);
      expect(none.body.payload.contact.labels).toEqual([]);
    }
  });

  it('when a contact to create names bad labels, or a create is refused for its values, then nothing is created, no label either', async () => {
    const fresh = await ctx.createAccount();
    const api = as(fresh);
    const titles = (await api.get('/labels')).body.payload;
    expect(titles).toEqual([]);
    const refused = [
      [{ name: 'Spaced', labels: ['with space'] }, 'labels'],
      [{ name: 'Not a list', labels: 'vip' }, 'labels'],
      [{ name: 'Too many', labels: Array.from({ length: 101 }, (_, i) => `many-${i}`) }, 'labels'],
    ] as const;
    for (const [body, field] of refused) {
      const res = await api.post('/contacts', body);
      expect(res.status).toBe(422);
      expect(res.body.field ?? res.body.error).toContain(field);
    }
    await api.post('/contacts', { email: 'taken@example.com' }).expect(200);
    const duplicate = await api.post('/contacts', { email: 'taken@example.com', labels: ['never-made'] });
    expect(duplicate.status).toBe(422);
    expect(duplicate.body.field).toBe('email');
    expect((await api.get('/labels')).body.payload).toEqual([]);
    await ctx.settle(fresh.id);
    expect((await api.get('/contacts')).body.meta.count).toBe(1);
  });

  it('when labels is one comma-separated string, as Chatwoot\'s tagged_with reads it, then contacts holding any of them are listed', async () => {
    const api = as(account, account.agentToken);
    const [gold, silver] = [await createContact(ctx, account), await createContact(ctx, account)];
    await api.post(`/contacts/${gold.id}/labels`, { labels: ['comma-gold'] });
    await api.post(`/contacts/${silver.id}/labels`, { labels: ['comma-silver'] });
    await ctx.settle(account.id);
    const ids = (res: { body: { payload: { id: number }[] } }) => res.body.payload.map((c) => c.id).sort((a, b) => a - b);
    expect(ids(await api.get('/contacts?labels=comma-gold,%20Comma-Silver'))).toEqual([gold.id, silver.id].sort((a, b) => a - b));
    expect(ids(await api.get('/contacts?labels=comma-gold'))).toEqual([gold.id]);
    expect(ids(await api.get('/contacts?labels[]=comma-silver,comma-gold'))).toEqual([gold.id, silver.id].sort((a, b) => a - b));
  });

  // Chatwoot narrows by labels only when `params[:labels].present?`: an empty `labels=` (a script's
  // `?labels=${label}` with no label chosen) lists every contact. It listed none here.
  it('when labels is an empty string, as Chatwoot reads it, then the list is not narrowed', async () => {
    const api = as(account, account.agentToken);
    await createContact(ctx, account);
    await ctx.settle(account.id);
    const all = (await api.get('/contacts')).body.meta.count;
    expect(all).toBeGreaterThan(0);
    expect((await api.get('/contacts?labels=')).body.meta.count).toBe(all);
    expect((await api.get('/contacts?labels=%20')).body.meta.count).toBe(all);
    expect((await api.post('/contacts/filter?labels=', { payload: [{ attribute_key: 'name', filter_operator: 'is_present', values: [] }] })).body.meta.count).toBe(
      (await api.post('/contacts/filter', { payload: [{ attribute_key: 'name', filter_operator: 'is_present', values: [] }] })).body.meta.count,
    );
  });

  // `labels[]=` listed no contact while `labels=` listed them all, and a title no label can have
  // listed nothing with a 200 (found by a spec-only test).
  it('when labels[] is blank, then the list is not narrowed either; when it names a title no label can have, then it answers 422 naming labels', async () => {
    const api = as(account, account.agentToken);
    const gold = await createContact(ctx, account);
    expect((await api.post(`/contacts/${gold.id}/labels`, { labels: ['blank-gold'] })).status).toBe(200);
    await ctx.settle(account.id);
    const all = (await api.get('/contacts')).body.meta.count;
    expect((await api.get('/contacts?labels[]=')).body.meta.count).toBe(all);
    expect((await api.get('/contacts?labels[]=%20&labels[]=')).body.meta.count).toBe(all);
    expect((await api.get('/contacts?labels[]=blank-gold&labels[]=')).body.meta.count).toBe(1);
    expect((await api.get('/contacts?labels=blank-gold,')).body.meta.count).toBe(1);
    for (const query of ['labels[]=a%20b', 'labels=vip,no%20such', 'labels[]=%3Cb%3E']) {
      const res = await api.get(`/contacts?${query}`);
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ field: 'labels', error: expect.stringMatching(/may hold only letters, digits/) });
    }
    expect((await api.get('/contacts/search?q=x&labels[]=a%20b')).status).toBe(422);
  });

  // A title typed decomposed (e + U+0301, as macOS may send it) is the title typed composed: it
  // was refused as "letters only" (a combining accent is no letter), and Turkish İ lowercased to
  // i + a combining dot above, refused the same way.
  it('when a title comes decomposed (NFD) or with a Turkish capital İ, then it is the same label as its composed, lowercased spelling, wherever labels are named', async () => {
    const api = as(account);
    const created = await api.post('/labels', { title: 'Caf\u00e9-NFC' });
    expect(created.body.title).toBe('caf\u00e9-nfc');
    const again = await api.post('/labels', { title: 'Cafe\u0301-nfc' });
    expect(again.status).toBe(422);
    expect(again.body.error).toContain('already exists');
    const contact = await createContact(ctx, account);
    const posted = await api.post(`/contacts/${contact.id}/labels`, { labels: ['CAFE\u0301-NFC', '\u0130stanbul'] });
    expect(posted.status).toBe(200);
    expect([...posted.body.payload].sort()).toEqual(['caf\u00e9-nfc', 'istanbul']);
    await ctx.settle(account.id);
    const ids = (res: { body: { payload: { id: number }[] } }) => res.body.payload.map((c) => c.id);
    expect(ids(await api.get(`/contacts?labels[]=${encodeURIComponent('Cafe\u0301-nfc')}`))).toEqual([contact.id]);
    expect(ids(await api.get(`/contacts?labels[]=${encodeURIComponent('\u0130STANBUL')}`))).toEqual([contact.id]);
    // As JavaScript lowercases İ (the console lowercases a title before sending it): i + U+0307.
    expect(ids(await api.get(`/contacts?labels[]=${encodeURIComponent('i\u0307stanbul')}`))).toEqual([contact.id]);
    expect((await api.post(`/contacts/${contact.id}/labels`, { labels: ['i\u0307zmir'] })).body.payload).toEqual(['izmir']);
    const filtered = await api.post('/contacts/filter', { payload: [{ attribute_key: 'labels', filter_operator: 'equal_to', values: [' cafe\u0301-nfc '] }] });
    expect(ids(filtered)).toEqual([contact.id]);
  });

  it('when a label is invalid or the body is wrong, then it answers 422', async () => {
    const contact = await createContact(ctx, account);
    expect((await as(account).post(`/contacts/${contact.id}/labels`, { labels: ['a b'] })).status).toBe(422);
    expect((await as(account).post(`/contacts/${contact.id}/labels`, { labels: 'x' })).status).toBe(422);
    expect((await as(account).post(`/contacts/${contact.id}/labels`, {})).status).toBe(422);
  });

  it('when the body holds a key besides labels, then it answers 422 naming the key and the labels stay as they were', async () => {
    const contact = await createContact(ctx, account);
    const res = await as(account).post(`/contacts/${contact.id}/labels`, { labels: ['unknown-key-label'], extra: 1 });
    expect(res.status).toBe(422);
    expect(res.body.error).toContain('extra');
    expect((await as(account).get(`/contacts/${contact.id}/labels`)).body.payload).toEqual([]);
    expect((await as(account).get('/labels')).body.payload.map((l: { title: string }) => l.title)).not.toContain('unknown-key-label');
  });

  it('when more than 100 labels are set, then it answers 422 naming labels and creates none; a contact a bulk action took past 100 can still have one taken away by sending the rest', async () => {
    const contact = await createContact(ctx, account);
    const titles = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
    const tooMany = await as(account).post(`/contacts/${contact.id}/labels`, { labels: titles('over', 101) });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body).toMatchObject({ field: 'labels', error: expect.stringContaining('at most 100 labels') });
    expect((await as(account).get('/labels')).body.payload.map((l: { title: string }) => l.title)).not.toContain('over-0');

    await as(account).post(`/contacts/${contact.id}/labels`, { labels: titles('first', 100) }).expect(200);
    await as(account).post('/bulk_actions', { type: 'Contact', ids: [contact.id], labels: { add: titles('second', 5) } }).expect(200);
    const held: string[] = (await as(account).get(`/contacts/${contact.id}/labels`)).body.payload;
    expect(held).toHaveLength(105);
    // Chatwoot's dashboard removes a label by sending the others (it was a 422: only a bulk remove undid it).
    const removed = await as(account).post(`/contacts/${contact.id}/labels`, { labels: held.filter((t) => t !== 'second-4') });
    expect(removed.status).toBe(200);
    expect(removed.body.payload).toHaveLength(104);
    // Past 100, nothing may be added, even while taking others away.
    const swapped = await as(account).post(`/contacts/${contact.id}/labels`, { labels: [...held.filter((t) => t !== 'second-3' && t !== 'second-4'), 'third-0'] });
    expect(swapped.status).toBe(422);
    expect((await as(account).get(`/contacts/${contact.id}/labels`)).body.payload).toHaveLength(104);
  });

  it('when an account label is deleted, then contacts lose it in MongoDB and in the index', async () => {
    const a = await ctx.createAccount();
    const api = as(a);
    const c1 = await createContact(ctx, a);
    const c2 = await createContact(ctx, a);
    await api.post(`/contacts/${c1.id}/labels`, { labels: ['gone', 'stays'] });
    await api.post(`/contacts/${c2.id}/labels`, { labels: ['gone'] });
    const label = (await api.get('/labels')).body.payload.find((l: { title: string }) => l.title === 'gone');
    await ctx.settle(a.id);
    expect((await api.delete(`/labels/${label.id}`)).status).toBe(200);
    // Lists answer the change as soon as the delete has (they showed the carriers for up to a second).
    expect((await api.get('/contacts?labels[]=gone')).body.meta.count).toBe(0);
    expect((await api.get('/contacts?labels[]=stays')).body.payload.map((c: { labels: string[] }) => c.labels)).toEqual([['stays']]);
    expect((await api.get(`/contacts/${c1.id}/labels`)).body.payload).toEqual(['stays']);
    expect((await api.get(`/contacts/${c2.id}/labels`)).body.payload).toEqual([]);
    await ctx.settle(a.id);
    expect((await api.get('/contacts?labels[]=gone')).body.meta.count).toBe(0);
    expect((await api.get('/contacts?labels[]=stays')).body.meta.count).toBe(1);
  });

  it('when a label is carried by more contacts than LABEL_REMOVAL_IN_REQUEST, then it is gone from the list at once and a job takes it off every contact', async () => {
    const small = await startTestContext({ config: testConfig({ LABEL_REMOVAL_IN_REQUEST: '1' }) });
    try {
      const a = await small.createAccount();
      const h = { api_access_token: a.adminToken };
      const ids: number[] = [];
      for (let i = 0; i < 3; i++) ids.push((await createContact(small, a)).id);
      for (const id of ids) await small.http.post(a.path(`/contacts/${id}/labels`)).set(h).send({ labels: ['many', 'kept'] }).expect(200);
      await small.settle(a.id);
      const label = (await small.http.get(a.path('/labels')).set(h)).body.payload.find((l: { title: string }) => l.title === 'many');
      expect((await small.http.delete(a.path(`/labels/${label.id}`)).set(h)).status).toBe(200);
      expect((await small.http.get(a.path('/labels')).set(h)).body.payload.map((l: { title: string }) => l.title)).toEqual(['kept']);
      expect((await small.http.get(a.path(`/labels/${label.id}`)).set(h)).status).toBe(404);
      await waitFor(async () => !(await small.deps.labelStore.of(a.id)).some((l) => l._id === label.id), 'the removal job to finish');
      for (const id of ids) expect((await small.http.get(a.path(`/contacts/${id}/labels`)).set(h)).body.payload).toEqual(['kept']);
      await small.settle(a.id);
      expect((await small.http.get(a.path('/contacts?labels[]=many')).set(h)).body.meta.count).toBe(0);
      expect((await small.http.get(a.path('/contacts?labels[]=kept')).set(h)).body.meta.count).toBe(3);
    } finally {
      await small.close();
    }
  });

  it('when a removal stopped between taking the label off a chunk and indexing it, then its next run, or the label created again, indexes that chunk', async () => {
    const a = await ctx.createAccount();
    const api = as(a);
    const c1 = await createContact(ctx, a);
    const c2 = await createContact(ctx, a);
    for (const c of [c1, c2]) await api.post(`/contacts/${c.id}/labels`, { labels: ['half', 'back', 'kept'] }).expect(200);
    await ctx.settle(a.id);
    const titles = (await api.get('/labels')).body.payload as { id: number; title: string }[];
    const idOf = (title: string) => titles.find((l) => l.title === title)!.id;
    const count = async (title: string) => {
      await ctx.deps.es.indices.refresh({ index: ctx.deps.index });
      return (await api.get(`/contacts?labels[]=${title}`)).body.meta.count;
    };
    // What a run leaves when it stops after its write: the chunk recorded, the label off c1 in
    // MongoDB, the index not told.
    const interrupt = async (title: string) => {
      await ctx.deps.labelStore.change(a.id, (list) => ({ items: list.map((l) => (l._id === idOf(title) ? { ...l, deleting: true, stripping: [c1.id] } : l)), result: undefined }));
      await ctx.deps.writer.pullLabelUnsynced(a.id, [c1.id], title);
    };

    await interrupt('half');
    await ctx.settle(a.id);
    expect(await count('half')).toBe(2);
    await ctx.deps.services.labels.settle({ labelId: idOf('half'), accountId: a.id });
    expect(await count('half')).toBe(0);
    expect((await ctx.deps.labelStore.of(a.id)).map((l) => l._id)).not.toContain(idOf('half'));

    await interrupt('back');
    expect(await count('back')).toBe(2);
    expect((await api.post('/labels', { title: 'back' })).status).toBe(200);
    expect(await count('back')).toBe(1);
    expect((await api.get(`/contacts/${c1.id}/labels`)).body.payload).toEqual(['kept']);
    expect(await count('kept')).toBe(2);
    expect((await ctx.deps.labelStore.of(a.id)).find((l) => l._id === idOf('back'))?.stripping).toBeUndefined();
  });

  it('when the contact belongs to another account, then its labels are a 404', async () => {
    const other = await ctx.createAccount();
    const theirs = await createContact(ctx, other);
    expect((await as(account).get(`/contacts/${theirs.id}/labels`)).status).toBe(404);
    expect((await as(account).post(`/contacts/${theirs.id}/labels`, { labels: ['x'] })).status).toBe(404);
  });

  it('when labels are posted to a contact that does not exist or is another account\'s, then it is a 404 and no label is created', async () => {
    const fresh = await ctx.createAccount();
    const other = await ctx.createAccount();
    const theirs = await createContact(ctx, other);
    expect((await as(fresh).post('/contacts/99999999/labels', { labels: ['orphanlabel'] })).status).toBe(404);
    expect((await as(fresh).post(`/contacts/${theirs.id}/labels`, { labels: ['stolenlabel'] })).status).toBe(404);
    const deleted = await createContact(ctx, fresh);
    expect((await as(fresh).delete(`/contacts/${deleted.id}`)).status).toBe(200);
    expect((await as(fresh).post(`/contacts/${deleted.id}/labels`, { labels: ['deadlabel'] })).status).toBe(404);
    expect((await as(fresh).get('/labels')).body.payload).toEqual([]);
    expect((await as(other).get('/labels')).body.payload).toEqual([]);
  });

  it('when labels are created at the same time, by hand and by contact writes, then each title is one label with its own id', async () => {
    const a = await ctx.createAccount();
    const api = as(a);
    const contacts = await Promise.all(Array.from({ length: 6 }, () => createContact(ctx, a)));
    const titles = ['alpha', 'beta', 'gamma', 'delta'];
    const answers = await Promise.all([
      ...contacts.map((c, i) => api.post(`/contacts/${c.id}/labels`, { labels: [titles[i % 4], titles[(i + 1) % 4]] })),
      ...titles.map((title) => api.post('/labels', { title })),
    ]);
    expect(answers.slice(0, contacts.length).every((res) => res.status === 200)).toBe(true);
    // A hand-made label is refused only when a contact write created it first.
    expect(answers.slice(contacts.length).every((res) => res.status === 200 || res.status === 422)).toBe(true);
    const list = (await api.get('/labels')).body.payload as { id: number; title: string }[];
    expect(list.map((l) => l.title)).toEqual(['alpha', 'beta', 'delta', 'gamma']);
    expect(new Set(list.map((l) => l.id)).size).toBe(4);
  });

  it('when a removal job was queued before jobs named their account, then it still finds the label and finishes', async () => {
    const a = await ctx.createAccount();
    const api = as(a);
    const c = await createContact(ctx, a);
    await api.post(`/contacts/${c.id}/labels`, { labels: ['old-job', 'kept'] }).expect(200);
    await ctx.settle(a.id);
    const id = ((await api.get('/labels')).body.payload as { id: number; title: string }[]).find((l) => l.title === 'old-job')!.id;
    await ctx.deps.labelStore.change(a.id, (list) => ({ items: list.map((l) => (l._id === id ? { ...l, deleting: true } : l)), result: undefined }));
    expect(await ctx.deps.labelStore.unsettled()).toContainEqual({ accountId: a.id, labelId: id });

    await ctx.deps.services.labels.settle({ labelId: id });

    expect((await api.get(`/contacts/${c.id}/labels`)).body.payload).toEqual(['kept']);
    expect((await ctx.deps.labelStore.of(a.id)).map((l) => l.title)).toEqual(['kept']);
  });
});
