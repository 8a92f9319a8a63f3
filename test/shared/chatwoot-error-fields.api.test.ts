import { withTestAccount, type TestAccount, type TestContext } from '../support/context';

// Chatwoot's dashboard reads an error answer's `message` (shown to the user: contact create,
// saved filters, export) and, on a 422 of a contact write, `attributes` (`error.data.includes('email')`
// picks "this email already exists"): without them it showed a generic failure, or, for a 422 with
// no `attributes`, threw on `undefined.includes`. `error` and `field` stay as they were.

let ctx: TestContext;
let account: TestAccount;

withTestAccount(
  (c, a) => {
    ctx = c;
    account = a;
  },
  { worker: false },
);

const post = (path: string, body: object) => ctx.http.post(account.path(path)).set('api_access_token', account.adminToken).send(body);

describe('error answers as Chatwoot clients read them', () => {
  it('when a contact is created with an email another contact holds, then the 422 carries message and attributes ["email"] beside error and field', async () => {
    const first = await post('/contacts', { name: 'Ana', email: 'ana@dup.test', phone_number: '+34600000001' });
    expect(first.status).toBe(200);
    const res = await post('/contacts', { name: 'Ana 2', email: 'ana@dup.test' });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ error: expect.stringMatching(/ana@dup\.test/), field: 'email', message: res.body.error, attributes: ['email'], request_id: expect.any(String) });
  });

  it('when a contact is changed to a phone number another contact holds, then attributes is ["phone_number"]', async () => {
    const other = await post('/contacts', { name: 'Bea' });
    const res = await ctx.http
      .patch(account.path(`/contacts/${other.body.payload.contact.id}`))
      .set('api_access_token', account.adminToken)
      .send({ phone_number: '+34600000001' });
    expect(res.status).toBe(422);
    expect(res.body.attributes).toEqual(['phone_number']);
    expect(res.body.message).toBe(res.body.error);
  });

  it('when the field at fault is nested, then attributes names its top-level attribute and field keeps the path', async () => {
    const res = await post('/custom_filters', { name: 'x', filter_type: 'contact', query: { payload: [{ attribute_key: 'nope', filter_operator: 'equal_to', values: ['a'] }] } });
    expect(res.status).toBe(422);
    expect(res.body.field).toBe('query.payload[0]');
    expect(res.body.attributes).toEqual(['query']);
    expect(res.body.message).toBe(res.body.error);
  });

  it('when a 404 or 401 is answered, then message repeats error and there is no attributes', async () => {
    const missing = await ctx.http.get(account.path('/contacts/999999999')).set('api_access_token', account.adminToken);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: expect.any(String), message: missing.body.error, request_id: expect.any(String) });

    const anonymous = await ctx.http.get(account.path('/contacts'));
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.message).toBe(anonymous.body.error);

    const noRoute = await ctx.http.get('/no/such/route');
    expect(noRoute.status).toBe(404);
    expect(noRoute.body.message).toBe(noRoute.body.error);
  });
});
