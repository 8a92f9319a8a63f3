import { withTestAccount, type TestAccount, type TestContext } from '../support/context';

// Found by a black-box read of bounded cost: a thousand segments (SEGMENTS_MAX) of 64 KiB each
// made GET /custom_filters a 65 MB answer (6 s, the API's memory 400 MB → 850 MB; two with_counts
// at once 1.4 GB). Their filters are bounded together too, by SEGMENTS_MAX_TOTAL_BYTES (4 MiB).
let ctx: TestContext;
let account: TestAccount;

withTestAccount(
  (c, a) => {
    ctx = c;
    account = a;
  },
  { worker: false },
);

const as = (req: import('supertest').Test) => req.set('api_access_token', account.adminToken);
const emails = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `someone-with-a-long-address-${tag}-${i}@example.com`);
const filterOf = (n: number, tag: string) => [{ attribute_key: 'email', filter_operator: 'equal_to', values: emails(n, tag) }];
const create = (name: string, n = 1000) => as(ctx.http.post(account.path('/custom_filters'))).send({ name, query: { payload: filterOf(n, name) } });

describe("the size of an account's segments together", () => {
  it('when a segment would take their filters past 4 MiB together, then create and a growing update answer 422 saying so; a shrinking update is taken, and a delete makes room', async () => {
    const tiny = await create('tiny', 1);
    expect(tiny.status).toBe(200);
    const made: number[] = [];
    let refused;
    for (let i = 0; i < 120 && !refused; i++) {
      const res = await create(`s${i}`);
      if (res.status === 200) made.push(res.body.id);
      else refused = res;
    }
    // About 52 KB each: some 80 fit in 4 MiB.
    expect(made.length).toBeGreaterThan(70);
    expect(refused?.status).toBe(422);
    expect(refused?.body).toMatchObject({
      field: 'query.payload',
      error: expect.stringMatching(/^the account's segments would take 4,[12]\d\d,\d{3} bytes of filters together \(as JSON\); they may take at most 4,194,304: delete segments or make their filters smaller$/),
    });
    expect((await as(ctx.http.get(account.path('/custom_filters')))).body).toHaveLength(made.length + 1);

    // Grown to a little more than the create that did not fit: it does not fit either.
    const grow = await as(ctx.http.patch(account.path(`/custom_filters/${tiny.body.id}`))).send({ query: { payload: filterOf(1000, 'gr99') } });
    expect(grow.status).toBe(422);
    expect(grow.body.error).toMatch(/^the account's segments would take/);
    const shrink = await as(ctx.http.patch(account.path(`/custom_filters/${made[0]}`))).send({ query: { payload: filterOf(10, 'small') } });
    expect(shrink.status).toBe(200);
    expect((await as(ctx.http.delete(account.path(`/custom_filters/${made[1]}`)))).status).toBe(204);
    expect((await create('s-room')).status).toBe(200);
  });
});
