import { withTestAccount, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';

let ctx: TestContext;
let account: TestAccount;

withTestAccount((c, a) => {
  ctx = c;
  account = a;
});

/** A JSON body sent as written (a literal's digits as typed, not as JSON.stringify writes the number). */
const send = (method: 'post' | 'patch', path: string, body: string) =>
  ctx.http[method](account.path(path)).set('api_access_token', account.adminToken).set('content-type', 'application/json').send(body);

// A number literal beyond a double's range parses to Infinity: the local MongoDB-wire server
// refused to store it in free-form attributes (a 500), and no field can mean it.
describe('numbers beyond a double in a JSON body', () => {
  it.each([
    ['post', '/contacts', '{"name":"Big","additional_attributes":{"seats":1e400}}', 'additional_attributes.seats'],
    ['post', '/contacts', '{"name":"Big","additional_attributes":{"sizes":[1, -1e999]}}', 'additional_attributes.sizes[1]'],
    ['post', '/contacts', '{"name":"Big","custom_attributes":{"seats":1e309}}', 'custom_attributes.seats'],
    ['post', '/contacts', '{"name":"Big","custom_attributes":{"two words":1e309}}', 'custom_attributes["two words"]'],
    ['post', '/contacts/filter', '{"payload":[{"attribute_key":"created_at","filter_operator":"is_greater_than","values":[1e400],"query_operator":null}]}', 'payload[0].values[0]'],
    // Found by a black-box tester: "item 1 of a list" read as the filter's second item, not its value.
    ['post', '/contacts/filter', '{"payload":[{"attribute_key":"city","filter_operator":"is_present","values":[],"query_operator":"and"},{"attribute_key":"seats","filter_operator":"equal_to","values":[5,1e400]}]}', 'payload[1].values[1]'],
  ] as const)('when %s %s holds one, then it answers 422 naming where', async (method, path, body, where) => {
    const res = await send(method, path, body);
    expect(res.status).toBe(422);
    expect(res.body.error).toBe(`${where} is a number beyond what a double holds (about ±1.8e308)`);
    expect(res.body.field).toBe(where);
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

// Found by a black-box tester: a Facebook id of 17 digits in custom_attributes was stored as its
// neighbour double (10215894736289301 as …300) and the key defined as a number, with a 200.
describe('number literals whose digits the parse changes', () => {
  it.each([
    ['{"name":"Psid","custom_attributes":{"fb_psid":10215894736289301}}', 'custom_attributes.fb_psid', '10215894736289301', '10215894736289300'],
    ['{"name":"Ext","additional_attributes":{"ext":{"ids":[1, 12345678901234567890]}}}', 'additional_attributes.ext.ids[1]', '12345678901234567890', '12345678901234567000'],
    ['{"name":"Neg","custom_attributes":{"n":-9007199254740993}}', 'custom_attributes.n', '-9007199254740993', '-9007199254740992'],
    ['{"name":"Frac","additional_attributes":{"x":1.00000000000000001}}', 'additional_attributes.x', '1.00000000000000001', '1'],
  ])('when %s is sent, then it answers 422 naming the field and the digits sent, and nothing is written', async (body, where, literal, becomes) => {
    const res = await send('post', '/contacts', body);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      field: where,
      error: `${where} is ${literal}, a number with more digits than a JSON number keeps here (a double: every whole number up to 9007199254740991, only some past it; this one would be ${becomes}): send it as text, "${literal}"`,
    });
    const definitions = await ctx.http.get(account.path('/custom_attribute_definitions')).set('api_access_token', account.adminToken);
    expect(definitions.body.map((d: { attribute_key: string }) => d.attribute_key)).not.toContain('fb_psid');
  });

  it('when the same digits come as text, or a number is written as a double writes it, then it is kept as sent', async () => {
    const res = await send('post', '/contacts', '{"name":"Kept","custom_attributes":{"psid":"10215894736289301"},"additional_attributes":{"a":9007199254740994,"b":1e21,"c":12345678901234567000,"d":0.1,"e":"12345678901234567890","f":-436776965293457011965427712,"g":0.10000000000000001}}');
    expect(res.status).toBe(200);
    expect(res.body.payload.contact.custom_attributes).toEqual({ psid: '10215894736289301' });
    expect(res.body.payload.contact.additional_attributes).toEqual({ a: 9007199254740994, b: 1e21, c: 12345678901234567000, d: 0.1, e: '12345678901234567890', f: -4.36776965293457e26, g: 0.1 });
  });
});

// express.json leaves any other type unparsed: the route saw an empty body, so a PATCH answered
// 200 having changed nothing and a create said a contact needs a name. (Contacts and new
// conversations take form fields too: test/contacts/contact-form-body.api.test.ts.)
describe('a body that is not JSON', () => {
  it.each([
    ['application/x-www-form-urlencoded', 'content=formx'],
    ['text/plain;charset=UTF-8', '{"content":"formx"}'],
    ['application/vnd.api+json', '{"content":"formx"}'],
  ])('when a route that reads JSON only is sent %s, then it answers 415 saying the body must be JSON, and nothing is written', async (type, body) => {
    const contact = await createContact(ctx, account, { name: 'Noted' });
    const notes = account.path(`/contacts/${contact.id}/notes`);
    const res = await ctx.http.post(notes).set('api_access_token', account.adminToken).set('content-type', type).send(body);
    expect(res.status).toBe(415);
    expect(res.body.error).toMatch(/must be JSON, sent with content-type: application\/json/);
    expect((await ctx.http.get(notes).set('api_access_token', account.adminToken)).body).toEqual([]);
  });

  it.each([['text/plain;charset=UTF-8'], ['application/vnd.api+json']])('when a contact is sent as %s, then it answers 415 naming JSON and the form types it takes, and the contact is unchanged', async (type) => {
    const contact = await createContact(ctx, account, { name: 'Before' });
    const res = await ctx.http.patch(account.path(`/contacts/${contact.id}`)).set('api_access_token', account.adminToken).set('content-type', type).send('{"name":"formx"}');
    expect(res.status).toBe(415);
    expect(res.body.error).toContain('must be JSON (content-type: application/json) or form fields (multipart/form-data or application/x-www-form-urlencoded)');
    const shown = await ctx.http.get(account.path(`/contacts/${contact.id}`)).set('api_access_token', account.adminToken);
    expect(shown.body.payload.name).toBe('Before');
  });

  // Apache HttpClient labels bodies ISO-8859-1 by default; Rails reads JSON as UTF-8 whatever the label (it was a 415 "unsupported charset").
  it('when JSON is labelled with an ASCII-based charset, then it is read as UTF-8; bytes that are not UTF-8 are still a 400', async () => {
    // The bytes as given: superagent would send a Buffer labelled JSON as the JSON of the Buffer.
    const post = (type: string, body: Buffer) =>
      ctx.http.post(account.path('/contacts')).set('api_access_token', account.adminToken).set('content-type', type).serialize((raw: unknown) => raw as string).send(body as never);
    const ascii = await post('application/json; charset=ISO-8859-1', Buffer.from('{"name":"Latin Label"}'));
    expect([ascii.status, ascii.body.payload?.contact?.name]).toEqual([200, 'Latin Label']);
    const utf8 = await post('application/json;charset="windows-1252"', Buffer.from('{"name":"José Label"}'));
    expect([utf8.status, utf8.body.payload?.contact?.name]).toEqual([200, 'José Label']);
    const latin1 = await post('application/json; charset=iso-8859-1', Buffer.from('{"name":"Jos\u00e9"}', 'latin1'));
    expect(latin1.status).toBe(400);
    expect(latin1.body.error).toMatch(/not valid UTF-8/);
  });

  // A UTF-8 body labelled UTF-16 is decoded into CJK characters: it was told only "request body must be a JSON object or array".
  it('when JSON labelled UTF-16 is sent as UTF-8, then the 400 names the charset; JSON really in UTF-16 is read', async () => {
    const post = (type: string, body: Buffer) =>
      ctx.http.post(account.path('/contacts')).set('api_access_token', account.adminToken).set('content-type', type).serialize((raw: unknown) => raw as string).send(body as never);
    const mislabelled = await post('application/json; charset=utf-16', Buffer.from('{"name":"Zoë Mislabelled"}'));
    expect([mislabelled.status, mislabelled.body.error]).toEqual([400, 'request body is not valid JSON when read as UTF-16, the charset its Content-Type names: JSON sent as UTF-8 must say charset=utf-8, or name no charset']);
    const utf16 = await post('application/json; charset=utf-16le', Buffer.from('{"name":"Zoë Sixteen"}', 'utf16le'));
    expect([utf16.status, utf16.body.payload?.contact?.name]).toEqual([200, 'Zoë Sixteen']);
    const broken = await post('application/json', Buffer.from('{"name":'));
    expect(broken.body.error).toMatch(/^request body is not valid JSON: /);
  });

  // curl -d without a content type: it was a 422 "Unrecognized key: {"name":"x"}" on the routes that take forms.
  it.each([['{"name":"formx"}'], ['  [{"name":"formx"}]']])('when JSON %s is sent as a urlencoded form to a route that takes forms, then it answers 415 saying to send it as JSON, and nothing is written', async (body) => {
    const contact = await createContact(ctx, account, { name: 'Before' });
    const res = await ctx.http.patch(account.path(`/contacts/${contact.id}`)).set('api_access_token', account.adminToken).set('content-type', 'application/x-www-form-urlencoded').send(body);
    expect(res.status).toBe(415);
    expect(res.body.error).toBe('the request body is JSON sent as application/x-www-form-urlencoded (curl -d sends that type): send it with content-type: application/json');
    const shown = await ctx.http.get(account.path(`/contacts/${contact.id}`)).set('api_access_token', account.adminToken);
    expect(shown.body.payload.name).toBe('Before');
    // A form still is one.
    const form = await ctx.http.patch(account.path(`/contacts/${contact.id}`)).set('api_access_token', account.adminToken).set('content-type', 'application/x-www-form-urlencoded').send('name=After');
    expect(form.body.payload.name).toBe('After');
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

// Found by the hostile-input probe (2026-12-01): a body body-parser could not read answered a
// 500 (a Content-Encoding it could not inflate), was altered without a word (bytes that are not
// UTF-8 became U+FFFD and were stored), or was refused without saying why ("not valid JSON" for
// valid JSON nested too deep or a bare `null`; "request entity too large" without the limit).
describe('a body that cannot be read as sent', () => {
  const raw = (body: string | Buffer, headers: Record<string, string> = {}) => {
    let req = ctx.http.post(account.path('/contacts')).set('api_access_token', account.adminToken).set('content-type', 'application/json');
    for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
    // A Buffer as is: superagent would write it as JSON ({"type":"Buffer",...}).
    return req.serialize((b: unknown) => b as string).send(body as string);
  };

  it('when Content-Encoding says gzip but the body is not gzip, then it answers 400 saying so', async () => {
    const res = await raw('{"name":"gz"}', { 'content-encoding': 'gzip' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/could not be decompressed as gzip/);
  });

  it('when a JSON string holds bytes that are not UTF-8, then it answers 400 and stores nothing', async () => {
    const res = await raw(Buffer.concat([Buffer.from('{"name":"Bad'), Buffer.from([0xff, 0xfe]), Buffer.from('Bytes","identifier":"not-utf8"}')]));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/not valid UTF-8/);
    const search = await ctx.http.get(account.path('/contacts/search?q=not-utf8')).set('api_access_token', account.adminToken);
    expect(search.body.meta.count).toBe(0);
  });

  // The parser reads any depth the size limit lets through; what reads the body after it must
  // not recurse that deep (a filter value quoted with JSON.stringify in its 422 overflowed: a 500).
  it('when valid JSON nests deeper than 64 levels, on any route, then it answers 400 saying it nests too deep, and 64 levels pass the check', async () => {
    const depth = 400_000;
    const deepArray = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    for (const [path, body] of [
      ['/contacts', `{"name":"x","additional_attributes":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`],
      ['/contacts', `{"name":"x","custom_attributes":{"a":${deepArray}}}`],
      ['/contacts/filter', `{"payload":[{"attribute_key":"name","filter_operator":"equal_to","values":${deepArray}}]}`],
      ['/contacts/filter', `{"payload":${deepArray}}`],
      ['/custom_filters', `{"name":"deep","query":{"payload":${deepArray}}}`],
      ['/bulk_actions', `{"type":"Contact","ids":${deepArray},"labels":{"add":["x"]}}`],
    ]) {
      const res = await ctx.http.post(account.path(path)).set('api_access_token', account.adminToken).set('content-type', 'application/json').serialize((b: unknown) => b as string).send(body);
      expect({ path, status: res.status, error: res.body.error }).toEqual({ path, status: 400, error: 'request body is nested too deep to read: at most 64 levels' });
    }
    // 64 levels reach the route, whose own rule answers them.
    const atLimit = await raw(`{"name":"x","additional_attributes":${'{"a":'.repeat(63)}1${'}'.repeat(63)}}`);
    expect(atLimit.status).toBe(422);
    expect(atLimit.body.error).toBe('additional_attributes: attribute values must not be nested more than 20 deep');
  });

  it.each(['null', '"x"', '42'])('when the body is the bare JSON value %s, then it answers 400 saying it must be an object or array', async (body) => {
    const res = await raw(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/must be a JSON object or array/);
  });

  // From a black-box read: it answered zod's "Invalid input: expected object, received array".
  it('when a route that reads an object is sent an array, then the 422 says the body must be a JSON object', async () => {
    for (const path of ['/auth/sign_in', account.path('/contacts'), account.path('/labels'), account.path('/contacts/import')]) {
      const res = await ctx.http.post(path).set('api_access_token', account.adminToken).set('content-type', 'application/json').send('[]');
      expect({ path, status: res.status, error: res.body.error }).toEqual({ path, status: 422, error: 'the request body must be a JSON object, not an array' });
    }
  });

  it('when the JSON is broken, then the error says where', async () => {
    const res = await raw('{"name":"x"} trailing');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/^request body is not valid JSON: .*position/);
  });

  it('when the body is over the limit, then the 413 names the limit', async () => {
    const res = await raw(JSON.stringify({ name: 'x'.repeat(1024 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.body.error).toMatch(/1 MB/);
  });
});

// A lone surrogate (`\ud800` in JSON) is no Unicode character: the create answered it back and
// stored U+FFFD in its place (BSON is UTF-8), so the next read showed another name, email or note.
describe('a lone surrogate in a JSON string', () => {
  it.each([
    ['post', '/contacts', '{"name":"Ana\\ud800","identifier":"lone-1"}', 'name'],
    ['post', '/contacts', '{"name":"Ana","email":"ana\\udc00@example.com"}', 'email'],
    ['post', '/contacts', '{"name":"Ana","custom_attributes":{"k\\ud800":"v"}}', 'the key "k\\ud800" in custom_attributes'],
    ['post', '/contacts/filter', '{"payload":[{"attribute_key":"name","filter_operator":"contains","values":["\\ud83d"]}]}', 'payload[0].values[0]'],
    ['post', '/contacts/filter', '{"payload":[{"attribute_key":"name","filter_operator":"equal_to","values":["ok","\\ud800"]}]}', 'payload[0].values[1]'],
  ] as const)('when %s %s holds one, then it answers 422 naming where, and stores nothing', async (method, path, body, where) => {
    const res = await send(method, path, body);
    expect(res.status).toBe(422);
    expect(res.body.error).toBe(`${where} holds a lone surrogate, which is not a Unicode character (a UTF-16 pair must be whole)`);
  });

  it('when a note holds one, then it answers 422 and the contact has no note', async () => {
    const contact = await createContact(ctx, account, { name: 'Noted' });
    const res = await send('post', `/contacts/${contact.id}/notes`, '{"content":"call \\ud800 back"}');
    expect(res.status).toBe(422);
    const notes = await ctx.http.get(account.path(`/contacts/${contact.id}/notes`)).set('api_access_token', account.adminToken);
    expect(notes.body).toEqual([]);
  });

  it('when a whole pair comes escaped, then it is kept', async () => {
    const res = await send('post', '/contacts', '{"name":"Smile \\ud83d\\ude00"}');
    expect(res.status).toBe(200);
    const shown = await ctx.http.get(account.path(`/contacts/${res.body.payload.contact.id}`)).set('api_access_token', account.adminToken);
    expect(shown.body.payload.name).toBe('Smile 😀');
  });
});
