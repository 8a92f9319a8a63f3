import { startTestContext, type TestContext } from '../support/context';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await startTestContext({ worker: false });
});
afterAll(() => ctx.close());

// Found by a black-box operator: the series named the route without its mount, so the account's
// POST /contacts and the website widget's POST /contacts were counted as one.
it('when requests are answered, then the latency series names each route with its mount, as declared (no ids)', async () => {
  const account = await ctx.createAccount();
  await ctx.http.post(account.path('/contacts')).set('api_access_token', account.adminToken).send({ name: 'Ana' }).expect(200);
  await ctx.http.get('/health').expect(200);
  await ctx.http.get('/no/such/route').expect(404);
  // Refused by the account mount's guard, before any of its routes matched.
  await ctx.http.get(account.path('/contacts')).expect(401);
  const text = (await ctx.http.get('/metrics')).text;
  const routes = new Set([...text.matchAll(/contacts_http_request_duration_seconds_count\{[^}]*route="([^"]+)"/g)].map((m) => m[1]));
  expect(routes).toContain('/api/v1/accounts/:account_id/contacts');
  expect(routes).toContain('/health');
  expect(routes).toContain('unmatched');
  expect(text).toMatch(/contacts_http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/accounts\/:account_id\/\*"[^}]*status="401"/);
  expect([...routes].filter((route) => /\/\d+(\/|$)/.test(route))).toEqual([]);
  expect(routes).not.toContain('/contacts');
});
