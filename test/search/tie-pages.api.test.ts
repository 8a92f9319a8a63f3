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

// A first page of a sort whose first value ties many contacts, read from the window its last
// first page left (firstTieOf): the same contacts as the plain sort however the tie changes.
describe('first pages of a tied sort', () => {
  let other: TestAccount;
  const companies = new Map<number, string | null>();

  beforeAll(async () => {
    other = await ctx.createAccount();
    // Ids grow in this order: the Zeta contacts have the lowest, then Acme, then none.
    const plan = [...Array.from({ length: 10 }, () => 'Zeta'), ...Array.from({ length: 40 }, (_, i) => (i % 2 ? 'ACME' : 'Acme')), undefined, undefined];
    for (const [i, company] of plan.entries()) {
      const contact = await ctx.deps.services.contacts.create(other.id, { name: `Company person ${i}`, additional_attributes: company ? { company_name: company } : {} });
      companies.set(contact.id, company ?? null);
    }
    await ctx.settle(other.id);
  }, 60000);

  function firstOf(order: 'asc' | 'desc', n: number, keep: (id: number) => boolean = () => true): number[] {
    const sign = order === 'asc' ? 1 : -1;
    const entries = [...companies].filter(([id]) => keep(id));
    const present = entries.filter(([, c]) => c !== null).sort(([a, ca], [b, cb]) => sign * (fold(ca!).localeCompare(fold(cb!)) || a - b));
    const missing = entries.filter(([, c]) => c === null).sort(([a], [b]) => sign * (a - b));
    return [...present, ...missing].slice(0, n).map(([id]) => id);
  }

  const firstPage = async (sort: string, query: Record<string, string> = {}) => {
    const res = await ctx.http.get(other.path('/contacts')).query({ sort, per_page: 5, ...query }).set('api_access_token', other.agentToken);
    expect(res.status).toBe(200);
    return res.body.payload.map((c: { id: number }) => c.id);
  };
  const windowed = (calls: unknown[][]) => calls.filter(([request]) => JSON.stringify(request).includes('"range":{"id":{"')).length;

  it.each([['company_name', 'asc'], ['-company_name', 'desc']] as const)('when the first page of %s is asked again, then it comes from the tie\'s window in one search, the same contacts', async (sort, order) => {
    expect(await firstPage(sort)).toEqual(firstOf(order, 5));
    const msearch = jest.spyOn(ctx.deps.es, 'msearch');
    try {
      expect(await firstPage(sort)).toEqual(firstOf(order, 5));
      expect(msearch).toHaveBeenCalledTimes(1);
      expect(windowed(msearch.mock.calls)).toBe(1);
    } finally {
      msearch.mockRestore();
    }
  });

  it('when a contact with a lower id joins the tie, then the first page starts with it', async () => {
    await firstPage('company_name');
    const zeta = [...companies].find(([, c]) => c === 'Zeta')![0];
    await ctx.deps.services.contacts.update(other.id, zeta, { additional_attributes: { company_name: 'acmé' } });
    companies.set(zeta, 'acmé');
    await ctx.settle(other.id);
    const page = await firstPage('company_name');
    expect(page[0]).toBe(zeta);
    expect(page).toEqual(firstOf('asc', 5));
  });

  it('when a contact comes to sort before the tie, then the first page shows it (the window is not used)', async () => {
    await firstPage('company_name');
    const msearch = jest.spyOn(ctx.deps.es, 'msearch');
    const made = await ctx.deps.services.contacts.create(other.id, { name: 'First', additional_attributes: { company_name: 'Ábaco' } });
    companies.set(made.id, 'Ábaco');
    await ctx.settle(other.id);
    try {
      const page = await firstPage('company_name');
      expect(page[0]).toBe(made.id);
      expect(page).toEqual(firstOf('asc', 5));
      expect(windowed(msearch.mock.calls)).toBe(1);
      expect(msearch).toHaveBeenCalledTimes(2);
    } finally {
      msearch.mockRestore();
    }
    // The page no longer ties: the next first page is read as before, in one search.
    expect(await firstPage('company_name')).toEqual(firstOf('asc', 5));
  });

  it('when the tie\'s first contacts are deleted, then the first page moves past them', async () => {
    await ctx.deps.services.contacts.remove(other.id, [...companies].find(([, c]) => c === 'Ábaco')![0]);
    await ctx.settle(other.id);
    companies.delete([...companies].find(([, c]) => c === 'Ábaco')![0]);
    await firstPage('company_name');
    for (const id of firstOf('asc', 5)) {
      await ctx.deps.services.contacts.remove(other.id, id);
      companies.delete(id);
    }
    await ctx.settle(other.id);
    expect(await firstPage('company_name')).toEqual(firstOf('asc', 5));
    expect(await firstPage('company_name')).toEqual(firstOf('asc', 5));
  });

  it('when the first page is of a filter, then the window keeps the filter\'s conditions', async () => {
    const payload = [{ attribute_key: 'name', filter_operator: 'does_not_contain', values: ['3'], query_operator: null }];
    const names = new Map<number, string>();
    for (const id of companies.keys()) names.set(id, (await ctx.deps.services.contacts.show(other.id, id)).name!);
    const page = async () => {
      const res = await ctx.http.post(other.path('/contacts/filter')).query({ sort: '-company_name', per_page: 5 }).set('api_access_token', other.agentToken).send({ payload });
      expect(res.status).toBe(200);
      return res.body.payload.map((c: { id: number }) => c.id);
    };
    const want = firstOf('desc', 5, (id) => !names.get(id)!.includes('3'));
    expect(await page()).toEqual(want);
    expect(await page()).toEqual(want);
  });
});
