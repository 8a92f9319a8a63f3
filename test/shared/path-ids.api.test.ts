import { withTestAccount, type TestAccount, type TestContext } from '../support/context';

let ctx: TestContext;
let account: TestAccount;

withTestAccount((c, a) => {
  ctx = c;
  account = a;
});

type Operation = { parameters?: { name: string; in: string; schema?: { type?: string } }[] };

// Chatwoot's find answers 404 for an id that names no record, whatever it looks like; /contacts/0
// and an id past a safe integer answered 422 about the id's form here.
describe('ids in the path', () => {
  it('when an id in the path can name no record (0, -1, abc, 1.5, past a safe integer), then every route answers 404 with an error, even with a body it would refuse', async () => {
    const document = (await ctx.http.get('/api/openapi.json')).body as { paths: Record<string, Record<string, Operation>> };
    const checked: string[] = [];
    const wrong: unknown[] = [];
    for (const [template, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const ids = (operation.parameters ?? []).filter((p) => p.in === 'path' && p.schema?.type === 'integer').map((p) => p.name);
        if (!ids.length) continue;
        for (const form of ['0', '-1', 'abc', '1.5', '99999999999999999999']) {
          const path = ids.reduce((built, name) => built.replace(`{${name}}`, form), template.replace('{account_id}', String(account.id)).replace('{inbox_identifier}', 'no-inbox').replace('{source_id}', 'no-visitor'));
          const request = ctx.http[method as 'get' | 'post' | 'patch' | 'put' | 'delete'](path).set('api_access_token', account.adminToken);
          const res = method === 'get' || method === 'delete' ? await request : await request.send({ not_a_field: true });
          checked.push(`${method} ${path}`);
          if (res.status !== 404 || typeof res.body.error !== 'string') wrong.push({ method, path, status: res.status, body: res.body });
        }
      }
    }
    expect(checked.length).toBeGreaterThan(100);
    expect(checked).toContain(`get ${account.path('/contacts/0')}`);
    expect(checked).toContain(`delete ${account.path('/contacts/1.5/notes/1.5')}`);
    expect(wrong).toEqual([]);
  });

  it('when the id is 0 or past a safe integer, then the 404 names the record as for an id of no record', async () => {
    const zero = await ctx.http.get(account.path('/contacts/0')).set('api_access_token', account.adminToken);
    expect(zero.status).toBe(404);
    expect(zero.body.error).toBe('contact 0 not found');
    const huge = await ctx.http.patch(account.path('/contacts/99999999999999999999/notes/1')).set('api_access_token', account.adminToken).send({ content: 'x' });
    expect(huge.status).toBe(404);
    expect(huge.body.error).toBe('contact 99999999999999999999 not found');
  });

  // They were 404 "no route for GET …/contacts/abc": the route was there, its id pattern took digits only.
  it('when the id is not digits (abc, -1, 1.5), then the 404 names the record as for an id of no record, after the access check', async () => {
    for (const form of ['abc', '-1', '1.5']) {
      const contact = await ctx.http.get(account.path(`/contacts/${form}`)).set('api_access_token', account.adminToken);
      expect([contact.status, contact.body.error]).toEqual([404, `contact ${form} not found`]);
    }
    const note = await ctx.http.patch(account.path('/contacts/1/notes/x1')).set('api_access_token', account.adminToken).send({ content: 'x' });
    expect([note.status, note.body.error]).toEqual([404, 'note x1 not found']);
    const label = await ctx.http.delete(account.path('/labels/abc')).set('api_access_token', account.adminToken);
    expect([label.status, label.body.error]).toEqual([404, 'label abc not found']);
    // The literal routes beside an id still answer, and a path of no route still says so.
    expect((await ctx.http.get(account.path('/contacts/search?q=zz')).set('api_access_token', account.adminToken)).status).toBe(200);
    const none = await ctx.http.get(account.path('/contacts/abc/nothing')).set('api_access_token', account.adminToken);
    expect([none.status, none.body.error]).toEqual([404, `no route for GET ${account.path('/contacts/abc/nothing')}`]);
    // Without a token the guard answers first, as on a route that took the id.
    expect((await ctx.http.get(account.path('/contacts/abc'))).status).toBe(401);
  });

  it('when an id in a body names nothing by its form, then it stays a 422 naming the field', async () => {
    const res = await ctx.http.post(account.path('/actions/contact_merge')).set('api_access_token', account.adminToken).send({ base_contact_id: 0, mergee_contact_id: 1 });
    expect(res.status).toBe(422);
    expect(res.body.field).toBe('base_contact_id');
  });
});
