import { withTestAccount, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';

let ctx: TestContext;
let account: TestAccount;

withTestAccount((c, a) => {
  ctx = c;
  account = a;
});

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

// OPTIONS answered Express's own 200 text/html list of methods, which the document does not
// declare; a method a path does not take answered 404 "no route for …", as if the path did not
// exist (found by an HTTP-semantics audit).
describe('methods of a path', () => {
  it('when OPTIONS asks for any path of the document, then it answers 204 with Allow listing exactly the methods the document declares there, without credentials', async () => {
    const document = (await ctx.http.get('/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const wrong: unknown[] = [];
    for (const [template, operations] of Object.entries(document.paths)) {
      if (template.startsWith('/public/api/')) continue;
      const path = template.replace(/\{[^}]+\}/g, '1');
      const declared = METHODS.filter((m) => m in operations).map((m) => m.toUpperCase());
      const expected = [...declared, ...(declared.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].sort();
      const res = await ctx.http.options(path);
      const allow = (res.headers.allow ?? '').split(', ').sort();
      if (res.status !== 204 || res.text || JSON.stringify(allow) !== JSON.stringify(expected)) wrong.push({ path, status: res.status, allow, expected, body: res.text });
    }
    expect(wrong).toEqual([]);
  });

  it('when a path matches a fixed route and a route with an id, then OPTIONS lists the fixed one\'s methods', async () => {
    const res = await ctx.http.options(account.path('/contacts/search')).expect(204);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect((await ctx.http.options(account.path('/contacts.json')).expect(204)).headers.allow).toBe('GET, HEAD, POST, OPTIONS');
  });

  it('when OPTIONS asks for a path the API does not have, then it answers the JSON 404', async () => {
    const res = await ctx.http.options('/nowhere').expect(404);
    expect(res.body.error).toBe('no route for OPTIONS /nowhere');
  });

  it('when the public API is asked OPTIONS, then it still answers the CORS preflight', async () => {
    const res = await ctx.http.options('/public/api/v1/inboxes/x/contacts').set('Origin', 'https://shop.example').expect(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-methods']).toContain('POST');
  });

  it('when a path is sent a method it does not take, then it answers 405 with Allow and an error that names the methods, and changes nothing', async () => {
    const auth = { api_access_token: account.adminToken };
    const contact = await createContact(ctx, account, { name: 'Kept' });
    const res = await ctx.http.post(account.path(`/contacts/${contact.id}`)).set(auth).send({ name: 'Overwritten' }).expect(405);
    expect(res.headers.allow).toBe('GET, HEAD, PUT, PATCH, DELETE, OPTIONS');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.error).toBe(`POST is not allowed on ${account.path(`/contacts/${contact.id}`)}; it takes GET, HEAD, PUT, PATCH, DELETE, OPTIONS`);
    expect((await ctx.http.get(account.path(`/contacts/${contact.id}`)).set(auth).expect(200)).body.payload.name).toBe('Kept');

    const collection = await ctx.http.delete(account.path('/contacts')).set(auth).expect(405);
    expect(collection.headers.allow).toBe('GET, HEAD, POST, OPTIONS');
    expect((await ctx.http.get('/health').expect(200)).status).toBe(200);
    expect((await ctx.http.post('/health').expect(405)).headers.allow).toBe('GET, HEAD, OPTIONS');
    expect((await ctx.http.head(account.path('/bulk_actions')).set(auth).expect(405)).headers.allow).toBe('POST, OPTIONS');
  });

  it('when the method is wrong and the caller is not signed in, then the 401 comes first', async () => {
    const res = await ctx.http.delete(account.path('/contacts')).expect(401);
    expect(res.headers['www-authenticate']).toBeDefined();
  });

  it('when a path the API does not have is sent any method, then it is still a 404', async () => {
    const res = await ctx.http.delete(account.path('/nothing')).set('api_access_token', account.adminToken).expect(404);
    expect(res.body.error).toBe(`no route for DELETE ${account.path('/nothing')}`);
  });
});
