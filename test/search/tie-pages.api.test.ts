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

// A first page read from the window where the last first page of its sort and query ended
// (src/search/first-page-window.ts): the same contacts as the plain sort however the data changes.
describe('first pages read from where the last one ended', () => {
  let other: TestAccount;
  type Row = { id: number; name: string; email: string | null; phone: string | null; company: string | null; activity: number | null; created: number };
  // Unix seconds: activity ties in runs of three and is missing on every fourth contact.
  const T0 = 1_700_000_000;
  const rows = new Map<number, Row>();

  beforeAll(async () => {
    other = await ctx.createAccount();
    // Ids grow in this order: the Zeta contacts have the lowest, then Acme, then no company.
    const plan = [...Array.from({ length: 10 }, () => 'Zeta'), ...Array.from({ length: 40 }, (_, i) => (i % 2 ? 'ACME' : 'Acme')), undefined, undefined];
    for (const [i, company] of plan.entries()) {
      const row = {
        name: `Person ${String((i * 7) % 52).padStart(2, '0')}`, email: i % 5 === 4 ? null : `p${(i * 11) % 52}@example.com`, phone: i % 3 ? `+5110000${String(i).padStart(3, '0')}` : null, company: company ?? null,
        activity: i % 4 === 3 ? null : T0 + Math.floor(((i * 13) % 52) / 3) * 60, created: T0 - ((i * 17) % 52) * 3600,
      };
      const contact = await ctx.deps.services.contacts.create(other.id, {
        name: row.name, email: row.email ?? undefined, phone_number: row.phone ?? undefined, additional_attributes: company ? { company_name: company } : {},
        last_activity_at: row.activity ?? undefined, created_at: row.created,
      });
      rows.set(contact.id, { id: contact.id, ...row });
    }
    await ctx.settle(other.id);
  }, 60000);

  const valueOf: Record<string, (r: Row) => string | number | null> = {
    name: (r) => fold(r.name),
    email: (r) => (r.email ? fold(r.email) : null),
    phone_number: (r) => (r.phone ? Number(r.phone.slice(1)) : null),
    company_name: (r) => (r.company ? fold(r.company) : null),
    last_activity_at: (r) => r.activity,
    created_at: (r) => r.created,
  };
  function firstOf(sort: string, n = 5, keep: (r: Row) => boolean = () => true): number[] {
    const order = sort.startsWith('-') ? -1 : 1;
    const value = valueOf[sort.replace(/^-/, '')];
    const cmp = (a: string | number, b: string | number) => (typeof a === 'number' ? a - (b as number) : a < b ? -1 : a > b ? 1 : 0);
    const all = [...rows.values()].filter(keep);
    const present = all.filter((r) => value(r) !== null).sort((a, b) => order * (cmp(value(a)!, value(b)!) || a.id - b.id));
    const missing = all.filter((r) => value(r) === null).sort((a, b) => order * (a.id - b.id));
    return [...present, ...missing].slice(0, n).map((r) => r.id);
  }

  const firstPage = async (sort: string) => {
    const res = await ctx.http.get(other.path('/contacts')).query({ sort, per_page: 5 }).set('api_access_token', other.agentToken);
    expect(res.status).toBe(200);
    return res.body.payload.map((c: { id: number }) => c.id);
  };
  const sorts = ['company_name', '-company_name', 'name', '-name', 'email', '-email', 'phone_number', '-phone_number', 'last_activity_at', '-last_activity_at', 'created_at', '-created_at'];
  async function searchesFor(sort: string) {
    const msearch = jest.spyOn(ctx.deps.es, 'msearch');
    try {
      expect([sort, await firstPage(sort)]).toEqual([sort, firstOf(sort)]);
      return msearch.mock.calls.length;
    } finally {
      msearch.mockRestore();
    }
  }

  it.each(sorts)('when the first page of %s is asked again, then it comes from the window in one search, the same contacts', async (sort) => {
    expect(await firstPage(sort)).toEqual(firstOf(sort));
    const msearch = jest.spyOn(ctx.deps.es, 'msearch');
    try {
      expect(await firstPage(sort)).toEqual(firstOf(sort));
      expect(msearch).toHaveBeenCalledTimes(1);
      expect(JSON.stringify(msearch.mock.calls[0][0])).toContain('"range":{"');
    } finally {
      msearch.mockRestore();
    }
  });

  it('when contacts change into the first pages, out of them and are created before them, then every first page shows it', async () => {
    for (const sort of sorts) await firstPage(sort);
    const [low] = [...rows.keys()];
    // The lowest id joins the company tie; a new contact sorts first by name, email and phone,
    // and before the tie by company; the first contacts by descending name and email change away.
    await ctx.deps.services.contacts.update(other.id, low, { additional_attributes: { company_name: 'acmé' } });
    rows.get(low)!.company = 'acmé';
    const made = await ctx.deps.services.contacts.create(other.id, {
      name: 'Ábalos', email: 'a@example.com', phone_number: '+1200000000', additional_attributes: { company_name: 'Ábaco' }, last_activity_at: T0 - 60, created_at: T0 - 52 * 3600,
    });
    rows.set(made.id, { id: made.id, name: 'Ábalos', email: 'a@example.com', phone: '+1200000000', company: 'Ábaco', activity: T0 - 60, created: T0 - 52 * 3600 });
    for (const sort of ['-name', '-email']) {
      const [top] = firstOf(sort, 1);
      await ctx.deps.services.contacts.update(other.id, top, { name: 'Aa', email: `aa${top}@example.com` });
      Object.assign(rows.get(top)!, { name: 'Aa', email: `aa${top}@example.com` });
    }
    // The latest activity moves back among the oldest; a contact without activity gains one in the tie the first page by it ends in.
    const [latest] = firstOf('-last_activity_at', 1);
    await ctx.deps.services.contacts.update(other.id, latest, { last_activity_at: T0 });
    rows.get(latest)!.activity = T0;
    const ending = rows.get(firstOf('last_activity_at', 6)[5])!.activity;
    const idle = [...rows.values()].find((r) => r.activity === null)!;
    await ctx.deps.services.contacts.update(other.id, idle.id, { last_activity_at: ending! });
    idle.activity = ending;
    await ctx.settle(other.id);
    // What comes into a window is in it: one search. What leaves it leaves it a page short: two.
    for (const sort of ['company_name', 'name', 'email', 'phone_number', 'created_at']) expect(await searchesFor(sort)).toBe(1);
    for (const sort of ['-company_name', '-name', '-email', '-phone_number', 'last_activity_at', '-last_activity_at', '-created_at']) expect(await searchesFor(sort)).toBeLessThanOrEqual(2);
  });

  it('when the first contacts are deleted, then the window comes up short and the page moves past them', async () => {
    for (const sort of sorts) await firstPage(sort);
    for (const id of new Set(sorts.flatMap((sort) => firstOf(sort, 6)))) {
      await ctx.deps.services.contacts.remove(other.id, id);
      rows.delete(id);
    }
    await ctx.settle(other.id);
    for (const sort of sorts) expect(await searchesFor(sort)).toBeLessThanOrEqual(2);
    for (const sort of sorts) expect(await searchesFor(sort)).toBe(1);
  });

  it('when the first page is of a filter, then the window keeps the filter\'s conditions', async () => {
    const payload = [{ attribute_key: 'name', filter_operator: 'does_not_contain', values: ['3'], query_operator: null }];
    for (const sort of ['-company_name', 'email']) {
      const page = async () => {
        const res = await ctx.http.post(other.path('/contacts/filter')).query({ sort, per_page: 5 }).set('api_access_token', other.agentToken).send({ payload });
        expect(res.status).toBe(200);
        return res.body.payload.map((c: { id: number }) => c.id);
      };
      const want = firstOf(sort, 5, (r) => !r.name.includes('3'));
      expect(await page()).toEqual(want);
      expect(await page()).toEqual(want);
    }
  });
});
