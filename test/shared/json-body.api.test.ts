import { withTestAccount, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';

let ctx: TestContext;
let account: TestAccount;

withTestAccount((c, a) => {
  ctx = c;
  account = a;
});

// A number literal beyond a double's range parses to Infinity: the local MongoDB-wire server
// refused to store it in free-form attributes (a 500), and no field can mean it.
describe('numbers beyond a double in a JSON body', () => {
  const send = (method: 'post' | 'patch', path: string, body: string) =>
    ctx.http[method](account.path(path)).set('api_access_token', account.adminToken).set('content-type', 'application/json').send(body);

  it.each([
    ['post', '/contacts', '{"name":"Big","additional_attributes":{"seats":1e400}}', 'the value of "seats"'],
    ['post', '/contacts', '{"name":"Big","additional_attributes":{"sizes":[1, -1e999]}}', 'item 1 of a list'],
    ['post', '/contacts', '{"name":"Big","custom_attributes":{"seats":1e309}}', 'the value of "seats"'],
    ['post', '/contacts/filter', '{"payload":[{"attribute_key":"created_at","filter_operator":"is_greater_than","values":[1e400],"query_operator":null}]}', 'item 0 of a list'],
  ] as const)('when %s %s holds one, then it answers 422 naming where', async (method, path, body, where) => {
    const res = await send(method, path, body);
    expect(res.status).toBe(422);
    expect(res.body.error).toBe(`${where} is a number beyond what a double holds (about ±1.8e308)`);
  });

  it('when a PATCH holds one deep in an attribute, then it answers 422 and the contact is unchanged', async () => {
    const contact = await createContact(ctx, account, { additional_attributes: { plan: { seats: 10 } } });
    const res = await send('patch', `/contacts/${contact.id}`, '{"additional_attributes":{"plan":{"seats":-1e999}}}');
    expect(res.status).toBe(422);
    const shown = await ctx.http.get(account.path(`/contacts/${contact.id}`)).set('api_access_token', account.adminToken);
    expect(shown.body.payload.additional_attributes).toEqual({ plan: { seats: 10 } });
  });

  it('when the largest double is sent, then it is kept', async () => {
    const res = await send('post', '/contacts', '{"name":"Max","additional_attributes":{"n":1.7976931348623157e308,"m":-5e-324}}');
    expect(res.status).toBe(200);
    expect(res.body.payload.contact.additional_attributes).toEqual({ n: Number.MAX_VALUE, m: -5e-324 });
  });
});

// express.json leaves any other type unparsed: the route saw an empty body, so a PATCH answered
// 200 having changed nothing and a create said a contact needs a name.
describe('a body that is not JSON', () => {
  it.each([
    ['application/x-www-form-urlencoded', 'name=formx'],
    ['text/plain;charset=UTF-8', '{"name":"formx"}'],
    ['application/vnd.api+json', '{"name":"formx"}'],
  ])('when a PATCH sends %s, then it answers 415 saying the body must be JSON, and the contact is unchanged', async (type, body) => {
    const contact = await createContact(ctx, account, { name: 'Before' });
    const res = await ctx.http.patch(account.path(`/contacts/${contact.id}`)).set('api_access_token', account.adminToken).set('content-type', type).send(body);
    expect(res.status).toBe(415);
    expect(res.body.error).toMatch(/must be JSON, sent with content-type: application\/json/);
    const shown = await ctx.http.get(account.path(`/contacts/${contact.id}`)).set('api_access_token', account.adminToken);
    expect(shown.body.payload.name).toBe('Before');
  });

  it('when a POST sends a form, then it answers 415, not that the contact lacks a name', async () => {
    const res = await ctx.http.post(account.path('/contacts')).set('api_access_token', account.adminToken).type('form').send('name=x');
    expect(res.status).toBe(415);
  });

  it('when JSON comes with a charset or no body comes at all, then the route answers as ever', async () => {
    const contact = await createContact(ctx, account, { name: 'Same' });
    const patched = await ctx.http.patch(account.path(`/contacts/${contact.id}`)).set('api_access_token', account.adminToken).set('content-type', 'application/json; charset=utf-8').send('{"name":"After"}');
    expect(patched.status).toBe(200);
    expect(patched.body.payload.name).toBe('After');
    const empty = await ctx.http.post(account.path('/contacts/filter')).set('api_access_token', account.adminToken);
    expect(empty.status).toBe(422);
  });
});
