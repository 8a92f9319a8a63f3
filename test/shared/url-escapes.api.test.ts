import { withTestAccount, type TestAccount, type TestContext } from '../support/context';
import { createInbox, visitorsPath, websiteChannel } from '../support/inboxes';

let ctx: TestContext;
let account: TestAccount;

withTestAccount((c, a) => {
  ctx = c;
  account = a;
});

// Express decodes a route's text parameters before any handler runs; a malformed escape was a
// 500, on public routes and without a token.
describe('a malformed percent-escape in a path parameter', () => {
  it.each([
    ['the account id, without a token', 'get', '/api/v1/accounts/%ZZ/contacts', '"%ZZ"'],
    ['the account id, cut short', 'get', '/api/v1/accounts/1%/contacts', '"1%"'],
    ['an inbox identifier', 'post', '/public/api/v1/inboxes/%E0%A4%A/contacts', '"%E0%A4%A"'],
    ['a visitor source id', 'get', '/public/api/v1/inboxes/some-inbox/contacts/%ZZ', '"%ZZ"'],
    ['a visitor source id, on email collect', 'post', '/public/api/v1/inboxes/some-inbox/contacts/abc%/email_collect', '"abc%"'],
  ] as const)('when it is in %s, then it answers 400 naming the segment', async (_where, method, path, shown) => {
    const res = await ctx.http[method](path).send({});
    expect(res.status).toBe(400);
    expect(res.body.error).toBe(`a path segment is not valid percent-encoding: ${shown}`);
  });

  it('when the escapes are well formed, then the route answers as ever', async () => {
    const escaped = [...String(account.id)].map((digit) => `%3${digit}`).join('');
    const res = await ctx.http.get(`/api/v1/accounts/${escaped}/contacts`).set('api_access_token', account.adminToken);
    expect(res.status).toBe(200);
  });
});

// From black-box reads (2026-12-05): Rails routes take an optional `.json` format, which older
// scripts write, and read `%34` as `4`; both were a 404 here for a contact that exists.
describe('a path as Rails reads it', () => {
  it('when a route is written with a .json suffix or with escaped digits, then it is the same route', async () => {
    const created = await ctx.http.post(account.path('/contacts')).set('api_access_token', account.adminToken).send({ name: 'Rails Path' }).expect(200);
    const id = String(created.body.payload.contact.id);
    const escaped = [...id].map((digit) => `%3${digit}`).join('');
    for (const path of [`/contacts/${id}.json`, `/contacts/${escaped}`, `/contacts/${escaped}.json`]) {
      const res = await ctx.http.get(account.path(path)).set('api_access_token', account.adminToken);
      expect([path, res.status, res.body.payload?.name]).toEqual([path, 200, 'Rails Path']);
    }
    const listed = await ctx.http.get(account.path('/contacts.json?sort=name')).set('api_access_token', account.adminToken);
    expect(listed.status).toBe(200);
    const patched = await ctx.http.patch(account.path(`/contacts/${id}.json`)).set('api_access_token', account.adminToken).send({ city: 'Lima' });
    expect(patched.body.payload.additional_attributes.city).toBe('Lima');
    // Another suffix is no format here: still the 404 of an id of no record.
    expect((await ctx.http.get(account.path(`/contacts/${id}.xml`)).set('api_access_token', account.adminToken)).status).toBe(404);
    expect((await ctx.http.get(account.path('/contacts/.json')).set('api_access_token', account.adminToken)).status).toBe(404);
  });

  // A visitor's source_id is its own choice, and may end in .json: the widget's paths keep it.
  it('when a website visitor\'s source_id ends in .json, then its widget path still names it', async () => {
    const site = await createInbox(ctx, account, websiteChannel(), 'Dot json');
    const created = await ctx.http.post(visitorsPath(site)).send({ name: 'Dotjson', source_id: 'sess-1.json' }).expect(200);
    await ctx.http.post(visitorsPath(site)).send({ name: 'Plain', source_id: 'sess-1' }).expect(200);
    const read = await ctx.http.get(visitorsPath(site, '/sess-1.json'));
    expect([read.status, read.body.id]).toEqual([200, created.body.id]);
  });
});

// The query parser kept such a value as typed: a Latin-1 client's search for "José" (q=Jos%E9)
// answered nothing with a 200, where Rack, and a path segment here, answer 400.
describe('a malformed percent-escape in the query string', () => {
  it.each([
    ['a Latin-1 letter', '/contacts/search?q=Jos%E9', '"q=Jos%E9"'],
    ['a cut UTF-8 sequence', '/contacts?sort=name&labels[]=%E0%A4%A', '"labels[]=%E0%A4%A"'],
    ['a bare percent sign', '/contacts/search?q=100%', '"q=100%"'],
  ])('when it is %s, then it answers 400 naming the parameter', async (_what, path, shown) => {
    const res = await ctx.http.get(account.path(path)).set('api_access_token', account.adminToken);
    expect([res.status, res.body.error]).toEqual([400, `the query string is not valid percent-encoding (escapes must be UTF-8): ${shown}`]);
  });

  // The parser read the first thousand and dropped the rest without a word: a `page=abc` after them answered 200.
  it('when the query string holds more than 1,000 parameters, then it answers 400 naming the limit', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => `x${i}=1`).join('&');
    const res = await ctx.http.get(account.path(`/contacts?${many}&page=abc`)).set('api_access_token', account.adminToken);
    expect([res.status, res.body.error]).toEqual([400, 'the query string holds 1001 parameters; at most 1000 are read']);
    expect((await ctx.http.get(account.path(`/contacts?${many}`)).set('api_access_token', account.adminToken)).status).toBe(200);
  });

  it('when the escapes are well formed, then the query is read as ever', async () => {
    const res = await ctx.http.get(account.path('/contacts/search?q=Jos%C3%A9+P%C3%A9rez&sort=name')).set('api_access_token', account.adminToken);
    expect(res.status).toBe(200);
  });
});
