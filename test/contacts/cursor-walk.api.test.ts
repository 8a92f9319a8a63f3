import { startTestContext, type TestAccount, type TestContext } from '../support/context';

let ctx: TestContext;
let account: TestAccount;
const TOTAL = 2500;
const cities = ['Lima', 'lima', 'Bogotá', 'Quito', 'Ñuñoa', 'São Paulo', undefined];

beforeAll(async () => {
  ctx = await startTestContext();
  account = await ctx.createAccount();
  // Through the service (no HTTP) to keep the test quick; the indexing path is the real one.
  for (let i = 0; i < TOTAL; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, TOTAL - i) }, (_, j) =>
        ctx.deps.services.contacts.create(account.id, {
          name: (i + j) % 7 === 0 ? undefined : `Person ${(i + j) % 97}`,
          phone_number: (i + j) % 7 === 0 ? `+1555${String(i + j).padStart(7, '0')}` : undefined,
          city: cities[(i + j) % cities.length],
        }),
      ),
    );
  }
  await ctx.settle(account.id);
}, 240000);
afterAll(() => ctx.close());

it.each([['city'], ['-name']])('when %s is walked by cursor over a few thousand contacts, then each comes exactly once, in order', async (sort) => {
  const seen: { id: number; value: string | null }[] = [];
  let after: string | undefined;
  let pages = 0;
  do {
    const res = await ctx.http.get(account.path('/contacts')).query({ sort, per_page: 200, ...(after ? { after } : {}) }).set('api_access_token', account.agentToken);
    expect(res.status).toBe(200);
    expect(res.body.meta.count).toBe(TOTAL);
    // A contact without a name answers "" (as Chatwoot): it is missing all the same.
    for (const c of res.body.payload) seen.push({ id: c.id, value: sort === 'city' ? (c.additional_attributes.city ?? null) : c.name || null });
    after = res.body.meta.next_cursor ?? undefined;
    pages += 1;
  } while (after);
  expect(pages).toBe(Math.ceil(TOTAL / 200));
  expect(new Set(seen.map((c) => c.id)).size).toBe(TOTAL);
  const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const firstMissing = seen.findIndex((c) => c.value === null);
  expect(seen.slice(firstMissing).every((c) => c.value === null)).toBe(true);
  const present = seen.slice(0, firstMissing).map((c) => fold(c.value!));
  const sorted = [...present].sort();
  expect(present).toEqual(sort.startsWith('-') ? sorted.reverse() : sorted);
});
