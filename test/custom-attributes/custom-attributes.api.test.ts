import { startTestContext, type TestAccount, type TestContext } from '../support/context';
import { createContact, storeDefinition } from '../support/factories';
import { MAX_SLOTS } from '../../src/records/custom-attribute-fields';
import { importCsv } from '../import/import-support';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await startTestContext();
});
afterAll(() => ctx.close());

const as = (a: TestAccount, token = a.adminToken) => ({
  get: (p: string) => ctx.http.get(a.path(p)).set('api_access_token', token),
  post: (p: string, body: object) => ctx.http.post(a.path(p)).set('api_access_token', token).send(body),
  patch: (p: string, body: object) => ctx.http.patch(a.path(p)).set('api_access_token', token).send(body),
  delete: (p: string) => ctx.http.delete(a.path(p)).set('api_access_token', token),
});

describe('custom attribute definitions', () => {
  it('when definitions are created, read, updated and deleted, then they answer in Chatwoot\'s shape', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    const created = await api.post('/custom_attribute_definitions', {
      attribute_key: 'plan',
      attribute_display_name: 'Plan',
      attribute_display_type: 'list',
      attribute_values: ['free', 'pro'],
      attribute_model: 'contact_attribute',
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ attribute_key: 'plan', attribute_display_type: 'list', attribute_values: ['free', 'pro'], attribute_model: 'contact_attribute' });
    expect(created.body).not.toHaveProperty('slot');
    // SPEC §2: timestamps are Unix seconds (they were ISO 8601 text, as Chatwoot renders a definition's).
    expect(Number.isInteger(created.body.created_at) && Math.abs(created.body.created_at - Date.now() / 1000) < 120).toBe(true);
    expect(Number.isInteger(created.body.updated_at)).toBe(true);
    const list = await api.get('/custom_attribute_definitions?attribute_model=contact_attribute');
    expect(list.body.map((d: { attribute_key: string }) => d.attribute_key)).toEqual(['plan']);
    const updated = await api.patch(`/custom_attribute_definitions/${created.body.id}`, { attribute_display_name: 'Pricing plan', attribute_values: ['free', 'pro', 'team'] });
    expect(updated.body).toMatchObject({ attribute_display_name: 'Pricing plan', attribute_values: ['free', 'pro', 'team'] });
    expect((await api.patch(`/custom_attribute_definitions/${created.body.id}`, { attribute_display_type: 'number' })).status).toBe(422);
    // Chatwoot answers a deleted definition with 204 No Content.
    const deleted = await api.delete(`/custom_attribute_definitions/${created.body.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await api.get(`/custom_attribute_definitions/${created.body.id}`)).status).toBe(404);
  });

  it.each([
    [{ attribute_key: 'email', attribute_display_type: 'text' }, 'attribute_key'],
    [{ attribute_key: 'a.b', attribute_display_type: 'text' }, 'attribute_key'],
    [{ attribute_key: 'x', attribute_display_type: 'currency' }, 'attribute_display_type'],
    [{ attribute_key: 'x', attribute_display_type: 'list' }, 'attribute_values'],
    [{ attribute_key: 'x', attribute_display_type: 'text', attribute_model: 'conversation_attribute' }, 'attribute_model'],
    [{ attribute_key: 'x', attribute_display_type: 2 }, 'attribute_display_type'],
    [{ attribute_key: 'x', attribute_display_type: 9 }, 'attribute_display_type'],
    [{ attribute_key: 'x', attribute_display_type: 0, attribute_model: 0 }, 'attribute_model'],
    // Values no write could store (a list value with NUL no contact could hold), from a black-box read of 2026-12-05.
    [{ attribute_key: 'x', attribute_display_type: 'list', attribute_values: ['A\u0000B'] }, 'attribute_values.0'],
    [{ attribute_key: 'x', attribute_display_type: 'text', attribute_display_name: 'Red\u001b[31m' }, 'attribute_display_name'],
    [{ attribute_key: 'x', attribute_display_type: 'text', attribute_description: 'd\u0000' }, 'attribute_description'],
    [{ attribute_key: '\u200b', attribute_display_type: 'text' }, 'attribute_key'],
  ])('when the definition is %j, then it answers 422 naming %s', async (body, field) => {
    const account = await ctx.createAccount();
    const res = await as(account).post('/custom_attribute_definitions', body);
    expect(res.status).toBe(422);
    expect(res.body.field).toBe(field);
  });

  it('when a required field is left out, then the 422 says it is required, in words', async () => {
    const account = await ctx.createAccount();
    const res = await as(account).post('/custom_attribute_definitions', { attribute_display_type: 'text' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ error: 'attribute_key is required', field: 'attribute_key' });
  });

  it('when a Chatwoot client sends its numbers for type and model, wrapped in custom_attribute_definition or not, then they are understood', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    const bare = await api.post('/custom_attribute_definitions', { attribute_key: 'seats', attribute_display_name: 'Seats', attribute_display_type: 1, attribute_model: 1 });
    expect(bare.status).toBe(200);
    expect(bare.body).toMatchObject({ attribute_key: 'seats', attribute_display_type: 'number', attribute_model: 'contact_attribute' });
    const wrapped = await api.post('/custom_attribute_definitions', {
      custom_attribute_definition: { attribute_key: 'renews', attribute_display_name: 'Renews', attribute_display_type: 5, attribute_model: 1 },
    });
    expect(wrapped.status).toBe(200);
    expect(wrapped.body).toMatchObject({ attribute_key: 'renews', attribute_display_type: 'date' });
    const renamed = await api.patch(`/custom_attribute_definitions/${wrapped.body.id}`, { custom_attribute_definition: { attribute_display_name: 'Renewal' } });
    expect(renamed.body).toMatchObject({ attribute_display_name: 'Renewal', attribute_display_type: 'date' });
    expect((await api.get('/custom_attribute_definitions?attribute_model=1')).body.map((d: { attribute_key: string }) => d.attribute_key)).toEqual(['seats', 'renews']);
    // Conversation attributes are none here; every definition when the model is blank, as Chatwoot's `presence` reads it.
    for (const model of ['conversation_attribute', '0']) expect((await api.get(`/custom_attribute_definitions?attribute_model=${model}`)).body).toEqual([]);
    expect((await api.get('/custom_attribute_definitions?attribute_model=')).body).toHaveLength(2);
    // Any other model was an empty list with a 200: a typo read as "no definitions".
    const typo = await api.get('/custom_attribute_definitions?attribute_model=contact_atribute');
    expect([typo.status, typo.body.field, typo.body.error]).toEqual([422, 'attribute_model', 'attribute_model must be contact_attribute or conversation_attribute (or 1, 0)']);
  });

  it("when Chatwoot's dashboard sends attribute_values [] for a type that is not a list, then create and update take it; values for such a type are a 422", async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    const text = await api.post('/custom_attribute_definitions', { attribute_key: 'nickname', attribute_display_type: 'text', attribute_values: [] });
    expect(text.status).toBe(200);
    expect(text.body).toMatchObject({ attribute_key: 'nickname', attribute_values: [] });
    const number = await api.post('/custom_attribute_definitions', { custom_attribute_definition: { attribute_key: 'seats', attribute_display_type: 1, attribute_values: [] } });
    expect(number.status).toBe(200);
    for (const def of [text.body, number.body]) {
      const edited = await api.patch(`/custom_attribute_definitions/${def.id}`, { attribute_display_name: 'Edited', attribute_description: 'from the dashboard', attribute_values: [] });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ attribute_display_name: 'Edited', attribute_description: 'from the dashboard', attribute_values: [] });
    }
    const patched = await api.patch(`/custom_attribute_definitions/${text.body.id}`, { attribute_values: ['a'] });
    expect(patched.status).toBe(422);
    expect(patched.body.field).toBe('attribute_values');
    const created = await api.post('/custom_attribute_definitions', { attribute_key: 'age', attribute_display_type: 'number', attribute_values: ['1'] });
    expect(created.status).toBe(422);
    expect(created.body.field).toBe('attribute_values');
    expect((await api.get('/custom_attribute_definitions')).body.map((d: { attribute_key: string }) => d.attribute_key)).toEqual(['nickname', 'seats']);
  });

  it('when a definition has regex_pattern and regex_cue, then they are stored and answered by create, show, list and update; contact values are not checked against them', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    // Chatwoot's dashboard writes the pattern as a literal (new RegExp(p).toString()) and reads it back the same way.
    const created = await api.post('/custom_attribute_definitions', { attribute_key: 'code', attribute_display_type: 'text', regex_pattern: '/^[a-z]{3}$/i', regex_cue: 'three letters' });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ regex_pattern: '/^[a-z]{3}$/i', regex_cue: 'three letters' });
    expect((await api.get(`/custom_attribute_definitions/${created.body.id}`)).body).toMatchObject({ regex_pattern: '/^[a-z]{3}$/i', regex_cue: 'three letters' });
    expect((await api.get('/custom_attribute_definitions')).body[0]).toMatchObject({ regex_pattern: '/^[a-z]{3}$/i', regex_cue: 'three letters' });
    const bare = await api.patch(`/custom_attribute_definitions/${created.body.id}`, { custom_attribute_definition: { regex_pattern: '^\\d+$', regex_cue: 'digits' } });
    expect(bare.body).toMatchObject({ regex_pattern: '^\\d+$', regex_cue: 'digits' });
    const untouched = await api.patch(`/custom_attribute_definitions/${created.body.id}`, { attribute_display_name: 'Code' });
    expect(untouched.body).toMatchObject({ attribute_display_name: 'Code', regex_pattern: '^\\d+$', regex_cue: 'digits' });
    const cleared = await api.patch(`/custom_attribute_definitions/${created.body.id}`, { regex_pattern: null, regex_cue: null });
    expect(cleared.body).toMatchObject({ regex_pattern: null, regex_cue: null });
    const plain = await api.post('/custom_attribute_definitions', { attribute_key: 'plain', attribute_display_type: 'text' });
    expect(plain.body).toMatchObject({ regex_pattern: null, regex_cue: null });

    await api.patch(`/custom_attribute_definitions/${created.body.id}`, { regex_pattern: '/^[a-z]{3}$/' });
    expect((await api.post('/contacts', { name: 'n', custom_attributes: { code: 'not three letters' } })).status).toBe(200);
  });

  it('when a definition has a default_value, then it is stored and answered; a value of another shape is a 422', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    const created = await api.post('/custom_attribute_definitions', { attribute_key: 'tier', attribute_display_type: 'text', default_value: 'basic' });
    expect(created.status).toBe(200);
    expect(created.body.default_value).toBe('basic');
    expect((await api.get(`/custom_attribute_definitions/${created.body.id}`)).body.default_value).toBe('basic');
    expect((await api.patch(`/custom_attribute_definitions/${created.body.id}`, { default_value: 3 })).body.default_value).toBe(3);
    expect((await api.patch(`/custom_attribute_definitions/${created.body.id}`, { attribute_display_name: 'Tier' })).body.default_value).toBe(3);
    expect((await api.patch(`/custom_attribute_definitions/${created.body.id}`, { default_value: null })).body.default_value).toBeNull();
    const refused = await api.patch(`/custom_attribute_definitions/${created.body.id}`, { default_value: { a: 1 } });
    expect(refused.status).toBe(422);
    expect(refused.body.field).toBe('default_value');
  });

  it.each([
    [{ regex_pattern: '([a-z' }],
    [{ regex_pattern: '/abc/q' }],
    [{ regex_pattern: 'a'.repeat(501) }],
    [{ regex_pattern: 5 }],
  ])('when regex_pattern is %j, then create and update answer 422 naming regex_pattern', async (fields) => {
    const account = await ctx.createAccount();
    const api = as(account);
    const created = await api.post('/custom_attribute_definitions', { attribute_key: 'code', attribute_display_type: 'text', ...fields });
    expect(created.status).toBe(422);
    expect(created.body.field).toBe('regex_pattern');
    const def = await api.post('/custom_attribute_definitions', { attribute_key: 'code', attribute_display_type: 'text' });
    const updated = await api.patch(`/custom_attribute_definitions/${def.body.id}`, fields);
    expect(updated.status).toBe(422);
    expect(updated.body.field).toBe('regex_pattern');
    expect((await api.get(`/custom_attribute_definitions/${def.body.id}`)).body.regex_pattern).toBeNull();
  });

  it('when a key is defined twice or by an agent, then it is refused; another account does not see it', async () => {
    const account = await ctx.createAccount();
    const other = await ctx.createAccount();
    const first = await as(account).post('/custom_attribute_definitions', { attribute_key: 'tier', attribute_display_type: 'text' });
    expect((await as(account).post('/custom_attribute_definitions', { attribute_key: 'tier', attribute_display_type: 'number' })).status).toBe(422);
    expect((await as(account, account.agentToken).post('/custom_attribute_definitions', { attribute_key: 'z', attribute_display_type: 'text' })).status).toBe(403);
    expect((await as(other).get('/custom_attribute_definitions')).body).toEqual([]);
    expect((await as(other).get(`/custom_attribute_definitions/${first.body.id}`)).status).toBe(404);
  });
});

describe('keys that name a standard field', () => {
  // CSV columns are matched in any case: a custom `City` was exported and imported as the
  // standard city (its own values lost), and `ip_address` / `errors` as the CSV's own columns.
  it('when a key names a standard field in any case, or a CSV column of its own, then a definition or a contact write with it answers 422 and defines nothing', async () => {
    const account = await ctx.createAccount();
    for (const key of ['City', 'EMAIL', 'Labels', 'Phone_Number', 'ip_address', 'IP_Address', 'errors', 'Updated_At', 'city']) {
      const defined = await as(account).post('/custom_attribute_definitions', { attribute_key: key, attribute_display_type: 'text' });
      expect(defined.status).toBe(422);
      expect(defined.body.field).toBe('attribute_key');
      expect(defined.body.error).toContain(`"${key}"`);
      expect(defined.body.error).toContain(`"${key.toLowerCase()}"`);
      const written = await as(account).post('/contacts', { name: 'Shadow', custom_attributes: { [key]: 'x' } });
      expect(written.status).toBe(422);
    }
    expect((await as(account).get('/custom_attribute_definitions')).body).toEqual([]);
    expect((await as(account).post('/custom_attribute_definitions', { attribute_key: 'City Tier', attribute_display_type: 'text' })).status).toBe(200);
  });
});

describe('many definitions at once', () => {
  it('when 60 definitions of different keys are created at once, then every one is created (none runs out of attempts)', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    const keys = Array.from({ length: 60 }, (_, i) => `crowd_${i}`);
    const results = await Promise.all(keys.map((key) => api.post('/custom_attribute_definitions', { attribute_key: key, attribute_display_type: 'text' })));
    expect(results.filter((r) => r.status !== 200).map((r) => `${r.status} ${JSON.stringify(r.body)}`)).toEqual([]);
    const listed = (await api.get('/custom_attribute_definitions')).body as { attribute_key: string }[];
    expect(listed.map((d) => d.attribute_key).sort()).toEqual([...keys].sort());
  });
});

// Found by a black-box read of bounded cost: 34 list definitions of 500 values of 255 emoji each
// passed every per-field limit, the 35th made the account's definitions a document past MongoDB's
// 16 MiB and answered 500, and so did every contact write bringing a new key after it.
describe("the size of an account's definitions together", () => {
  it('when a list definition would bring them past 1 MiB, then it is a 422 naming the limit, and so is a contact write bringing new keys then, not a 500; deleting one makes room', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    // 500 values of 255 UTF-16 units, 507 bytes each as JSON: about 255 KB a definition.
    const values = Array.from({ length: 500 }, (_, i) => `${String(i).padStart(3, '0')}${'😀'.repeat(126)}`);
    const define = (key: string) => api.post('/custom_attribute_definitions', { attribute_key: key, attribute_display_type: 'list', attribute_values: values });
    for (const key of ['big_1', 'big_2', 'big_3', 'big_4']) expect((await define(key)).status).toBe(200);
    const fifth = await define('big_5');
    expect(fifth.status).toBe(422);
    expect(fifth.body.error).toMatch(/^the custom attribute definitions of an account take at most 1,048,576 bytes together \(as JSON\); this change brings them to 1,2\d\d,\d{3}: shorten list values, descriptions or patterns, or delete definitions$/);
    const listed = async () => ((await api.get('/custom_attribute_definitions')).body as { id: number; attribute_key: string }[]).map((d) => d.attribute_key);
    expect(await listed()).toEqual(['big_1', 'big_2', 'big_3', 'big_4']);

    const keys = Array.from({ length: 96 }, (_, i) => `${String(i).padStart(2, '0')}${'k'.repeat(98)}`);
    const contact = await api.post('/contacts', { name: 'Ana', custom_attributes: Object.fromEntries(keys.map((k) => [k, 'v'])) });
    expect(contact.status).toBe(422);
    expect(contact.body.error).toMatch(/the custom attribute definitions of an account take at most 1,048,576 bytes together/);

    const first = ((await api.get('/custom_attribute_definitions')).body as { id: number; attribute_key: string }[]).find((d) => d.attribute_key === 'big_1')!;
    expect((await api.delete(`/custom_attribute_definitions/${first.id}`)).status).toBe(204);
    expect((await define('big_5')).status).toBe(200);
  });
});

describe('custom attribute values on contacts', () => {
  it('when a value does not fit its definition, then the write answers 422 naming the key', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    await api.post('/custom_attribute_definitions', { attribute_key: 'seats', attribute_display_type: 'number' });
    await api.post('/custom_attribute_definitions', { attribute_key: 'renewal', attribute_display_type: 'date' });
    await api.post('/custom_attribute_definitions', { attribute_key: 'plan', attribute_display_type: 'list', attribute_values: ['free', 'pro'] });
    await api.post('/custom_attribute_definitions', { attribute_key: 'vip', attribute_display_type: 'checkbox' });
    for (const [key, value] of [
      ['seats', 'ten'],
      ['renewal', 'next week'],
      ['plan', 'gold'],
      ['vip', 'yes'],
    ]) {
      const res = await api.post('/contacts', { name: 'x', custom_attributes: { [key]: value } });
      expect(res.status).toBe(422);
      expect(res.body.field).toBe(`custom_attributes.${key}`);
      expect(res.body.error).toContain(key);
    }
    const ok = await api.post('/contacts', { name: 'ok', custom_attributes: { seats: 10, renewal: '2026-01-31', plan: 'pro', vip: true } });
    expect(ok.status).toBe(200);
    // Text that is not a number stays refused for a number attribute (decimal text is read as its number, below).
    const bad = await api.patch(`/contacts/${ok.body.payload.contact.id}`, { custom_attributes: { seats: '11 seats' } });
    expect(bad.status).toBe(422);
    expect((await api.post('/contacts', { name: 'x', custom_attributes: { email: 'a' } })).status).toBe(422);
  });

  // A key typed decomposed (o + U+0301, as macOS may send it) looks the same as the key defined
  // composed, and is the same text: it defined a second attribute beside it, and a filter, a sort
  // or an export naming it did not find the first.
  it('when a custom attribute key comes decomposed (NFD), then it is the key defined composed, on writes, definitions, filters, sorts, exports and imports', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    const composed = 'regi\u00f3n';
    const decomposed = 'regio\u0301n';
    expect((await api.post('/custom_attribute_definitions', { attribute_key: composed, attribute_display_type: 'text' })).status).toBe(200);
    const twice = await api.post('/custom_attribute_definitions', { attribute_key: decomposed, attribute_display_type: 'text' });
    expect(twice.status).toBe(422);
    expect(twice.body.field).toBe('attribute_key');
    const created = await api.post('/contacts', { name: 'nfd key', custom_attributes: { [decomposed]: 'Sur' } });
    expect(created.status).toBe(200);
    expect(created.body.payload.contact.custom_attributes).toEqual({ [composed]: 'Sur' });
    const both = await api.post('/contacts', { name: 'x', custom_attributes: { [decomposed]: 'a', [composed]: 'b' } });
    expect(both.status).toBe(422);
    expect(((await api.get('/custom_attribute_definitions')).body as { attribute_key: string }[]).map((d) => d.attribute_key)).toEqual([composed]);
    const defined = await api.post('/custom_attribute_definitions', { attribute_key: 'pai\u0301s', attribute_display_type: 'text' });
    expect(defined.body.attribute_key).toBe('pa\u00eds');
    await ctx.settle(account.id);
    const filtered = await api.post('/contacts/filter', { payload: [{ attribute_key: decomposed, filter_operator: 'equal_to', values: ['sur'] }] });
    expect(filtered.status).toBe(200);
    expect(filtered.body.payload.map((c: { id: number }) => c.id)).toEqual([created.body.payload.contact.id]);
    expect((await api.get(`/contacts?sort=-custom_attributes.${encodeURIComponent(decomposed)}`)).status).toBe(200);
    const exported = await api.post('/contacts/export', { column_names: ['name', decomposed] });
    expect(exported.status).toBe(200);
    expect(exported.text.split(/\r?\n/)[0]).toBe(`name,${composed}`);
    const removed = await api.post(`/contacts/${created.body.payload.contact.id}/destroy_custom_attributes`, { custom_attributes: [decomposed] });
    expect(removed.body.payload.custom_attributes).toEqual({});
    const imported = await importCsv(ctx, account, `email,${decomposed}\nnfd-header@example.com,Norte\n`);
    expect(imported).toMatchObject({ status: 'completed', created: 1 });
    expect(((await api.get('/custom_attribute_definitions')).body as { attribute_key: string }[]).map((d) => d.attribute_key).sort()).toEqual(['pa\u00eds', composed]);
  });

  // A list value typed decomposed (a + U+0301, as macOS may send it) is the list's own value: it
  // was refused with a message quoting the very value that was sent, as it looks. The import took
  // a value in another case; the API now reads a value as the import does.
  it('when a list value comes decomposed (NFD) or in another case, then the list\'s own value is stored; a value without its accent is still refused', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    const defined = await api.post('/custom_attribute_definitions', { attribute_key: 'region', attribute_display_type: 'list', attribute_values: ['Andaluc\u00eda', '\u00cele-de-France', 'N\u0303uble', '\u00d1uble'] });
    expect(defined.body.attribute_values).toEqual(['Andaluc\u00eda', '\u00cele-de-France', '\u00d1uble']);
    const decomposed = await api.post('/contacts', { name: 'nfd', custom_attributes: { region: 'Andaluci\u0301a' } });
    expect(decomposed.status).toBe(200);
    expect(decomposed.body.payload.contact.custom_attributes.region).toBe('Andaluc\u00eda');
    const cased = await api.patch(`/contacts/${decomposed.body.payload.contact.id}`, { custom_attributes: { region: '\u00ceLE-DE-FRANCE' } });
    expect(cased.body.payload.custom_attributes.region).toBe('\u00cele-de-France');
    const unaccented = await api.post('/contacts', { name: 'x', custom_attributes: { region: 'Andalucia' } });
    expect(unaccented.status).toBe(422);
    expect(unaccented.body.field).toBe('custom_attributes.region');
  });

  // Chatwoot's dashboard edits a number attribute in a text input and sends what it holds, a string
  // ("11"); it answered 422, so the dashboard could not set a number attribute at all.
  it('when a number attribute is given decimal text, as Chatwoot\'s dashboard sends it, then it is stored as that number and filtered and sorted as one', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    await api.post('/custom_attribute_definitions', { attribute_key: 'seats', attribute_display_type: 'number' });
    const created = await api.post('/contacts', { name: 'Nine', custom_attributes: { seats: '9' } });
    expect(created.status).toBe(200);
    expect(created.body.payload.contact.custom_attributes).toEqual({ seats: 9 });
    const updated = await api.patch(`/contacts/${created.body.payload.contact.id}`, { custom_attributes: { seats: ' 11.5 ' } });
    expect(updated.status).toBe(200);
    expect(updated.body.payload.custom_attributes).toEqual({ seats: 11.5 });
    await api.post('/contacts', { name: 'Two', custom_attributes: { seats: '-2' } });
    // As a number input holds it and the import reads a cell (the import took these; a write refused them).
    for (const [text, number] of [['1e3', 1000], ['.5', 0.5], ['+4', 4], ['2.', 2], ['1E-2', 0.01]] as const) {
      const res = await api.post('/contacts/filter', { payload: [{ attribute_key: 'seats', filter_operator: 'equal_to', values: [text] }] });
      expect(res.status).toBe(200);
      const written = await api.patch(`/contacts/${created.body.payload.contact.id}`, { custom_attributes: { seats: text } });
      expect(written.body.payload.custom_attributes).toEqual({ seats: number });
    }
    await api.patch(`/contacts/${created.body.payload.contact.id}`, { custom_attributes: { seats: 11.5 } }).expect(200);
    for (const text of ['11 seats', '', '0x10', 'NaN', 'Infinity', '1e400', '1e', 'e3', '.', '--1']) {
      const res = await api.post('/contacts', { name: 'x', custom_attributes: { seats: text } });
      expect(res.status).toBe(422);
      expect(res.body.field).toBe('custom_attributes.seats');
    }
    await ctx.settle(account.id);
    const over = await api.post('/contacts/filter?sort=custom_attributes.seats', { payload: [{ attribute_key: 'seats', filter_operator: 'is_greater_than', values: [10] }] });
    expect(over.body.payload.map((c: { name: string }) => c.name)).toEqual(['Nine']);
    const sorted = await api.get('/contacts?sort=custom_attributes.seats');
    expect(sorted.body.payload.map((c: { name: string }) => c.name)).toEqual(['Two', 'Nine']);
    // A key without a definition still takes its type from the JSON value: text here.
    const fresh = await api.post('/contacts', { name: 'x', custom_attributes: { rooms: '3' } });
    expect(fresh.body.payload.contact.custom_attributes).toEqual({ rooms: '3' });

    // Digits a double would change were stored as a neighbour with a 200 (…993 as …992), which the
    // import of the same cell refused; digits a double holds are taken, as the import takes them.
    const lossy = await api.post('/contacts', { name: 'x', custom_attributes: { seats: '9007199254740993' } });
    expect(lossy.status).toBe(422);
    expect(lossy.body).toMatchObject({ field: 'custom_attributes.seats', error: expect.stringMatching(/"9007199254740993" has more digits than a number attribute keeps exactly/) });
    for (const text of ['9007199254740993.0', '1.00000000000000001']) expect((await api.post('/contacts', { name: 'x', custom_attributes: { seats: text } })).status).toBe(422);
    const exact = await api.post('/contacts', { name: 'x', custom_attributes: { seats: '10000000000000000' } });
    expect(exact.body.payload.contact.custom_attributes).toEqual({ seats: 1e16 });
    const filter = await api.post('/contacts/filter', { payload: [{ attribute_key: 'seats', filter_operator: 'equal_to', values: ['9007199254740993'] }] });
    expect(filter.status).toBe(422);
    expect(filter.body.error).toMatch(/has more digits than a number attribute keeps exactly/);
  });

  // The import took `gold` for the list value `Gold` (and filters match it ignoring case), while a
  // contact write refused it: one value, two answers.
  it('when a list attribute is given one of its values in another case, then it is stored as the list writes it, as the import does', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    const definitionId = (await api.post('/custom_attribute_definitions', { attribute_key: 'tier', attribute_display_type: 'list', attribute_values: ['Gold', 'Silver'] })).body.id;
    const created = await api.post('/contacts', { name: 'x', custom_attributes: { tier: 'gold' } });
    expect(created.status).toBe(200);
    expect(created.body.payload.contact.custom_attributes).toEqual({ tier: 'Gold' });
    const refused = await api.post('/contacts', { name: 'y', custom_attributes: { tier: 'bronze' } });
    expect(refused.status).toBe(422);
    // Two values a write or a filter cannot tell apart: which one is "the list's spelling" is a guess (black-box read).
    for (const attribute_values of [['Gold', 'gold'], ['Gold', "O'Hare", 'o’hare']]) {
      const clash = await api.patch(`/custom_attribute_definitions/${definitionId}`, { attribute_values });
      expect(clash).toMatchObject({ status: 422, body: { field: 'attribute_values' } });
      expect(clash.body.error).toMatch(/^attribute_values "(Gold|O'Hare)" and "(gold|o’hare)" differ only in case or in how they are typed/);
    }
    expect((await api.post('/custom_attribute_definitions', { attribute_key: 'rank', attribute_display_type: 'list', attribute_values: ['A', 'a'] })).status).toBe(422);
    expect((await api.get(`/custom_attribute_definitions/${definitionId}`)).body.attribute_values).toEqual(['Gold', 'Silver']);
  });

  it('when a list value is typed with fullwidth letters or typographic punctuation, then it is stored as the list writes it, by a write and by an import; without its accent it is still refused', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    await api.post('/custom_attribute_definitions', { attribute_key: 'office', attribute_display_type: 'list', attribute_values: ["O'Hare", 'Pro-Plus', 'Andalucía'] }).expect(200);
    for (const [typed, stored] of [['O’Hare', "O'Hare"], ['ｏ＇ｈａｒｅ', "O'Hare"], ['Pro–Plus', 'Pro-Plus'], ['ＰＲＯ－ＰＬＵＳ', 'Pro-Plus']]) {
      const created = await api.post('/contacts', { name: typed, custom_attributes: { office: typed } });
      expect(created.status).toBe(200);
      expect(created.body.payload.contact.custom_attributes).toEqual({ office: stored });
    }
    expect((await api.post('/contacts', { name: 'no accent', custom_attributes: { office: 'Andalucia' } })).status).toBe(422);
    const imported = await importCsv(ctx, account, 'name,office\nImported,O’HARE\n');
    expect(imported).toMatchObject({ status: 'completed', created: 1, rejected: 0 });
    await ctx.settle(account.id);
    const found = await api.post('/contacts/filter', { payload: [{ attribute_key: 'office', filter_operator: 'equal_to', values: ["O'Hare"] }] });
    expect(found.body.meta.count).toBe(3);
  });

  it('when a link attribute is given a URL that would run script (javascript:, vbscript:, data:) or text that is no address, then the write answers 422 naming the key; web addresses stay', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    await api.post('/custom_attribute_definitions', { attribute_key: 'site', attribute_display_type: 'link' });
    // Chatwoot's dashboard renders a link attribute as <a href>: such a value ran script there on a click.
    for (const value of ['javascript:alert(1)', ' JavaScript:alert(1)', 'java\tscript:alert(1)', '\u0001javascript:alert(1)', 'vbscript:msgbox(1)', 'data:text/html,<script>alert(1)</script>']) {
      const res = await api.post('/contacts', { name: 'x', custom_attributes: { site: value } });
      expect(res.status).toBe(422);
      expect(res.body.field).toBe('custom_attributes.site');
      expect(res.body.error).toContain('site');
    }
    // SPEC §2: values are validated against their definition's type (any text was taken; Chatwoot's dashboard checks a link as a URL).
    for (const value of ['not a url', 'notaurl', 'https://exa mple.com', 'http://']) {
      const res = await api.post('/contacts', { name: 'x', custom_attributes: { site: value } });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ field: 'custom_attributes.site', error: expect.stringMatching(/link takes a web address/) });
    }
    for (const value of ['https://example.com/a?b=c', 'http://example.com', 'www.example.com', 'example.com:8080/x', 'acme.example/pricing?x=1#top', 'mailto:ana@example.com', 'tel:+14155550100', 'https://münchen.de/straße', ' https://example.com ', '']) {
      const res = await api.post('/contacts', { name: 'x', custom_attributes: { site: value } });
      expect(res.status).toBe(200);
    }
    // A text attribute is not a link: any text stays.
    expect((await api.post('/contacts', { name: 'x', custom_attributes: { remark: 'javascript:alert(1)' } })).status).toBe(200);
  });

  it('when keys are used without a definition, then definitions are created by the JSON type of the value', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    await createContact(ctx, account, { custom_attributes: { score: 3.5, active: false, source: 'ads', nothing: null } });
    const defs = (await api.get('/custom_attribute_definitions')).body as { attribute_key: string; attribute_display_type: string }[];
    const types = Object.fromEntries(defs.map((d) => [d.attribute_key, d.attribute_display_type]));
    expect(types).toEqual({ score: 'number', active: 'checkbox', source: 'text' });
    const res = await api.post('/contacts', { name: 'y', custom_attributes: { score: 'high' } });
    expect(res.status).toBe(422);
  });

  it('when a write is refused for one of its values, then no definition is left behind for its new keys', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    const nested = await api.post('/contacts', { name: 'z', custom_attributes: { fresh: 'fine', shape: { a: 1 } } });
    expect(nested.status).toBe(422);
    expect(nested.body.field).toBe('custom_attributes.shape');
    // It said "is a text attribute", of a definition that does not exist.
    expect(nested.body.error).toBe('custom attribute "shape" is not defined yet, and a new one takes a string, a number or true/false (its first value sets its type); got {"a":1}');
    await api.post('/custom_attribute_definitions', { attribute_key: 'seats', attribute_display_type: 'number' });
    const wrongType = await api.post('/contacts', { name: 'z', custom_attributes: { brand_new: 1, seats: 'many' } });
    expect(wrongType.status).toBe(422);
    // A label refused came after the new keys were defined (found by a black-box read).
    const badLabels = [['a b'], ['ok', 'a,b'], Array.from({ length: 101 }, (_, i) => `l${i}`)];
    for (const labels of badLabels) {
      expect(await api.post('/contacts', { name: 'z', custom_attributes: { by_label: 'x' }, labels })).toMatchObject({ status: 422, body: { field: 'labels' } });
    }
    expect((await api.get('/custom_attribute_definitions')).body.map((d: { attribute_key: string }) => d.attribute_key)).toEqual(['seats']);
    expect((await api.get('/labels')).body.payload).toEqual([]);
  });

  // A refused write defined its new keys all the same: their types then refused the account's later writes.
  it('when a write is refused for a taken email, phone or identifier, or for leaving the contact without one, then it defines none of its new keys', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    const holder = await createContact(ctx, account, { name: 'Holder', email: 'held@x.test', phone_number: '+51911111111', identifier: 'ext-1' });
    const other = await createContact(ctx, account, { name: 'Other' });
    const refusals = [
      await api.post('/contacts', { email: 'HELD@x.test', custom_attributes: { ghost_a: 5 } }),
      await api.post('/contacts', { name: 'n', phone_number: '+51 911 111 111', custom_attributes: { ghost_b: true } }),
      await api.patch(`/contacts/${other.id}`, { identifier: 'ext-1', custom_attributes: { ghost_c: 'x' } }),
      await api.patch(`/contacts/${other.id}`, { name: '', email: null, phone_number: null, identifier: null, custom_attributes: { ghost_d: 1 } }),
    ];
    expect(refusals.map((r) => [r.status, r.body.field])).toEqual([
      [422, 'email'],
      [422, 'phone_number'],
      [422, 'identifier'],
      [422, undefined],
    ]);
    expect(refusals[0].body.error).toBe(`email "held@x.test" already belongs to contact ${holder.id}`);
    expect(refusals[3].body.error).toMatch(/at least one of name, email, phone_number or identifier/);
    expect((await api.get('/custom_attribute_definitions')).body).toEqual([]);
    // A write that passes them defines its keys; the holder may write its own values with a new key.
    expect((await api.patch(`/contacts/${holder.id}`, { email: 'held@x.test', custom_attributes: { ghost_a: 'now text' } })).status).toBe(200);
    expect((await api.get('/custom_attribute_definitions')).body.map((d: { attribute_key: string; attribute_display_type: string }) => [d.attribute_key, d.attribute_display_type])).toEqual([['ghost_a', 'text']]);
  });

  it('when a write brings more new keys than the account has free slots, then it answers 422 naming the first key that does not fit and defines none', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    for (let slot = 1; slot <= MAX_SLOTS - 5; slot++) await storeDefinition(ctx, account.id, { attribute_key: `f${slot}`, attribute_display_type: 'text', slot });
    const seven = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`q${i + 1}`, i + 1]));
    const over = await api.post('/contacts', { name: 'over', custom_attributes: seven });
    expect(over.status).toBe(422);
    expect(over.body.field).toBe('custom_attributes.q6');
    expect(over.body.error).toMatch(/q6/);
    expect(await ctx.deps.definitions.of(account.id)).toHaveLength(MAX_SLOTS - 5);
    const created = await createContact(ctx, account);
    expect((await api.patch(`/contacts/${created.id}`, { custom_attributes: seven })).status).toBe(422);
    expect(await ctx.deps.definitions.of(account.id)).toHaveLength(MAX_SLOTS - 5);
    // Five fit, all at once.
    const five = Object.fromEntries(Object.entries(seven).slice(0, 5));
    expect((await api.patch(`/contacts/${created.id}`, { custom_attributes: five })).status).toBe(200);
    const slots = (await ctx.deps.definitions.of(account.id)).map((d) => d.slot).sort((a, b) => a - b);
    expect(slots).toEqual(Array.from({ length: MAX_SLOTS }, (_, i) => i + 1));
  });

  it.each(['__proto__', 'constructor', 'prototype'])('when a custom attribute key is %s, then contact writes and definitions answer 422 naming it, and nothing is defined', async (key) => {
    const account = await ctx.createAccount();
    const api = as(account);
    // Sent as written: an object literal in a test would take "__proto__" as its prototype.
    const raw = (method: 'post' | 'patch', path: string, body: string) =>
      ctx.http[method](account.path(path)).set('api_access_token', account.adminToken).set('content-type', 'application/json').send(body);
    const created = await raw('post', '/contacts', `{"name":"x","custom_attributes":{${JSON.stringify(key)}:{"polluted":1},"fine":"yes"}}`);
    expect(created.status).toBe(422);
    expect(created.body.field).toBe(`custom_attributes.${key}`);
    expect(created.body.error).toContain(key);
    const contact = await createContact(ctx, account);
    const patched = await raw('patch', `/contacts/${contact.id}`, `{"custom_attributes":{${JSON.stringify(key)}:"x"}}`);
    expect(patched.status).toBe(422);
    expect(patched.body.field).toBe(`custom_attributes.${key}`);
    const defined = await api.post('/custom_attribute_definitions', { attribute_key: key, attribute_display_type: 'text' });
    expect(defined.status).toBe(422);
    expect(defined.body.field).toBe('attribute_key');
    expect(defined.body.error).toContain(key);
    expect((await api.get('/custom_attribute_definitions')).body).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('when contacts are sorted by a custom attribute, then values order them and missing values come last', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    const scores = [5, -1, 12.5, undefined, 3];
    const ids: (number | undefined)[] = [];
    for (const score of scores) ids.push((await createContact(ctx, account, { custom_attributes: score === undefined ? {} : { score } })).id);
    await ctx.settle(account.id);
    const withScore = scores.map((s, i) => ({ s, id: ids[i] })).filter((x) => x.s !== undefined) as { s: number; id: number }[];
    const missing = scores.map((s, i) => ({ s, id: ids[i] })).filter((x) => x.s === undefined).map((x) => x.id);
    const asc = await api.get('/contacts?sort=custom_attributes.score');
    expect(asc.status).toBe(200);
    expect(asc.body.payload.map((c: { id: number }) => c.id)).toEqual([...withScore.sort((a, b) => a.s - b.s).map((x) => x.id), ...missing]);
    const desc = await api.get('/contacts?sort=-custom_attributes.score');
    expect(desc.body.payload.map((c: { id: number }) => c.id)).toEqual([...withScore.sort((a, b) => b.s - a.s).map((x) => x.id), ...missing]);
    expect((await api.get('/contacts?sort=custom_attributes.nope')).status).toBe(422);
  });

  it('when contacts are walked by cursor sorted by a custom attribute of each type, then every contact comes once, those without a value last', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    const types = { ok: 'checkbox', n: 'number', d: 'date', t: 'text' } as const;
    for (const [key, type] of Object.entries(types)) {
      const res = await api.post('/custom_attribute_definitions', { attribute_key: key, attribute_display_name: key, attribute_display_type: type, attribute_model: 'contact_attribute' });
      expect(res.status).toBe(200);
    }
    const values = [
      { ok: true, n: 2, d: '2024-01-02', t: 'b' },
      {},
      { ok: false, n: 1, d: '2023-05-06', t: 'a' },
      { ok: true, n: 3, d: '2025-07-08', t: 'c' },
      {},
    ];
    const ids: number[] = [];
    for (const custom_attributes of values) ids.push((await createContact(ctx, account, { custom_attributes })).id);
    await ctx.settle(account.id);
    const without = [ids[1], ids[4]];
    for (const key of Object.keys(types)) {
      for (const sort of [key, `-${key}`]) {
        const seen: number[] = [];
        let after: string | null = null;
        do {
          const res = await api.get(`/contacts?sort=${sort.startsWith('-') ? '-' : ''}custom_attributes.${key}&per_page=1${after ? `&after=${after}` : ''}`);
          expect({ sort, status: res.status, body: res.status === 200 ? 'ok' : res.body }).toEqual({ sort, status: 200, body: 'ok' });
          seen.push(...res.body.payload.map((c: { id: number }) => c.id));
          after = res.body.meta.next_cursor;
        } while (after);
        expect(seen).toHaveLength(ids.length);
        expect(new Set(seen)).toEqual(new Set(ids));
        expect(new Set(seen.slice(-2))).toEqual(new Set(without));
      }
    }
  });

  it('when numbers beyond 2^53 end pages of a custom number sort, then a cursor walk gives every contact once in order, both ways', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    const seats = [3, 9007199254740994, 2e16, undefined, 1e300, -2e16];
    const ids: number[] = [];
    for (const n of seats) ids.push((await createContact(ctx, account, { name: `seats ${n}`, custom_attributes: n === undefined ? {} : { seats: n } })).id);
    await ctx.settle(account.id);
    const held = seats.map((n, i) => ({ n, id: ids[i] })).filter((x): x is { n: number; id: number } => x.n !== undefined);
    const missing = ids[seats.indexOf(undefined)];
    const expected = {
      'custom_attributes.seats': [...[...held].sort((a, b) => a.n - b.n).map((x) => x.id), missing],
      '-custom_attributes.seats': [...[...held].sort((a, b) => b.n - a.n).map((x) => x.id), missing],
    };
    for (const [sort, order] of Object.entries(expected)) {
      const seen: number[] = [];
      let after: string | null = null;
      for (let pages = 0; pages <= ids.length; pages++) {
        const res = await api.get(`/contacts?sort=${sort}&per_page=1${after ? `&after=${after}` : ''}`);
        expect(res.status).toBe(200);
        seen.push(...res.body.payload.map((c: { id: number }) => c.id));
        after = res.body.meta.next_cursor;
        if (!after) break;
      }
      expect({ sort, seen }).toEqual({ sort, seen: order });
    }
  });

  it('when a definition is deleted, then its values leave the index slot and a new definition may reuse it', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    const def = await api.post('/custom_attribute_definitions', { attribute_key: 'old', attribute_display_type: 'text' });
    await createContact(ctx, account, { custom_attributes: { old: 'value' } });
    await ctx.settle(account.id);
    const slotField = 'cf_text_1';
    expect(await ctx.deps.search.count(account.id, { exists: { field: slotField } })).toBe(1);
    await api.delete(`/custom_attribute_definitions/${def.body.id}`);
    await ctx.settle(account.id);
    expect(await ctx.deps.search.count(account.id, { exists: { field: slotField } })).toBe(0);
    // Recreated: the contact that still holds the value is indexed again.
    await api.post('/custom_attribute_definitions', { attribute_key: 'old', attribute_display_type: 'text' });
    await ctx.settle(account.id);
    expect(await ctx.deps.search.count(account.id, { term: { [slotField]: 'value' } })).toBe(1);
  });

  // The values stay on the contacts (shown, exported); they were left out of the index under the
  // new type, so `level is_present` counted none of the contacts that show a level, with a 200.
  it('when a key is defined again with another type, then the values its contacts hold that convert cleanly are found by filters; the rest are not present', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    const level = await api.post('/custom_attribute_definitions', { attribute_key: 'level', attribute_display_type: 'number' });
    const tier = await api.post('/custom_attribute_definitions', { attribute_key: 'tier', attribute_display_type: 'text' });
    const five = await createContact(ctx, account, { name: 'Five', custom_attributes: { level: 5, tier: '1' } });
    const nine = await createContact(ctx, account, { name: 'Nine', custom_attributes: { level: 9, tier: 'gold' } });
    await api.delete(`/custom_attribute_definitions/${level.body.id}`);
    await api.delete(`/custom_attribute_definitions/${tier.body.id}`);
    await ctx.settle(account.id);
    await api.post('/custom_attribute_definitions', { attribute_key: 'level', attribute_display_type: 'text' });
    await api.post('/custom_attribute_definitions', { attribute_key: 'tier', attribute_display_type: 'number' });
    await ctx.settle(account.id);
    const ids = async (payload: object[]) => ((await api.post('/contacts/filter?sort=name', { payload })).body.payload as { id: number }[]).map((c) => c.id);
    expect(await ids([{ attribute_key: 'level', filter_operator: 'is_present', values: [] }])).toEqual([five.id, nine.id]);
    expect(await ids([{ attribute_key: 'level', filter_operator: 'equal_to', values: ['5'] }])).toEqual([five.id]);
    expect(await ids([{ attribute_key: 'tier', filter_operator: 'equal_to', values: [1] }])).toEqual([five.id]);
    // "gold" is no number: not present under the number tier, though the contact still shows it.
    expect(await ids([{ attribute_key: 'tier', filter_operator: 'is_present', values: [] }])).toEqual([five.id]);
    expect((await api.get(`/contacts/${nine.id}`)).body.payload.custom_attributes).toEqual({ level: 9, tier: 'gold' });
  });

  // Only "true" and "false" were indexed under a key defined again as a checkbox, while a write of
  // 1, "on" or "f" stores the boolean: one value found by filters or not by when it was written.
  it('when a key is defined again as a checkbox, then the values its contacts hold that a checkbox write takes are found as those booleans', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    const number = await api.post('/custom_attribute_definitions', { attribute_key: 'flag', attribute_display_type: 'number' });
    const text = await api.post('/custom_attribute_definitions', { attribute_key: 'flag2', attribute_display_type: 'text' });
    const held = [
      [1, '1'],
      [0, 'ON'],
      [1, ' f '],
      [0, 'yes'],
    ] as const;
    const contacts = [];
    for (const [n, t] of held) contacts.push(await createContact(ctx, account, { name: `${n} ${t}`, custom_attributes: { flag: n, flag2: t } }));
    await api.delete(`/custom_attribute_definitions/${number.body.id}`);
    await api.delete(`/custom_attribute_definitions/${text.body.id}`);
    await ctx.settle(account.id);
    await api.post('/custom_attribute_definitions', { attribute_key: 'flag', attribute_display_type: 'checkbox' });
    await api.post('/custom_attribute_definitions', { attribute_key: 'flag2', attribute_display_type: 'checkbox' });
    await ctx.settle(account.id);
    const ids = async (key: string, value: boolean) =>
      ((await api.post('/contacts/filter?sort=created_at', { payload: [{ attribute_key: key, filter_operator: 'equal_to', values: [value] }] })).body.payload as { id: number }[]).map((c) => c.id);
    expect(await ids('flag', true)).toEqual([contacts[0].id, contacts[2].id]);
    expect(await ids('flag', false)).toEqual([contacts[1].id, contacts[3].id]);
    expect(await ids('flag2', true)).toEqual([contacts[0].id, contacts[1].id]);
    // "yes" is not a checkbox write's value: not present.
    expect(await ids('flag2', false)).toEqual([contacts[2].id]);
  });

  // `blocked`, the filters and Rails' cast read "true" as true; a checkbox answered 422 to it.
  it('when a checkbox value comes as the text "true" or "false", then it is stored as the boolean', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    await api.post('/custom_attribute_definitions', { attribute_key: 'vip', attribute_display_type: 'checkbox' });
    const created = await api.post('/contacts', { name: 'Text Bool', custom_attributes: { vip: 'true' } });
    expect(created.status).toBe(200);
    expect(created.body.payload.contact.custom_attributes).toEqual({ vip: true });
    const patched = await api.patch(`/contacts/${created.body.payload.contact.id}`, { custom_attributes: { vip: 'false' } });
    expect(patched.body.payload.custom_attributes).toEqual({ vip: false });
    const refused = await api.patch(`/contacts/${created.body.payload.contact.id}`, { custom_attributes: { vip: 'yes' } });
    expect(refused.status).toBe(422);
    expect(refused.body.field).toBe('custom_attributes.vip');
  });

  // A key defined again by a contact write (not by POST /custom_attribute_definitions) left the
  // contacts that still held it out of the index: they showed the value and no filter found it.
  it('when a deleted key is defined again by a contact write, then the contacts still holding it are found by filters and sorts', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    const def = await api.post('/custom_attribute_definitions', { attribute_key: 'region', attribute_display_type: 'text' });
    const holder = await createContact(ctx, account, { name: 'Holder', custom_attributes: { region: 'north' } });
    await api.delete(`/custom_attribute_definitions/${def.body.id}`);
    await ctx.settle(account.id);
    expect((await api.post('/contacts', { name: 'Writer', custom_attributes: { region: 'south' } })).status).toBe(200);
    await ctx.settle(account.id);
    const present = await api.post('/contacts/filter?sort=custom_attributes.region', { payload: [{ attribute_key: 'region', filter_operator: 'is_present', values: [] }] });
    expect(present.body.payload.map((c: { name: string }) => c.name)).toEqual(['Holder', 'Writer']);
    const north = await api.post('/contacts/filter', { payload: [{ attribute_key: 'region', filter_operator: 'equal_to', values: ['north'] }] });
    expect(north.body.payload.map((c: { id: number }) => c.id)).toEqual([holder.id]);
  });

  // Chatwoot's dashboard saves one attribute by sending the contact's whole custom_attributes: a value
  // stored before its definition changed (a list value since removed, a key defined again with
  // another type) made every such save a 422, though the caller had not touched it.
  it('when a write sends back a stored value its definition no longer takes, then the write passes and keeps it; a new such value is still a 422', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    const tier = await api.post('/custom_attribute_definitions', { attribute_key: 'tier', attribute_display_type: 'list', attribute_values: ['a', 'b'] });
    const contact = await createContact(ctx, account, { name: 'Old', custom_attributes: { tier: 'b', plan: 'gold' } });
    await api.patch(`/custom_attribute_definitions/${tier.body.id}`, { attribute_values: ['a', 'c'] });
    const plan = ((await api.get('/custom_attribute_definitions')).body as { id: number; attribute_key: string }[]).find((d) => d.attribute_key === 'plan');
    await api.delete(`/custom_attribute_definitions/${plan?.id}`);
    await api.post('/custom_attribute_definitions', { attribute_key: 'plan', attribute_display_type: 'number' });
    const saved = await api.patch(`/contacts/${contact.id}`, { custom_attributes: { tier: 'b', plan: 'gold', seats: 3 } });
    expect(saved.status).toBe(200);
    expect(saved.body.payload.custom_attributes).toEqual({ tier: 'b', plan: 'gold', seats: 3 });
    const other = await createContact(ctx, account, { name: 'New' });
    for (const [key, value] of [
      ['tier', 'b'],
      ['plan', 'gold'],
    ]) {
      const res = await api.patch(`/contacts/${other.id}`, { custom_attributes: { [key]: value } });
      expect(res.status).toBe(422);
      expect(res.body.field).toBe(`custom_attributes.${key}`);
    }
    expect((await api.patch(`/contacts/${contact.id}`, { custom_attributes: { tier: 'x' } })).status).toBe(422);
    // A deleted definition is not brought back by a save that sends the value back with the rest.
    await api.delete(`/custom_attribute_definitions/${tier.body.id}`);
    expect((await api.patch(`/contacts/${contact.id}`, { custom_attributes: { tier: 'b', seats: 4 } })).status).toBe(200);
    const keys = ((await api.get('/custom_attribute_definitions')).body as { attribute_key: string }[]).map((d) => d.attribute_key);
    expect(keys).not.toContain('tier');
  });

  it('when definitions are created at the same time, then each key is defined once and no two share a slot', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    const keys = Array.from({ length: 12 }, (_, i) => `k${i}`);
    // Each key twice at once, and contact writes defining the same keys on first use beside them.
    const answers = await Promise.all([
      ...keys.flatMap((key) => [api.post('/custom_attribute_definitions', { attribute_key: key, attribute_display_type: 'text' }), api.post('/custom_attribute_definitions', { attribute_key: key, attribute_display_type: 'text' })]),
      ...keys.map((key) => api.post('/contacts', { name: key, custom_attributes: { [key]: 'x' } })),
    ]);
    const creates = answers.slice(0, keys.length * 2).map((res) => res.status);
    expect(creates.every((status) => status === 200 || status === 422)).toBe(true);
    // Of a key's two definitions, one at most is created (none when a contact write came first).
    keys.forEach((_, i) => expect(creates.slice(2 * i, 2 * i + 2).filter((status) => status === 200).length).toBeLessThanOrEqual(1));
    expect(answers.slice(keys.length * 2).every((res) => res.status === 200)).toBe(true);
    const list = (await api.get('/custom_attribute_definitions')).body as { attribute_key: string }[];
    expect(list.map((d) => d.attribute_key).sort()).toEqual([...keys].sort());
    const slots = (await ctx.deps.definitions.of(account.id)).map((d) => d.slot).sort((a, b) => a - b);
    expect(slots).toEqual(keys.map((_, i) => i + 1));
  });
});
