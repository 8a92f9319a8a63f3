import { startTestContext, type TestAccount, type TestContext } from '../support/context';

// Pages read from inside a long tie (src/search/tie-window.ts): the same contacts in the same
// order as the plain search_after walk, across the tie's ends, a gap in its ids, accents and case.
let ctx: TestContext;
let account: TestAccount;
const expected: { id: number; city: string | null }[] = [];

const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

beforeAll(async () => {
  ctx = await startTestContext();
  account = await ctx.createAccount();
  // One after another, so that ids grow in this order: a tie of 60, another city, the same tie
  // again far later in the ids (its window misses), and contacts without a city.
  const plan = [
    ...Array.from({ length: 60 }, (_, i) => ['Lima', 'LIMA', 'Líma'][i % 3]),
    ...Array.from({ length: 30 }, () => 'Quito'),
    ...Array.from({ length: 25 }, (_, i) => (i % 2 ? 'lima' : 'Lima')),
    ...Array.from({ length: 6 }, () => undefined),
    ...Array.from({ length: 9 }, () => 'Ñuñoa'),
  ];
  for (const [i, city] of plan.entries()) {
    const contact = await ctx.deps.services.contacts.create(account.id, { name: `Person ${i}`, city });
    expected.push({ id: contact.id, city: city ?? null });
  }
  await ctx.settle(account.id);
}, 120000);
afterAll(() => ctx.close());

function inOrder(order: 'asc' | 'desc', keep: (c: { id: number; city: string | null }) => boolean = () => true): number[] {
  const present = expected.filter((c) => c.city !== null && keep(c));
  const missing = expected.filter((c) => c.city === null && keep(c));
  const sign = order === 'asc' ? 1 : -1;
  present.sort((a, b) => sign * (fold(a.city!).localeCompare(fold(b.city!)) || a.id - b.id));
  missing.sort((a, b) => sign * (a.id - b.id));
  return [...present, ...missing].map((c) => c.id);
}

async function walk(send: (after: string | undefined) => Promise<{ status: number; body: { payload: { id: number }[]; meta: { next_cursor: string | null; count: number } } }>) {
  const ids: number[] = [];
  let after: string | undefined;
  let pages = 0;
  do {
    const res = await send(after);
    expect(res.status).toBe(200);
    ids.push(...res.body.payload.map((c) => c.id));
    after = res.body.meta.next_cursor ?? undefined;
    pages += 1;
  } while (after && pages < 500);
  return { ids, pages };
}

describe('pages inside a long tie of a text sort', () => {
  it.each([['city'], ['-city']])('when %s is walked 7 at a time, then every contact comes once, in the order of the plain sort, and most pages take one search', async (sort) => {
    const msearch = jest.spyOn(ctx.deps.es, 'msearch');
    try {
      const { ids, pages } = await walk((after) => ctx.http.get(account.path('/contacts')).query({ sort, per_page: 7, ...(after ? { after } : {}) }).set('api_access_token', account.agentToken));
      expect(ids).toEqual(inOrder(sort.startsWith('-') ? 'desc' : 'asc'));
      // Pages inside the ties are read from an id window; a second search only where a tie ends
      // or its ids thin out.
      const windows = msearch.mock.calls.filter(([request]) => JSON.stringify(request).includes('"range":{"id"')).length;
      expect(windows).toBeGreaterThanOrEqual(8);
      expect(msearch.mock.calls.length).toBeLessThanOrEqual(pages + 6);
    } finally {
      msearch.mockRestore();
    }
  });

  it('when a filter is walked from inside the tie, then the window keeps its conditions', async () => {
    const payload = [{ attribute_key: 'name', filter_operator: 'does_not_contain', values: ['5'], query_operator: null }];
    const { ids } = await walk((after) =>
      ctx.http.post(account.path('/contacts/filter')).query({ sort: '-city', per_page: 4, ...(after ? { after } : {}) }).set('api_access_token', account.agentToken).send({ payload }),
    );
    const names = new Map(expected.map((c, i) => [c.id, `Person ${i}`]));
    expect(ids).toEqual(inOrder('desc', (c) => !names.get(c.id)!.includes('5')));
  });

  it('when per_page is 1 inside the tie, then each contact still comes once, in order', async () => {
    const { ids } = await walk((after) => ctx.http.get(account.path('/contacts')).query({ sort: 'city', per_page: 1, ...(after ? { after } : {}) }).set('api_access_token', account.agentToken));
    expect(ids).toEqual(inOrder('asc'));
  });
});
