import { startTestContext, type TestAccount, type TestContext } from '../support/context';
import { sortWalker } from '../support/sort-walk';

// Pages after a cursor of a text sort read from the texts that share the cursor's start
// (src/search/text-band.ts): the same contacts in the same order as the plain search_after walk,
// where texts share long starts, where they do not, across accents, case, characters outside the
// Basic Multilingual Plane and contacts without the text, with pages of other sizes taking turns,
// and with a contact written into the band between two pages.
let ctx: TestContext;
let account: TestAccount;
let plainOrder: ReturnType<typeof sortWalker>['plainOrder'];
let page: ReturnType<typeof sortWalker>['page'];
let walk: ReturnType<typeof sortWalker>['walk'];
let expectPageAfterWrites: ReturnType<typeof sortWalker>['expectPageAfterWrites'];

beforeAll(async () => {
  ctx = await startTestContext();
  account = await ctx.createAccount();
  ({ plainOrder, page, walk, expectPageAfterWrites } = sortWalker(ctx, account));
  const names = [
    ...Array.from({ length: 30 }, (_, i) => `Garcia Ana ${String(i).padStart(2, '0')}`),
    ...Array.from({ length: 12 }, (_, i) => `García Luis ${i}`),
    ...Array.from({ length: 9 }, (_, i) => `GARCIA ${String.fromCharCode(65 + i)}`),
    ...Array.from({ length: 6 }, (_, i) => `😀 Smile ${i}`),
    ...Array.from({ length: 6 }, (_, i) => `Zoe ${String.fromCodePoint(0x10000 + i)} ${i}`),
    'Ana', 'Berta', 'Carla', 'Dora', 'Gar', 'Garcib',
  ];
  const cities = ['San Borja', 'San Isidro', 'San Miguel', 'Santiago', 'Lima', 'Quito'];
  for (const [i, name] of names.entries()) {
    await ctx.deps.services.contacts.create(account.id, { name, city: cities[i % cities.length] });
  }
  // Contacts without a name sort last.
  for (let i = 0; i < 3; i += 1) await ctx.deps.services.contacts.create(account.id, { email: `nameless${i}@band.test` });
  await ctx.settle(account.id);
}, 120000);
afterAll(() => ctx.close());

describe('pages after a cursor of a text sort', () => {
  it.each([['name', 3], ['-name', 3], ['name', 4], ['-name', 7], ['city', 4], ['-city', 4]])(
    'when %s is walked %i at a time, then every contact comes once, in the order of the plain sort, and pages are read from bands of texts',
    async (sort, perPage) => {
      const msearch = jest.spyOn(ctx.deps.es, 'msearch');
      try {
        const { ids, pages } = await walk(sort, perPage);
        expect(ids).toEqual(await plainOrder(sort));
        const field = sort.replace(/^-/, '');
        // A band is a range with both ends; the first-page window has one end only.
        const bands = msearch.mock.calls.filter(([request]) => new RegExp(`"range":\\{"${field}":\\{"gte":"[^"]*","lt[e]?":`).test(JSON.stringify(request))).length;
        expect(bands).toBeGreaterThanOrEqual(3);
        expect(msearch.mock.calls.length).toBeLessThan(2 * pages);
      } finally {
        msearch.mockRestore();
      }
    },
  );

  it('when pages of 32 and of 3 take turns, then every contact comes once in the plain order, and a page of 3 is read from the start the texts nearest its cursor share', async () => {
    const cursorBody = (cursor: string) => JSON.parse(Buffer.from(cursor.split('.')[0], 'base64url').toString());
    const ids: number[] = [];
    let after: string | undefined;
    let pages = 0;
    const msearch = jest.spyOn(ctx.deps.es, 'msearch');
    try {
      do {
        msearch.mockClear();
        const perPage = pages % 2 ? 3 : 32;
        const res = await page('-name', perPage, after);
        expect(res.status).toBe(200);
        ids.push(...res.body.payload.map((c: { id: number }) => c.id));
        if (pages === 1) {
          // The first page of 32 runs from the smiles to "GARCIA C": its first and last texts share no
          // start, its last 8 share "garcia ", so only the narrower start gives this page its band.
          expect(cursorBody(after!).p).toBeUndefined();
          expect(cursorBody(after!).n).toEqual([[8, 'garcia'.length]]);
          expect(JSON.stringify(msearch.mock.calls[0][0])).toMatch(/"range":\{"name":\{"gte":"garcia","lte":"garcia c"\}/);
        }
        after = res.body.meta.next_cursor ?? undefined;
        pages += 1;
      } while (after && pages < 100);
    } finally {
      msearch.mockRestore();
    }
    expect(ids).toEqual(await plainOrder('-name'));
  });

  it('when a filter is walked by name, then the band keeps its conditions', async () => {
    // Every other Garcia Ana and all the San cities' contacts: the bands hold contacts the filter drops.
    const payload = [
      { attribute_key: 'name', filter_operator: 'does_not_contain', values: ['1'], query_operator: 'and' },
      { attribute_key: 'city', filter_operator: 'not_equal_to', values: ['Lima'], query_operator: null },
    ];
    const expected = (await ctx.http.post(account.path('/contacts/filter')).query({ sort: '-name', per_page: 100 }).set('api_access_token', account.agentToken).send({ payload })).body.payload.map((c: { id: number }) => c.id);
    const msearch = jest.spyOn(ctx.deps.es, 'msearch');
    try {
      const ids: number[] = [];
      let after: string | undefined;
      do {
        const res = await ctx.http.post(account.path('/contacts/filter')).query({ sort: '-name', per_page: 3, ...(after ? { after } : {}) }).set('api_access_token', account.agentToken).send({ payload });
        expect(res.status).toBe(200);
        ids.push(...res.body.payload.map((c: { id: number }) => c.id));
        after = res.body.meta.next_cursor ?? undefined;
      } while (after);
      expect(ids).toEqual(expected);
      expect(expected.length).toBeGreaterThan(20);
      const bands = msearch.mock.calls.filter(([request]) => /"range":\{"name":\{"gte":"[^"]*","lte":/.test(JSON.stringify(request))).length;
      expect(bands).toBeGreaterThanOrEqual(3);
    } finally {
      msearch.mockRestore();
    }
  });

  it('when a contact is written into the band after a cursor, or out of it, then the next page shows it as the plain sort does', async () => {
    // A page inside the run of Garcia Ana: its cursor carries the start the band is read from.
    const carriesBand = (cursor: string) => JSON.parse(Buffer.from(cursor.split('.')[0], 'base64url').toString()).p !== undefined;
    let first = await page('name', 5);
    while (!carriesBand(first.body.meta.next_cursor)) first = await page('name', 5, first.body.meta.next_cursor);
    const after = first.body.meta.next_cursor as string;
    const last = first.body.payload[4] as { id: number; name: string };
    const next = (await page('name', 5, after)).body.payload as { id: number; name: string }[];
    // One right after the cursor's text, and the next page's second contact moved past the band.
    await expectPageAfterWrites('name', 5, after, last.id, { insert: { name: `${last.name}0` }, moveAway: { name: 'Zz moved' }, moveBack: { name: next[1].name } }, next[1].id);
  });
});
