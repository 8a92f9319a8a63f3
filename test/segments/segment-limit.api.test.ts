import { startTestContext, testConfig, type TestAccount, type TestContext } from '../support/context';

// Found by the hostile-input probe (2026-12-01): an account could save any number of segments,
// and GET /custom_filters?with_counts=true runs every one of them in one request (502 segments
// of the heaviest filter the limits allow took 0.5 s at 20,000 contacts; each costs up to ~0.2 s
// at a million), so that request's cost had no bound. SEGMENTS_MAX bounds it.
let ctx: TestContext;
let account: TestAccount;

beforeAll(async () => {
  ctx = await startTestContext({ worker: false, config: testConfig({ SEGMENTS_MAX: '3' }) });
  account = await ctx.createAccount();
});
afterAll(() => ctx.close());

const payload = [{ attribute_key: 'name', filter_operator: 'is_present', values: [] }];
const create = (name: string) =>
  ctx.http.post(account.path('/custom_filters')).set('api_access_token', account.adminToken).send({ name, filter_type: 'contact', query: { payload } });

describe('how many segments an account holds', () => {
  it('when the account holds SEGMENTS_MAX segments, then another answers 422 naming the limit, and one deleted makes room', async () => {
    const made = [];
    for (const name of ['a', 'b', 'c']) {
      const res = await create(name);
      expect(res.status).toBe(200);
      made.push(res.body.id as number);
    }
    const refused = await create('d');
    expect(refused.status).toBe(422);
    expect(refused.body.error).toBe('an account holds at most 3 segments (limit SEGMENTS_MAX); delete one first');
    const list = await ctx.http.get(account.path('/custom_filters?with_counts=true')).set('api_access_token', account.adminToken);
    expect(list.body.map((s: { name: string }) => s.name)).toEqual(['a', 'b', 'c']);

    const gone = await ctx.http.delete(account.path(`/custom_filters/${made[0]}`)).set('api_access_token', account.adminToken);
    expect(gone.status).toBe(204);
    expect((await create('d')).status).toBe(200);
  });
});

describe('how big a segment may be', () => {
  it("when a segment's filter takes more than 64 KiB as JSON, then create and update answer 422 naming it and nothing is stored", async () => {
    const emails = (n: number) => Array.from({ length: n }, (_, i) => `someone-with-a-long-address-${i}@example.com`);
    const own = await ctx.createAccount();
    const as = (req: import('supertest').Test) => req.set('api_access_token', own.adminToken);
    expect((await as(ctx.http.post(own.path('/custom_filters'))).send({ name: 'small', query: { payload } })).status).toBe(200);
    const big = [
      { attribute_key: 'email', filter_operator: 'equal_to', values: emails(800), query_operator: 'or' },
      { attribute_key: 'email', filter_operator: 'equal_to', values: emails(800) },
    ];
    const refused = await as(ctx.http.post(own.path('/custom_filters'))).send({ name: 'big', query: { payload: big } });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ field: 'query.payload', error: expect.stringMatching(/a segment's may take at most 65,536/) });
    const list = await as(ctx.http.get(own.path('/custom_filters')));
    const kept = list.body[0];
    const update = await as(ctx.http.patch(own.path(`/custom_filters/${kept.id}`))).send({ query: { payload: big } });
    expect(update.status).toBe(422);
    expect((await as(ctx.http.get(own.path(`/custom_filters/${kept.id}`)))).body.query).toEqual(kept.query);
    const fits = [{ attribute_key: 'email', filter_operator: 'equal_to', values: emails(1000) }];
    expect((await as(ctx.http.patch(own.path(`/custom_filters/${kept.id}`))).send({ query: { payload: fits } })).status).toBe(200);
  });
});
