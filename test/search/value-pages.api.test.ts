import { startTestContext, type TestAccount, type TestContext } from '../support/context';
import { sortWalker } from '../support/sort-walk';

// Pages after a cursor of a numeric sort read from a band of values past it
// (src/search/value-window.ts): the same contacts in the same order as the plain search_after
// walk, where values are dense, where they thin out (the band comes up short), across the
// contacts without a value, and with contacts written into the band between two pages.
let ctx: TestContext;
let account: TestAccount;
let plainOrder: ReturnType<typeof sortWalker>['plainOrder'];
let page: ReturnType<typeof sortWalker>['page'];
let walk: ReturnType<typeof sortWalker>['walk'];
let expectPageAfterWrites: ReturnType<typeof sortWalker>['expectPageAfterWrites'];

const phoneOf = (n: number) => `+51${String(900000000 + n)}`;

beforeAll(async () => {
  ctx = await startTestContext();
  account = await ctx.createAccount();
  ({ plainOrder, page, walk, expectPageAfterWrites } = sortWalker(ctx, account));
  // A dense run of phone numbers ten apart, then a few far apart, then contacts without one; the
  // emails sort in another order than the phones, and some contacts have none.
  const plan: { phone?: string; email?: string }[] = [
    ...Array.from({ length: 40 }, (_, i) => ({ phone: phoneOf(i * 10), email: `${String.fromCharCode(97 + ((i * 7) % 26))}${i}@value.test` })),
    ...Array.from({ length: 8 }, (_, i) => ({ phone: phoneOf(50000 + i * 7919), email: `z${i}@far.test` })),
    ...Array.from({ length: 5 }, () => ({})),
  ];
  for (const [i, { phone, email }] of plan.entries()) {
    await ctx.deps.services.contacts.create(account.id, { name: `Person ${i}`, phone_number: phone, email });
  }
  await ctx.settle(account.id);
}, 120000);
afterAll(() => ctx.close());

/** The account's contacts in the plain sort's order, straight from the index. */
const FIELDS: Record<string, string> = { phone_number: 'phone_sort', email: 'email_sort', created_at: 'created_at' };

describe('pages after a cursor of a numeric sort', () => {
  it.each([['phone_number'], ['-phone_number'], ['email'], ['-email'], ['created_at'], ['-created_at']])(
    'when %s is walked 4 at a time, then every contact comes once, in the order of the plain sort, and pages are read from bands of values',
    async (sort) => {
      const msearch = jest.spyOn(ctx.deps.es, 'msearch');
      try {
        const { ids, pages } = await walk(sort, 4);
        expect(ids).toEqual(await plainOrder(sort));
        const field = FIELDS[sort.replace(/^-/, '')];
        const bands = msearch.mock.calls.filter(([request]) => JSON.stringify(request).includes(`"range":{"${field}"`)).length;
        expect(bands).toBeGreaterThanOrEqual(5);
        // A second search only where a band came up short.
        expect(msearch.mock.calls.length).toBeLessThan(2 * pages);
      } finally {
        msearch.mockRestore();
      }
    },
  );

  it('when the page after a cursor asks for fewer contacts than the cursor page held, then its band is sized for the page asked for', async () => {
    const first = await page('phone_number', 20);
    const msearch = jest.spyOn(ctx.deps.es, 'msearch');
    try {
      const next = (await page('phone_number', 3, first.body.meta.next_cursor)).body.payload.map((c: { id: number }) => c.id);
      const plain = await plainOrder('phone_number');
      expect(next).toEqual(plain.slice(20, 23));
      // The first twenty phones lie ten apart: four pages of three is a band of 120, not of four times the cursor page.
      const band = JSON.stringify(msearch.mock.calls[0][0]).match(/"range":\{"phone_sort":\{"gte":(\d+),"lte":(\d+)\}/);
      expect(Number(band![2]) - Number(band![1])).toBe(120);
      expect(msearch).toHaveBeenCalledTimes(1);
    } finally {
      msearch.mockRestore();
    }
  });

  it('when a contact is written into the band after a cursor, or out of it, then the next page shows it as the plain sort does', async () => {
    const first = await page('phone_number', 5);
    const after = first.body.meta.next_cursor as string;
    const last = first.body.payload[4] as { id: number; phone_number: string };
    const next = (await page('phone_number', 5, after)).body.payload as { id: number; phone_number: string }[];
    // One right after the cursor's value, and the page's second contact moved past the band.
    await expectPageAfterWrites(
      'phone_number',
      5,
      after,
      last.id,
      { insert: { name: 'Inserted', phone_number: `+${Number(last.phone_number.slice(1)) + 1}` }, moveAway: { phone_number: phoneOf(9_000_000) }, moveBack: { phone_number: next[1].phone_number } },
      next[1].id,
    );
  });
});
