import { withTestAccount, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';

let ctx: TestContext;
let account: TestAccount;

withTestAccount((c, a) => {
  ctx = c;
  account = a;
});

const patch = (id: number, body: object) => ctx.http.patch(account.path(`/contacts/${id}`)).set('api_access_token', account.adminToken).send(body);
const post = (body: object) => ctx.http.post(account.path('/contacts')).set('api_access_token', account.adminToken).send(body);

// Found by schemathesis (npm run fuzz -- --long): attribute objects with keys MongoDB-wire
// servers refuse answered 500.
describe('attribute keys', () => {
  // The body as schemathesis sent it (seed 79190); FerretDB answered it EmptyFieldName (code 56),
  // which is now a 422. Sent alone here it is accepted, so this only guards against a 500.
  const fuzzed = JSON.parse(
    "{\"phone_number\": \"\", \"country\": null, \"additional_attributes\": {\"__main__\": {\"\": [null, true]}, \"\\u00d3\\u0085\\u00bd\\u000e\\u0097\\uda79\\udece\\u001f-\\u00a9\\t\": \"\", \"\\u00af\": [[], [\"True\", [-3.752492174223367e+16]], {}], \"e\": {\"\\u00c8\\u00dc\\u001f\": null, \"\\u00d8\": \"\\u0011o*\\ud907\\udff6h\\u00ee\\u00e3a\\t\\udb42\\udec3\\udb2f\\udc23c\\u00ca\\u00c5\", \"*c\\u008b\\ud9cb\\udc97\\u00b9\\u0096c\\r\\ud858\\udf94\\uda84\\udc84\\u0011\\udb56\\udd1d\\u00e3\": -15272}, \"\\u001e\\u00fc\\u00b4\\ud954\\udc4cN\\ud9ed\\udfdb\\r\\u0092\\udb6e\\udeea\\u008b\\u000b\": [], \"\\ud986\\ude3c\\u0098\\uda4f\\udf1f\\ud880\\ude47\\udad1\\udf77\\ud91d\\udf1d\\u001c\\u0092\": []}, \"company_name\": null, \"avatar_url\": \"\\ud9cc\\ude73\\u00fe\\u00ca\\u001b\", \"custom_attributes\": {}, \"description\": null}\n",
  );


  it('when the fuzzer\'s PATCH is sent, then it is not a 500', async () => {
    const contact = await createContact(ctx, account);
    const res = await patch(contact.id, fuzzed);
    expect(res.status).toBeLessThan(500);
  });

  it.each([
    ['an empty key', { '': 1 }],
    ['a key with a dot', { 'a.b': 1 }],
    ['a nested key with a dot', { a: { 'b.c': 1 } }],
    ['a key starting with $', { $where: 1 }],
    ['a nested key starting with $', { a: [{ $x: 1 }] }],
    ['a key holding NUL', { 'a\u0000b': 1 }],
    ['a nested key holding NUL', { a: { 'b\u0000': 1 } }],
    ['values nested too deep', { a: JSON.parse('['.repeat(30) + ']'.repeat(30)) }],
  ])('when additional_attributes has %s, then create and update answer 422 naming the field', async (_what, attributes) => {
    const created = await post({ name: 'Keys', additional_attributes: attributes });
    expect(created.status).toBe(422);
    expect(created.body.field).toBe('additional_attributes');
    const contact = await createContact(ctx, account);
    const updated = await patch(contact.id, { additional_attributes: attributes });
    expect(updated.status).toBe(422);
    expect(updated.body.field).toBe('additional_attributes');
  });
});
