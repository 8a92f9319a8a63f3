import { startTestContext, type TestAccount, type TestContext } from '../support/context';
import { importCsv } from '../import/import-support';

// Page numbers reach the first 10,000 contacts (Elasticsearch's from/size window); deeper pages go
// by cursor. A page past the account's last contact is an empty page, as Chatwoot answers a script
// that walks page=1,2,… until one comes back empty: on an account of 89 contacts `page=667` was a
// 422 about the window (found by a black-box test with a Chatwoot client).
let ctx: TestContext;
let small: TestAccount;
let large: TestAccount;
const LARGE = 10_001;

beforeAll(async () => {
  ctx = await startTestContext();
  small = await ctx.createAccount();
  large = await ctx.createAccount();
  for (const name of ['Ana', 'Bea', 'Cris']) await ctx.deps.services.contacts.create(small.id, { name });
  const rows = Array.from({ length: LARGE }, (_, i) => `Person ${i},person${i}@example.com`);
  const done = await importCsv(ctx, large, `name,email\n${rows.join('\n')}\n`);
  if (done.created !== LARGE) throw new Error(`import: ${JSON.stringify(done)}`);
  await ctx.settle(small.id);
  await ctx.settle(large.id);
}, 180_000);
afterAll(() => ctx.close());

const list = (account: TestAccount, query: object) => ctx.http.get(account.path('/contacts')).query(query).set('api_access_token', account.agentToken);
const filter = (account: TestAccount, body: object) =>
  ctx.http.post(account.path('/contacts/filter')).set('api_access_token', account.agentToken).send({ payload: [{ attribute_key: 'name', filter_operator: 'is_present', values: [] }], ...body });

describe('page numbers past the paged window', () => {
  it.each([[{ page: 21, per_page: 500 }], [{ page: 667 }], [{ page: 1_000_000, per_page: 1 }]])(
    'when an account of 3 contacts is asked page %j, then it answers an empty page with the count, for the list and a filter',
    async (query) => {
      for (const res of [await list(small, query), await filter(small, query)]) {
        expect(res.status).toBe(200);
        expect(res.body.payload).toEqual([]);
        expect(res.body.meta).toMatchObject({ count: 3, current_page: query.page, next_cursor: null, has_more: false });
      }
    },
  );

  it('when contacts lie past the window, then a page there is a 422 naming page and the cursor, and a page past them all is empty', async () => {
    const inside = await list(large, { page: 20, per_page: 500, sort: 'created_at' }).expect(200);
    expect(inside.body.payload).toHaveLength(500);
    expect(inside.body.meta).toMatchObject({ count: LARGE, has_more: true });
    expect(inside.body.meta.next_cursor).toEqual(expect.any(String));

    const past = await list(large, { page: 21, per_page: 500 }).expect(422);
    expect(past.body).toMatchObject({ field: 'page', error: expect.stringContaining('page deeper with meta.next_cursor and ?after=') });
    await filter(large, { page: 21, per_page: 500 }).expect(422);

    // The contact past the window is reached by the cursor.
    const last = await list(large, { sort: 'created_at', per_page: 500, after: inside.body.meta.next_cursor }).expect(200);
    expect(last.body.payload).toHaveLength(1);

    // From the end: the last page is the contact past the window, and the page before it page 20.
    const fromEnd = await list(large, { sort: 'created_at', per_page: 500, page: 'last' }).expect(200);
    expect(fromEnd.body.payload).toEqual(last.body.payload);
    expect(fromEnd.body.meta).toMatchObject({ count: LARGE, current_page: 21, next_cursor: null });
    const back = await list(large, { sort: 'created_at', per_page: 500, before: fromEnd.body.meta.prev_cursor }).expect(200);
    expect(back.body.payload).toEqual(inside.body.payload);
    const filteredEnd = await filter(large, { sort: 'created_at', per_page: 500, page: 'last' }).expect(200);
    expect(filteredEnd.body.payload).toEqual(last.body.payload);

    const beyond = await list(large, { page: 101, per_page: 500 }).expect(200);
    expect(beyond.body).toMatchObject({ payload: [], meta: { count: LARGE, next_cursor: null } });
  });
});
