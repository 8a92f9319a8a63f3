import { startTestContext, type TestAccount, type TestContext } from '../support/context';

// A cursor is a position in the sort order (the sort values and id of the page's last contact),
// not a snapshot: what a walk meets when contacts are written meanwhile, or when the cursor is
// taken to another query, is pinned here as the README ("Sorting and paging") says it.

let ctx: TestContext;
let account: TestAccount;
const cities = ['Álvaro', 'alvaro', 'ALVARO', 'Beatriz', 'bogotá', undefined];

const get = (path: string, query: Record<string, unknown>) => ctx.http.get(account.path(path)).query(query).set('api_access_token', account.agentToken);

beforeAll(async () => {
  ctx = await startTestContext();
  account = await ctx.createAccount();
  const ids: number[] = [];
  for (let i = 0; i < 60; i++) ids.push((await ctx.deps.services.contacts.create(account.id, { name: `Person ${i}`, city: cities[i % cities.length] })).id);
  await ctx.http.post(account.path('/labels')).send({ title: 'odd' }).set('api_access_token', account.adminToken).expect(200);
  await ctx.http
    .post(account.path('/bulk_actions'))
    .send({ type: 'Contact', ids: ids.filter((_, i) => i % 2), labels: { add: ['odd'] } })
    .set('api_access_token', account.agentToken)
    .expect(200);
  await ctx.settle(account.id);
}, 120000);
afterAll(() => ctx.close());

const cityOf = (c: { additional_attributes: { city?: string } }) => c.additional_attributes.city ?? null;

it('when contacts are created, moved across the cursor both ways and deleted (the cursor\'s own contact too) during a walk, then every unchanged contact comes exactly once, in order', async () => {
  const before = await get('/contacts', { sort: 'city', per_page: 500 });
  const full: { id: number; additional_attributes: { city?: string } }[] = before.body.payload;
  const seen: typeof full = [];
  const changed = new Set<number>();
  let after: string | undefined;
  let page = 0;
  do {
    const res = await get('/contacts', { sort: 'city', per_page: 7, ...(after ? { after } : {}) });
    expect(res.status).toBe(200);
    expect(res.body.meta.has_more).toBe(res.body.meta.next_cursor !== null);
    seen.push(...res.body.payload);
    after = res.body.meta.next_cursor ?? undefined;
    page += 1;
    if (page === 2) {
      const last = res.body.payload[res.body.payload.length - 1];
      const ahead = full[full.length - 1];
      const behind = full[0];
      // The cursor's own contact deleted, one behind moved to the end, one ahead moved to the start, one created.
      await ctx.http.delete(account.path(`/contacts/${last.id}`)).set('api_access_token', account.adminToken).expect(200);
      await ctx.http.patch(account.path(`/contacts/${behind.id}`)).send({ additional_attributes: { city: 'zzz' } }).set('api_access_token', account.agentToken).expect(200);
      await ctx.http.patch(account.path(`/contacts/${ahead.id}`)).send({ additional_attributes: { city: 'aaa' } }).set('api_access_token', account.agentToken).expect(200);
      const created = await ctx.http.post(account.path('/contacts')).send({ name: 'New', additional_attributes: { city: 'Bogota' } }).set('api_access_token', account.agentToken).expect(200);
      [last.id, behind.id, ahead.id, created.body.payload.contact.id].forEach((id: number) => changed.add(id));
      await ctx.settle(account.id);
    }
  } while (after);
  const unchanged = (list: typeof full) => list.filter((c) => !changed.has(c.id)).map((c) => c.id);
  expect(unchanged(seen)).toEqual(unchanged(full));
  // The contact moved behind the cursor is met again at its new place; the one moved ahead of it is not.
  expect(seen.map(cityOf)).toContain('zzz');
  expect(seen.map(cityOf)).not.toContain('aaa');
});

it('when a cursor is taken to another filter or label, then that list goes on from the same position in the sort (not a 422: only the sort is bound)', async () => {
  const all = await get('/contacts', { sort: 'name', per_page: 500 });
  const first = await get('/contacts', { sort: 'name', per_page: 10 });
  const after = first.body.meta.next_cursor as string;
  const position = all.body.payload.findIndex((c: { id: number }) => c.id === first.body.payload[9].id);
  const rest = all.body.payload.slice(position + 1);
  const odd = await get('/contacts', { sort: 'name', per_page: 500, 'labels[]': 'odd', after });
  expect(odd.status).toBe(200);
  expect(odd.body.payload.map((c: { id: number }) => c.id)).toEqual(rest.filter((c: { labels: string[] }) => c.labels.includes('odd')).map((c: { id: number }) => c.id));
  const filtered = await ctx.http
    .post(account.path('/contacts/filter'))
    .query({ sort: 'name', per_page: 500, after })
    .send({ payload: [{ attribute_key: 'city', filter_operator: 'equal_to', values: ['alvaro'] }] })
    .set('api_access_token', account.agentToken);
  expect(filtered.status).toBe(200);
  expect(filtered.body.payload.map((c: { id: number }) => c.id)).toEqual(rest.filter((c: { additional_attributes: { city?: string } }) => /^(Á|a|A)lvaro$/i.test(cityOf(c) ?? '')).map((c: { id: number }) => c.id));
  // The count is the other list's whole count, as on any page.
  expect(filtered.body.meta.count).toBe(all.body.payload.filter((c: { additional_attributes: { city?: string } }) => /^(Á|a|A)lvaro$/i.test(cityOf(c) ?? '')).length);
  // Another sort is refused, naming after.
  const other = await get('/contacts/search', { q: 'person', sort: '-name', after });
  expect(other.status).toBe(422);
  expect(other.body.field).toBe('after');
});
