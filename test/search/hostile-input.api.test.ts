import { createHmac } from 'node:crypto';
import { createElasticsearchClient } from '../../src/shared/elasticsearch';
import { expectMatchesDocument } from '../openapi/document-support';
import { createContact } from '../support/factories';
import { startSlowElasticsearch, type SlowElasticsearch } from '../support/slow-elasticsearch';
import { startTestContext, testConfig, type TestAccount, type TestContext } from '../support/context';

// Issue 11: bad input is a 4xx, never a 500, and one request's cost is bounded.

const A = '/api/v1/accounts/{account_id}';
let ctx: TestContext;
let account: TestAccount;

beforeAll(async () => {
  ctx = await startTestContext();
  account = await ctx.createAccount();
  const definition = await ctx.http.post(account.path('/custom_attribute_definitions')).set(as(account.adminToken)).send({ attribute_key: 'renews', attribute_display_type: 'date', attribute_display_name: 'Renews' });
  expect(definition.status).toBe(200);
  for (const name of ['Ana', 'Beatriz', 'Carla']) await createContact(ctx, account, { name, city: 'Lima', custom_attributes: { renews: '2026-01-31', member: true } });
  await ctx.settle(account.id);
});
afterAll(() => ctx.close());

const as = (token: string) => ({ api_access_token: token });

/** A cursor signed with the service's secret around any body: a forged cursor's shape reaches the shape check. */
function signed(body: unknown): string {
  const encoded = Buffer.from(JSON.stringify(body)).toString('base64url');
  return `${encoded}.${createHmac('sha256', ctx.deps.config.CURSOR_SECRET).update(encoded).digest('base64url')}`;
}

describe('cursors', () => {
  it('when a cursor the service issued is used, then the next page comes', async () => {
    const first = await ctx.http.get(account.path('/contacts')).query({ sort: 'name', per_page: 1 }).set(as(account.agentToken));
    expect(first.body.meta.next_cursor).toMatch(/^[\w-]+\.[\w-]+$/);
    const next = await ctx.http.get(account.path('/contacts')).query({ sort: 'name', per_page: 1, after: first.body.meta.next_cursor }).set(as(account.agentToken));
    expect(next.status).toBe(200);
    expect(next.body.payload.map((c: { name: string }) => c.name)).toEqual(['Beatriz']);
  });

  it('when a cursor is tampered with, then it answers 422 naming after, as documented', async () => {
    const first = await ctx.http.get(account.path('/contacts')).query({ sort: 'name', per_page: 1 }).set(as(account.agentToken));
    const [, signature] = String(first.body.meta.next_cursor).split('.');
    const forged = `${Buffer.from(JSON.stringify({ s: 'name', v: ['zzz', 1] })).toString('base64url')}.${signature}`;
    const res = await ctx.http.get(account.path('/contacts')).query({ sort: 'name', after: forged }).set(as(account.agentToken));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ field: 'after', error: expect.stringMatching(/signature does not match/) });
    expectMatchesDocument('get', `${A}/contacts`, res);
  });

  // Another account's cursor answered 200 with a page of this account's list from where the other
  // stopped (found by a black-box tester). Another filter of the same account goes on from the same
  // position, as documented (test/contacts/cursor-writes.api.test.ts).
  it("when another account's cursor is used, then it answers 422 naming after; its own account takes it", async () => {
    const other = await ctx.createAccount();
    for (const name of ['Dora', 'Elsa']) await createContact(ctx, other, { name, city: 'Lima' });
    await ctx.settle(other.id);
    const list = (a: TestAccount, query: object) => ctx.http.get(a.path('/contacts')).query({ sort: 'name', per_page: 1, ...query }).set(as(a.agentToken));
    const theirs = (await list(other, {})).body.meta.next_cursor;
    for (const res of [await list(account, { after: theirs }), await ctx.http.get(account.path('/contacts/search')).query({ q: 'a', sort: 'name', after: theirs }).set(as(account.agentToken))]) {
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ field: 'after', error: expect.stringMatching(/cursor of another account's list/) });
    }
    expect((await list(other, { after: theirs })).body.payload.map((c: { name: string }) => c.name)).toEqual(['Elsa']);
  });

  // The six shapes that answered 500 (issue 11), signed so that they get past the signature.
  it.each([
    ['a value of the wrong type', '-created_at', { s: '-created_at', v: [true, 1] }],
    ['too few values', 'name', { s: 'name', v: ['ana'] }],
    ['too many values', 'name', { s: 'name', v: ['ana', 1, 2] }],
    ['a word where a date sort expects a number', '-last_activity_at', { s: '-last_activity_at', v: ['yesterday', 1] }],
    ['nested arrays', 'phone_number', { s: 'phone_number', v: [[1, [2]], [3]] }],
    ['values that are not a list', 'name', { s: 'name', v: { a: 1 } }],
  ])('when a cursor holds %s, then it answers 422 naming after', async (_what, sort, body) => {
    for (const path of ['/contacts', '/contacts/search?q=an']) {
      const res = await ctx.http.get(account.path(path)).query({ sort, after: signed(body) }).set(as(account.agentToken));
      expect(res.status).toBe(422);
      expect(res.body.field).toBe('after');
    }
    const filtered = await ctx.http
      .post(account.path('/contacts/filter'))
      .query({ sort, after: signed(body) })
      .set(as(account.agentToken))
      .send({ payload: [{ attribute_key: 'city', filter_operator: 'equal_to', values: ['Lima'] }] });
    expect(filtered.status).toBe(422);
    expect(filtered.body.field).toBe('after');
  });
});

// Signed under the secret (the development one, say), a cursor's date past what Elasticsearch
// parses answered 422 quoting Elasticsearch's own text and naming sort.
describe('cursors whose values are out of their sort\'s range', () => {
  // 2 ** 63 is what JSON reads 9223372036854775807 as (the tester's value).
  const first = async (sort: string) => {
    const res = await ctx.http.get(account.path('/contacts')).query({ sort, per_page: 1 }).set(as(account.agentToken));
    return JSON.parse(Buffer.from(String(res.body.meta.next_cursor).split('.')[0], 'base64url').toString('utf8')) as { s: string; v: unknown[] };
  };

  it.each([
    ['-created_at', 2 ** 63, 'a date: whole milliseconds from 0001-01-01 to 9999-12-31'],
    ['-created_at', -(2 ** 63), 'a date: whole milliseconds from 0001-01-01 to 9999-12-31'],
    ['last_activity_at', 1e20, 'a date: whole milliseconds from 0001-01-01 to 9999-12-31'],
    ['last_activity_at', '-9223372036854775808', 'a date: whole milliseconds from 0001-01-01 to 9999-12-31'],
    ['-custom_attributes.renews', 'Infinity', 'a date: whole milliseconds from 0001-01-01 to 9999-12-31'],
    ['custom_attributes.member', 2 ** 63, "a checkbox's place: a whole number from -1 to 2"],
  ])('when a signed %s cursor holds %j, then it answers 422 of its own naming after, never Elasticsearch\'s text', async (sort, value, what) => {
    const cursor = await first(sort);
    const after = signed({ ...cursor, v: [value, ...cursor.v.slice(1)] });
    for (const path of ['/contacts', '/contacts/search?q=a']) {
      const res = await ctx.http.get(account.path(path)).query({ sort, per_page: 1, after }).set(as(account.agentToken));
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ field: 'after', error: `after holds ${JSON.stringify(value)} where sort "${sort}" expects ${what}` });
    }
    // The real cursor still walks on.
    expect((await ctx.http.get(account.path('/contacts')).query({ sort, per_page: 1, after: signed(cursor) }).set(as(account.agentToken))).status).toBe(200);
  });
});

describe('the cost of one filter', () => {
  // 100 conditions × 100 `contains` values on city: 3.6–4.8 s before the limits (issue 11).
  const hostile = Array.from({ length: 100 }, (_, i) => ({
    attribute_key: 'city',
    filter_operator: 'contains',
    values: Array.from({ length: 100 }, (_, j) => `ci${i}-${j}`),
    query_operator: i < 99 ? 'and' : null,
  }));
  const refusal = /^payload\[0\]: too many contains, does_not_contain and starts_with values in one filter: at most 20 \(limit FILTER_MAX_SUBSTRING_VALUES\); this item brings it to 100$/;

  it('when the hostile filter is run, then it is refused with a 422 naming the limit', async () => {
    const res = await ctx.http.post(account.path('/contacts/filter')).set(as(account.agentToken)).send({ payload: hostile });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ field: 'payload[0]', error: expect.stringMatching(refusal) });
    expectMatchesDocument('post', `${A}/contacts/filter`, res);
  });

  it('when the hostile filter is saved as a segment, exported or given to a bulk action, then each refuses it the same way', async () => {
    const segment = await ctx.http.post(account.path('/custom_filters')).set(as(account.agentToken)).send({ name: 'hostile', query: { payload: hostile } });
    const exported = await ctx.http.post(account.path('/contacts/export')).set(as(account.adminToken)).send({ payload: hostile });
    const bulk = await ctx.http.post(account.path('/bulk_actions')).set(as(account.adminToken)).send({ type: 'Contact', payload: hostile, labels: { add: ['x'] } });
    for (const res of [exported, bulk]) {
      expect(res.status).toBe(422);
      expect(res.body.error).toMatch(refusal);
    }
    // A segment's conditions are named where its body holds them.
    expect(segment.status).toBe(422);
    expect(segment.body).toMatchObject({
      field: 'query.payload[0]',
      error: 'query.payload[0]: too many contains, does_not_contain and starts_with values in one filter: at most 20 (limit FILTER_MAX_SUBSTRING_VALUES); this item brings it to 100',
    });
  });

  it('when a filter stays within the limits, then it runs', async () => {
    const res = await ctx.http
      .post(account.path('/contacts/filter'))
      .set(as(account.agentToken))
      .send({ payload: [{ attribute_key: 'city', filter_operator: 'contains', values: Array.from({ length: 9 }, (_, i) => `x${i}`).concat(['lim']) }] });
    expect(res.status).toBe(200);
    expect(res.body.meta.count).toBe(3);
  });

  it('when a filter holds 11 values matched by wildcard, then it answers 422 naming FILTER_MAX_WILDCARDS', async () => {
    const res = await ctx.http
      .post(account.path('/contacts/filter'))
      .set(as(account.agentToken))
      .send({ payload: [{ attribute_key: 'city', filter_operator: 'contains', values: Array.from({ length: 11 }, (_, i) => `x${i}`) }] });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/that match broadly .*: at most 10 \(limit FILTER_MAX_WILDCARDS\); this item brings it to 11$/);
  });

  it('when a search q is longer than 255 characters, then it answers 422 naming q', async () => {
    const res = await ctx.http.get(account.path('/contacts/search')).query({ q: 'a'.repeat(256) }).set(as(account.agentToken));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ field: 'q', error: expect.stringMatching(/at most 255 characters/) });
  });
});

describe('what Elasticsearch refuses or cannot finish in time', () => {
  let slow: SlowElasticsearch;
  let loose: TestContext;
  let other: TestAccount;
  const es = () => loose.deps.es;

  beforeAll(async () => {
    slow = await startSlowElasticsearch(ctx.deps.config.ELASTICSEARCH_URL);
    // Limits raised far past what Elasticsearch itself takes, and a short time limit.
    const config = testConfig({ FILTER_MAX_VALUES: '100000', FILTER_MAX_TOTAL_VALUES: '100000', FILTER_MAX_SUBSTRING_VALUES: '100000', SEARCH_TIMEOUT_MS: '2000' });
    loose = await startTestContext({ worker: false, config, es: createElasticsearchClient(slow.url) });
    other = await loose.createAccount();
  });
  afterAll(async () => {
    await loose.close();
    await es().close();
    await slow.close();
  });

  it('when a filter compiles to more clauses than Elasticsearch allows, then it answers 422 naming payload and the limit, not 500', async () => {
    // 20,000 prefix clauses in one bool; Elasticsearch takes 16,384 at this heap.
    const payload = [{ attribute_key: 'name', filter_operator: 'contains', values: Array.from({ length: 20000 }, (_, i) => `n${i}x`) }];
    const res = await loose.http.post(other.path('/contacts/filter')).set(as(other.agentToken)).send({ payload });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ field: 'payload', error: expect.stringMatching(/more clauses than Elasticsearch allows \(indices\.query\.bool\.max_clause_count\).*maxClauseCount is set to/) });
    expectMatchesDocument('post', `${A}/contacts/filter`, res);
  });

  it('when a search runs past SEARCH_TIMEOUT_MS, then it answers 503 with Retry-After and says so, as documented', async () => {
    slow.setSearchDelay(10000);
    try {
      // Held 10 s: a 200 would mean the time limit did not stop the search.
      const res = await loose.http.get(other.path('/contacts')).set(as(other.agentToken));
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.body.error).toMatch(/^the search ran longer than 2000 ms \(SEARCH_TIMEOUT_MS\) and was stopped/);
      expectMatchesDocument('get', `${A}/contacts`, res);
    } finally {
      slow.setSearchDelay(0);
    }
  });
});
