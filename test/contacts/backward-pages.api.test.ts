import { startTestContext, type TestAccount, type TestContext } from '../support/context';

// Going back along a list: `page=last` and `before=<meta.prev_cursor>` read the order backwards
// (every clause reversed, missing values first) and turn it round. Checked here against the
// forward walk by `after` on every kind of sort field, with values missing everywhere: the pages
// met walking back from the last are the forward pages, in reverse.
let ctx: TestContext;
let account: TestAccount;
const TOTAL = 130;
const PER_PAGE = 9;
const PAGES = Math.ceil(TOTAL / PER_PAGE);

const sorts = [
  'name', '-name', 'email', '-email', 'phone_number', '-phone_number', 'city', '-country',
  'last_activity_at', '-last_activity_at', 'created_at', '-created_at',
  'custom_attributes.seats', '-custom_attributes.seats', 'custom_attributes.vip', '-custom_attributes.vip',
  'custom_attributes.renewal', '-custom_attributes.renewal', 'custom_attributes.plan',
];

beforeAll(async () => {
  ctx = await startTestContext();
  account = await ctx.createAccount();
  for (const [key, type] of [['seats', 'number'], ['vip', 'checkbox'], ['renewal', 'date'], ['plan', 'text']]) {
    await ctx.http
      .post(account.path('/custom_attribute_definitions'))
      .set('api_access_token', account.adminToken)
      .send({ attribute_key: key, attribute_display_name: key, attribute_display_type: type, attribute_model: 'contact_attribute' })
      .expect(200);
  }
  for (let i = 0; i < TOTAL; i += 10) {
    await Promise.all(
      Array.from({ length: 10 }, (_, j) => {
        const n = i + j;
        const custom = {
          ...(n % 3 ? { seats: (n * 37) % 11 } : {}),
          ...(n % 4 ? { vip: n % 2 === 0 } : {}),
          ...(n % 5 ? { renewal: `2026-0${1 + (n % 9)}-1${n % 10}` } : {}),
          ...(n % 6 ? { plan: ['Pro', 'basic', 'Équipe'][n % 3] } : {}),
        };
        return ctx.http
          .post(account.path('/contacts'))
          .set('api_access_token', account.adminToken)
          .send({
            ...(n % 7 ? { name: `Person ${n % 23}` } : {}),
            ...(n % 4 ? { email: `p${n % 50}.${n}@example.com` } : {}),
            ...(n % 3 === 1 ? { phone_number: `+1555${String((n * 7919) % 1000).padStart(7, '0')}` } : {}),
            ...(n % 5 ? { city: ['Lima', 'lima', 'Bogotá'][n % 3] } : {}),
            ...(n % 8 ? { country: 'Perú' } : {}),
            ...(n % 2 ? { last_activity_at: 1700000000 + (n % 13) } : {}),
            identifier: `id-${n}`,
            created_at: 1600000000 + (n % 29),
            custom_attributes: custom,
          })
          .then((res) => {
            if (res.status !== 200) throw new Error(`create ${n}: ${res.status} ${JSON.stringify(res.body)}`);
          });
      }),
    );
  }
  await ctx.settle(account.id);
}, 120_000);
afterAll(() => ctx.close());

type Page = { status: number; body: { payload: { id: number }[]; meta: { count: number; current_page: number | null; next_cursor: string | null; prev_cursor: string | null; has_more: boolean } } };
const list = (query: object): Promise<Page> => ctx.http.get(account.path('/contacts')).query({ per_page: PER_PAGE, ...query }).set('api_access_token', account.agentToken) as never;
const ids = (page: Page) => page.body.payload.map((c) => c.id);

/** Every page of the sort, first to last, by `after`. */
async function forward(sort: string): Promise<Page[]> {
  const pages: Page[] = [];
  let after: string | undefined;
  do {
    const page = await list({ sort, ...(after ? { after } : {}) });
    expect(page.status).toBe(200);
    pages.push(page);
    after = page.body.meta.next_cursor ?? undefined;
  } while (after && pages.length <= PAGES);
  return pages;
}

describe('going back along a list', () => {
  it.each(sorts.map((sort) => [sort]))('when sorted by %s, then the last page and the pages before it, by prev_cursor, are the forward pages in reverse', async (sort) => {
    const pages = await forward(sort);
    expect(pages).toHaveLength(PAGES);
    expect(new Set(pages.flatMap(ids)).size).toBe(TOTAL);

    const last = await list({ sort, page: 'last' });
    expect(last.status).toBe(200);
    expect(ids(last)).toEqual(ids(pages[PAGES - 1]));
    expect(last.body.meta).toMatchObject({ count: TOTAL, current_page: PAGES, next_cursor: null, has_more: false, prev_cursor: expect.any(String) });

    let at = last;
    for (let n = PAGES - 2; n >= 0; n--) {
      const before = await list({ sort, before: at.body.meta.prev_cursor });
      expect([before.status, n, ids(before)]).toEqual([200, n, ids(pages[n])]);
      expect(before.body.meta).toMatchObject({ count: TOTAL, current_page: null, has_more: true });
      // Forward again from a page read backwards: the page it came from.
      expect(ids(await list({ sort, after: before.body.meta.next_cursor }))).toEqual(ids(at));
      at = before;
    }
    expect(at.body.meta.prev_cursor).toBeNull();
  });

  it('when pages are read forward, then the first has no prev_cursor and each other one leads back to the page before it', async () => {
    const pages = await forward('name');
    expect(pages[0].body.meta.prev_cursor).toBeNull();
    for (let n = 1; n < PAGES; n++) {
      expect(ids(await list({ sort: 'name', before: pages[n].body.meta.prev_cursor }))).toEqual(ids(pages[n - 1]));
    }
    // A page read by its number too.
    const third = await list({ sort: 'name', page: 3 });
    expect(third.body.meta.current_page).toBe(3);
    expect(ids(await list({ sort: 'name', before: third.body.meta.prev_cursor }))).toEqual(ids(pages[1]));
  });

  it('when the list holds one page or none, then page=last is page 1 with neither cursor', async () => {
    const one = await list({ sort: 'name', page: 'LAST', per_page: 500 });
    expect(one.body.payload).toHaveLength(TOTAL);
    expect(one.body.meta).toMatchObject({ current_page: 1, next_cursor: null, prev_cursor: null });

    const none = await ctx.http
      .post(account.path('/contacts/filter'))
      .set('api_access_token', account.agentToken)
      .send({ page: 'last', payload: [{ attribute_key: 'name', filter_operator: 'equal_to', values: ['nobody at all'] }] });
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ payload: [], meta: { count: 0, current_page: 1, next_cursor: null, prev_cursor: null } });
  });

  it('when a filter, a search and a segment are read from the end, then they go back as the list does', async () => {
    const payload = [{ attribute_key: 'city', filter_operator: 'equal_to', values: ['lima'] }];
    const filter = (body: object) => ctx.http.post(account.path('/contacts/filter')).set('api_access_token', account.agentToken).send({ payload, sort: 'name', per_page: 5, ...body });
    const first = await filter({});
    const count = first.body.meta.count as number;
    expect(count).toBeGreaterThan(10);
    const last = await filter({ page: 'last' });
    expect(last.body.meta.current_page).toBe(Math.ceil(count / 5));
    const forwardIds: number[] = [];
    for (let after: string | null = null, n = 0; n === 0 || after; n++) {
      const page: Page = (await filter(after ? { after } : {})) as never;
      forwardIds.push(...ids(page));
      after = page.body.meta.next_cursor;
    }
    const backIds: number[][] = [ids(last as never)];
    for (let before = last.body.meta.prev_cursor; before; ) {
      const page = (await filter({ before })) as never as Page;
      backIds.unshift(ids(page));
      before = page.body.meta.prev_cursor;
    }
    expect(backIds.flat()).toEqual(forwardIds);

    const segment = await ctx.http.post(account.path('/custom_filters')).set('api_access_token', account.agentToken).send({ name: 'Lima', filter_type: 'contact', query: { payload } }).expect(200);
    const run = await ctx.http.get(account.path(`/custom_filters/${segment.body.id}/contacts`)).query({ sort: 'name', per_page: 5, page: 'last' }).set('api_access_token', account.agentToken);
    expect(ids(run as never)).toEqual(ids(last as never));

    const search = await ctx.http.get(account.path('/contacts/search')).query({ q: 'person 1', sort: '-created_at', per_page: 4, page: 'last' }).set('api_access_token', account.agentToken);
    expect(search.status).toBe(200);
    const before = await ctx.http.get(account.path('/contacts/search')).query({ q: 'person 1', sort: '-created_at', per_page: 4, before: search.body.meta.prev_cursor }).set('api_access_token', account.agentToken);
    expect(before.body.payload).toHaveLength(4);
    expect(ids(before as never).some((id) => ids(search as never).includes(id))).toBe(false);
  });

  it.each([
    [{ after: 'x', before: 'y' }, 'before', 'give after or before, not both'],
    [{ page: 2, before: 'y' }, 'page', 'give page or before, not both'],
    [{ page: 'last', after: 'y' }, 'page', 'give page or after, not both'],
    [{ page: 'first' }, 'page', 'page must be a whole number or last, given once'],
    [{ before: 'garbage' }, 'before', 'before is not a cursor this service issued'],
  ])('when the query is %j, then it answers 422 naming %s', async (query, field, error) => {
    const res = await list(query);
    expect([res.status, (res.body as unknown as { field: string }).field]).toEqual([422, field]);
    expect((res.body as unknown as { error: string }).error).toContain(error);
  });

  it('when contacts without the sort field come and go between reads of the last page, then each read is the end of the list', async () => {
    // The read from the end starts where the last one from the same end stopped: a contact added
    // past it, or the ones it held deleted, must still show.
    const other = await ctx.createAccount();
    const as = (path: string) => ctx.http.get(other.path(path)).set('api_access_token', other.agentToken);
    const created: number[] = [];
    for (let n = 0; n < 20; n++) {
      const res = await ctx.http.post(other.path('/contacts')).set('api_access_token', other.adminToken).send({ ...(n % 2 ? { name: `Named ${n}` } : {}), identifier: `o-${n}` }).expect(200);
      created.push(res.body.payload.contact.id);
    }
    await ctx.settle(other.id);
    const lastForward = async (sort: string) => {
      let page = await as('/contacts').query({ sort, per_page: 3 });
      while (page.body.meta.next_cursor) page = await as('/contacts').query({ sort, per_page: 3, after: page.body.meta.next_cursor });
      return page.body.payload.map((c: { id: number }) => c.id);
    };
    const last = async (sort: string) => (await as('/contacts').query({ sort, per_page: 3, page: 'last' })).body.payload.map((c: { id: number }) => c.id);

    // Ascending, the contacts without a name end the list by id: the newest is the very last.
    expect(await last('name')).toEqual([created[16], created[18]]);
    const added = await ctx.http.post(other.path('/contacts')).set('api_access_token', other.adminToken).send({ identifier: 'o-new' }).expect(200);
    await ctx.settle(other.id);
    expect(await last('name')).toEqual([created[16], created[18], added.body.payload.contact.id]);
    expect(await last('name')).toEqual(await lastForward('name'));

    // Descending, the oldest is the very last: delete the ones the last read held.
    expect(await last('-name')).toEqual([created[4], created[2], created[0]]);
    for (const id of [created[0], created[2]]) await ctx.http.delete(other.path(`/contacts/${id}`)).set('api_access_token', other.adminToken).expect(200);
    await ctx.settle(other.id);
    // 19 contacts now: the last page holds one.
    expect(await last('-name')).toEqual([created[4]]);
    expect(await last('-name')).toEqual(await lastForward('-name'));
  });

  it("when a cursor of another sort is given as before, then it answers 422 naming before and the cursor's sort", async () => {
    const page = await list({ sort: 'name', page: 2 });
    const res = await list({ sort: 'email', before: page.body.meta.prev_cursor });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ field: 'before', error: 'before is a cursor for sort "name", not "email"' });
  });
});
