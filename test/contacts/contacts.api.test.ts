import { startTestContext, type TestAccount, type TestContext } from '../support/context';
import { buildContact, createContact } from '../support/factories';

let ctx: TestContext;
let account: TestAccount;

beforeAll(async () => {
  ctx = await startTestContext();
  account = await ctx.createAccount();
});
afterAll(() => ctx.close());

const post = (body: object) => ctx.http.post(account.path('/contacts')).set('api_access_token', account.adminToken).send(body);

describe('creating a contact', () => {
  it('when the input is valid, then it answers with Chatwoot\'s create shape and normalised fields', async () => {
    const res = await post({
      name: 'José Pérez',
      email: '  Jose.Perez@Example.COM ',
      phone_number: '+34 (612) 34-56.78',
      identifier: 'crm-1',
      city: 'Bogotá',
      company_name: 'Acme',
      country_code: 'co',
      custom_attributes: { plan: 'pro' },
    });
    expect(res.status).toBe(200);
    const contact = res.body.payload.contact;
    expect(res.body.payload.contact_inbox).toEqual({ inbox: null, source_id: null });
    expect(contact).toMatchObject({
      name: 'José Pérez',
      email: 'jose.perez@example.com',
      phone_number: '+34612345678',
      identifier: 'crm-1',
      blocked: false,
      additional_attributes: { city: 'Bogotá', company_name: 'Acme', country_code: 'CO' },
      custom_attributes: { plan: 'pro' },
      labels: [],
    });
    expect(typeof contact.id).toBe('number');
    expect(typeof contact.created_at).toBe('number');
  });

  it('when created_at and last_activity_at are given, then they are kept (ISO or Unix seconds)', async () => {
    const res = await post(buildContact({ created_at: '2020-01-02T03:04:05Z', last_activity_at: 1600000000 }));
    expect(res.status).toBe(200);
    expect(res.body.payload.contact.created_at).toBe(Date.UTC(2020, 0, 2, 3, 4, 5) / 1000);
    expect(res.body.payload.contact.last_activity_at).toBe(1600000000);
  });

  it.each([
    [{ email: 'not-an-email' }, 'email'],
    [{ phone_number: '1' }, 'phone_number'],
    [{ phone_number: '+1 555 abc' }, 'phone_number'],
    [{ phone_number: '+0123456' }, 'phone_number'],
    [{ phone_number: '+1234567890123456' }, 'phone_number'],
    [{ name: 'x', created_at: 'yesterday' }, 'created_at'],
    [{ name: 'x', custom_attributes: { 'a.b': 1 } }, 'custom_attributes'],
    [{ name: 'x', custom_attributes: { $where: 1 } }, 'custom_attributes'],
    [{ name: 'x', country_code: 'Colombia' }, 'country_code'],
    [{ name: 'x', unknown_field: 1 }, undefined],
    [{ name: 42 }, 'name'],
  ])('when the body is %j, then it answers 422 naming the problem', async (body, field) => {
    const res = await post(body);
    expect(res.status).toBe(422);
    expect(typeof res.body.error).toBe('string');
    if (field) expect(res.body.field).toBe(field);
    else expect(res.body.error).toMatch(/unknown_field|unrecognized/i);
  });

  // Chatwoot's name column defaults to "", and its dashboard calls name.split(' ') when a contact
  // opens: `null` (answered until 2026-12-03) threw for every email-only or phone-only contact.
  it('when a contact has no name, then every view answers its name as "", as Chatwoot does', async () => {
    const created = await post({ email: 'only-an-email@example.com', city: 'Nameless Town' });
    expect(created.status).toBe(200);
    expect(created.body.payload.contact.name).toBe('');
    const id = created.body.payload.contact.id;
    const cleared = await post({ name: 'Will Clear', email: 'cleared-name@example.com', city: 'Nameless Town' });
    const patched = await ctx.http.patch(account.path(`/contacts/${cleared.body.payload.contact.id}`)).set('api_access_token', account.adminToken).send({ name: null });
    expect(patched.body.payload.name).toBe('');
    expect((await ctx.http.get(account.path(`/contacts/${id}`)).set('api_access_token', account.adminToken)).body.payload.name).toBe('');
    await ctx.settle(account.id);
    const filtered = await ctx.http
      .post(account.path('/contacts/filter'))
      .set('api_access_token', account.adminToken)
      .send({ payload: [{ attribute_key: 'city', filter_operator: 'equal_to', values: ['Nameless Town'] }] });
    expect(filtered.body.payload.map((c: { name: unknown }) => c.name)).toEqual(['', '']);
    const searched = await ctx.http.get(account.path('/contacts/search?q=only-an-email')).set('api_access_token', account.adminToken);
    expect(searched.body.payload.map((c: { name: unknown }) => c.name)).toEqual(['']);
    // Still a contact without a name: it sorts last and is not present.
    const absent = await ctx.http
      .post(account.path('/contacts/filter'))
      .set('api_access_token', account.adminToken)
      .send({ payload: [{ attribute_key: 'city', filter_operator: 'equal_to', values: ['Nameless Town'], query_operator: 'and' }, { attribute_key: 'name', filter_operator: 'is_not_present', values: [] }] });
    expect(absent.body.meta.count).toBe(2);
  });

  it('when none of name, email, phone or identifier is given, then it answers 422', async () => {
    const res = await post({ city: 'Lima' });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/at least one of name, email, phone_number or identifier/);
  });

  // Text pasted from a web page or a spreadsheet carries zero-width spaces and word joiners at its
  // edges: a name of only those made a contact with no visible name, and one around a name kept it
  // from equalling the name typed (a filter's equal_to).
  it('when text fields come with zero-width characters at their edges, then they are trimmed as spaces are; only those is no value', async () => {
    const blank = await post({ name: '\u200b\u2060', city: 'Lima' });
    expect(blank.status).toBe(422);
    expect(blank.body.error).toMatch(/at least one of name, email, phone_number or identifier/);
    const padded = await post({ name: '\u200bAna Mar\u00eda\u200b ', company_name: '\ufeff\u200b', city: ' \u200dLima\u200c', email: '\u200bana.zw@example.com' });
    expect(padded.status).toBe(200);
    expect(padded.body.payload.contact).toMatchObject({ name: 'Ana Mar\u00eda', email: 'ana.zw@example.com' });
    expect(padded.body.payload.contact.additional_attributes).toMatchObject({ city: 'Lima', company_name: null });
    const emoji = await post({ name: '\u{1F469}\u{1F3FD}\u200d\u{1F4BB}' });
    expect(emoji.body.payload.contact.name).toBe('\u{1F469}\u{1F3FD}\u200d\u{1F4BB}');
  });

  // A NUL in one contact's name went into the export, and an export holding a NUL byte is refused
  // by the import (a file with NUL bytes is no text): one name made the account's export
  // impossible to import back. Escape sequences (ESC) and other controls are no text either.
  it('when a text field or a text custom attribute holds a control character other than tab or a line break, then it answers 422 naming the field', async () => {
    for (const [body, field] of [
      [{ name: 'Ana\u0000Nul' }, 'name'],
      [{ name: 'Red', city: 'Li\u001b[31mma' }, 'city'],
      [{ name: 'Bell', additional_attributes: { company_name: 'Acme\u0007' } }, 'company_name'],
      [{ identifier: 'crm\u0001x' }, 'identifier'],
      [{ name: 'Custom', custom_attributes: { nickname_ctl: 'x\u0000y' } }, 'custom_attributes.nickname_ctl'],
    ] as const) {
      const res = await post(body);
      expect(res.status).toBe(422);
      expect(res.body.field).toBe(field);
      expect(res.body.error).toMatch(/control character/);
    }
    const lines = await post({ name: 'Ana\tMar\u00eda', description: 'line one\r\nline two' });
    expect(lines.status).toBe(200);
    expect(lines.body.payload.contact.additional_attributes.description).toBe('line one\r\nline two');
  });

  it('when the body is not JSON, then it answers 400', async () => {
    const res = await ctx.http
      .post(account.path('/contacts'))
      .set('api_access_token', account.adminToken)
      .set('content-type', 'application/json')
      .send('{"name":');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/JSON/);
  });

  it.each(['email', 'phone_number', 'identifier'])('when the %s already belongs to a contact of the account, then it answers 422 naming it', async (field) => {
    const values: Record<string, string> = { email: 'dup@example.com', phone_number: '+5491155550000', identifier: 'dup-id' };
    const first = await post({ name: 'first', [field]: values[field] });
    expect(first.status).toBe(200);
    const second = await post({ name: 'second', [field]: field === 'email' ? 'DUP@example.com' : values[field] });
    expect(second.status).toBe(422);
    expect(second.body.field).toBe(field);
  });

  it('when an email comes decomposed (NFD, as a Mac may type it) and another contact holds it composed, then it answers 422: it is the same address', async () => {
    const first = await post({ name: 'composed', email: 'jos\u00e9@ex\u00e4mple.com' });
    expect(first.status).toBe(200);
    const second = await post({ name: 'decomposed', email: 'Jose\u0301@exa\u0308mple.com' });
    expect(second.status).toBe(422);
    expect(second.body.field).toBe('email');
    const alone = await post({ name: 'decomposed alone', email: 'rene\u0301e@ex\u00e4mple.com' });
    expect(alone.body.payload.contact.email).toBe('ren\u00e9e@ex\u00e4mple.com');
  });

  it('when the same email is used in another account, then both accounts may have it', async () => {
    const other = await ctx.createAccount();
    await createContact(ctx, account, { email: 'shared@example.com' });
    const res = await ctx.http.post(other.path('/contacts')).set('api_access_token', other.adminToken).send({ email: 'shared@example.com' });
    expect(res.status).toBe(200);
  });

  it('when many contacts have no email or phone, then none of them collide', async () => {
    for (let i = 0; i < 3; i++) expect((await post({ name: `no keys ${i}` })).status).toBe(200);
  });
});

describe('showing, updating and deleting a contact', () => {
  it('when a contact is updated, then attribute hashes merge shallowly and other fields stay', async () => {
    const contact = await createContact(ctx, account, { custom_attributes: { a: 1, b: 2 }, additional_attributes: { city: 'Lima' } });
    const res = await ctx.http
      .patch(account.path(`/contacts/${contact.id}`))
      .set('api_access_token', account.agentToken)
      .send({ custom_attributes: { b: 3, c: 4 }, company_name: 'Initech' });
    expect(res.status).toBe(200);
    expect(res.body.payload.custom_attributes).toEqual({ a: 1, b: 3, c: 4 });
    expect(res.body.payload.additional_attributes).toEqual({ city: 'Lima', company_name: 'Initech' });
    expect(res.body.payload.email).toBe(contact.email);

    const shown = await ctx.http.get(account.path(`/contacts/${contact.id}`)).set('api_access_token', account.agentToken);
    expect(shown.status).toBe(200);
    expect(shown.body.payload).toEqual(res.body.payload);
  });

  // Chatwoot merges only when the hash is given (`if permitted_params[:custom_attributes]`): null
  // leaves the stored attributes as they are. It answered 422 here.
  it('when custom_attributes or additional_attributes come as null, then PATCH and PUT keep them and create stores none', async () => {
    const contact = await createContact(ctx, account, { custom_attributes: { plan: 'pro' }, additional_attributes: { city: 'Lima' } });
    for (const method of ['patch', 'put'] as const) {
      const res = await ctx.http[method](account.path(`/contacts/${contact.id}`))
        .set('api_access_token', account.agentToken)
        .send({ custom_attributes: null, additional_attributes: null, name: `Null ${method}` });
      expect(res.status).toBe(200);
      expect(res.body.payload).toMatchObject({ name: `Null ${method}`, custom_attributes: { plan: 'pro' }, additional_attributes: { city: 'Lima' } });
    }
    const created = await post({ name: 'Null attributes', custom_attributes: null, additional_attributes: null });
    expect(created.status).toBe(200);
    expect(created.body.payload.contact).toMatchObject({ custom_attributes: {}, additional_attributes: {} });
  });

  it('when city and company come blank or padded inside additional_attributes, then they are kept as at the top level: trimmed, blank as null', async () => {
    const contact = await createContact(ctx, account, { additional_attributes: { city: '   ', company_name: '  Initech  ', plan: '  as sent  ' } });
    const shown = await ctx.http.get(account.path(`/contacts/${contact.id}`)).set('api_access_token', account.agentToken);
    expect(shown.body.payload.additional_attributes).toEqual({ city: null, company_name: 'Initech', plan: '  as sent  ' });
  });

  it('when a field comes both at the top level and in additional_attributes, then the two must agree: different values are a 422 naming it and nothing is written', async () => {
    const clash = await post({ name: 'Dual', city: 'A', additional_attributes: { city: 'B' } });
    expect(clash.status).toBe(422);
    expect(clash.body).toMatchObject({ error: expect.stringMatching(/city is given twice/), field: 'city' });
    expect((await post({ name: 'Dual', country_code: 'pe', city: ' Lima ', additional_attributes: { country_code: 'PE', city: 'Lima' } })).status).toBe(200);
    const contact = await createContact(ctx, account, { additional_attributes: { company_name: 'Kept' } });
    for (const body of [{ company_name: 'Top', additional_attributes: { company_name: 'Nested' } }, { description: '', additional_attributes: { description: 'nested' } }]) {
      const res = await ctx.http.patch(account.path(`/contacts/${contact.id}`)).set('api_access_token', account.adminToken).send(body);
      expect(res.status).toBe(422);
    }
    const shown = await ctx.http.get(account.path(`/contacts/${contact.id}`)).set('api_access_token', account.agentToken);
    expect(shown.body.payload.additional_attributes).toEqual({ company_name: 'Kept' });
  });

  it('when additional or custom attributes would hold too much, then the write answers 422 naming the limit and nothing is written', async () => {
    const keys = (n: number, prefix = 'k') => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, i]));
    expect((await post({ name: 'Many keys', additional_attributes: keys(1000) })).status).toBe(200);
    const tooMany = await post({ name: 'Too many keys', additional_attributes: keys(1001) });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body).toMatchObject({ field: 'additional_attributes', error: expect.stringMatching(/more than 1,000 keys/) });
    const nested = await post({ name: 'Nested', additional_attributes: { list: Array.from({ length: 1001 }, () => 1) } });
    expect(nested.status).toBe(422);
    const tooBig = await post({ name: 'Too big', custom_attributes: { notes_text: 'x'.repeat(70_000) } });
    expect(tooBig.status).toBe(422);
    expect(tooBig.body).toMatchObject({ field: 'custom_attributes', error: expect.stringMatching(/at most 65,536/) });
    // Each write under the bound, the merged hash over it.
    const contact = await createContact(ctx, account, { additional_attributes: keys(600, 'a') });
    const grown = await ctx.http.patch(account.path(`/contacts/${contact.id}`)).set('api_access_token', account.adminToken).send({ additional_attributes: keys(600, 'b') });
    expect(grown.status).toBe(422);
    expect(grown.body.field).toBe('additional_attributes');
    const shown = await ctx.http.get(account.path(`/contacts/${contact.id}`)).set('api_access_token', account.agentToken);
    expect(Object.keys(shown.body.payload.additional_attributes)).toHaveLength(600);
  });

  it('when PUT is used, then it updates like PATCH', async () => {
    const contact = await createContact(ctx, account);
    const res = await ctx.http.put(account.path(`/contacts/${contact.id}`)).set('api_access_token', account.adminToken).send({ name: 'Renamed' });
    expect(res.status).toBe(200);
    expect(res.body.payload.name).toBe('Renamed');
  });

  it('when an update takes another contact\'s email, then it answers 422', async () => {
    const a = await createContact(ctx, account);
    const b = await createContact(ctx, account);
    const res = await ctx.http.patch(account.path(`/contacts/${b.id}`)).set('api_access_token', account.adminToken).send({ email: a.email });
    expect(res.status).toBe(422);
    expect(res.body.field).toBe('email');
  });

  it('when an update would remove every identifying field, then it answers 422', async () => {
    const contact = await createContact(ctx, account, { name: 'only name', email: null });
    const res = await ctx.http.patch(account.path(`/contacts/${contact.id}`)).set('api_access_token', account.adminToken).send({ name: '' });
    expect(res.status).toBe(422);
  });

  it('when an agent deletes a contact, then it answers 403; an administrator may', async () => {
    const contact = await createContact(ctx, account);
    const byAgent = await ctx.http.delete(account.path(`/contacts/${contact.id}`)).set('api_access_token', account.agentToken);
    expect(byAgent.status).toBe(403);
    const byAdmin = await ctx.http.delete(account.path(`/contacts/${contact.id}`)).set('api_access_token', account.adminToken);
    expect(byAdmin.status).toBe(200);
    const shown = await ctx.http.get(account.path(`/contacts/${contact.id}`)).set('api_access_token', account.adminToken);
    expect(shown.status).toBe(404);
  });

  it('when a contact is deleted, then its email is free again', async () => {
    const contact = await createContact(ctx, account, { email: 'reuse@example.com' });
    await ctx.http.delete(account.path(`/contacts/${contact.id}`)).set('api_access_token', account.adminToken).expect(200);
    const again = await post({ email: 'reuse@example.com' });
    expect(again.body).toMatchObject({ payload: { contact: { email: 'reuse@example.com' } } });
  });

  it('when the id does not exist, then show, update and delete answer 404', async () => {
    const h = { api_access_token: account.adminToken };
    expect((await ctx.http.get(account.path('/contacts/999999999')).set(h)).status).toBe(404);
    expect((await ctx.http.patch(account.path('/contacts/999999999')).set(h).send({ name: 'x' })).status).toBe(404);
    expect((await ctx.http.delete(account.path('/contacts/999999999')).set(h)).status).toBe(404);
  });
});

describe('access', () => {
  it('when no token or a wrong token is given, then it answers 401', async () => {
    expect((await ctx.http.get(account.path('/contacts'))).status).toBe(401);
    expect((await ctx.http.get(account.path('/contacts')).set('api_access_token', 'nope')).status).toBe(401);
  });

  it('when a token of another account is used, then it answers 401', async () => {
    const other = await ctx.createAccount();
    const res = await ctx.http.get(account.path('/contacts')).set('api_access_token', other.adminToken);
    expect(res.status).toBe(401);
  });

  it('when the account in the path is not written as its plain number (0x1, 01, +1, 1.0, 1e0), then it is a 404 naming the account, whatever the token', async () => {
    for (const written of [`0x${account.id.toString(16)}`, `0${account.id}`, `+${account.id}`, `${account.id}.0`, `${account.id}e0`]) {
      const res = await ctx.http.get(`/api/v1/accounts/${encodeURIComponent(written)}/contacts`).set('api_access_token', account.adminToken);
      expect({ written, status: res.status }).toEqual({ written, status: 404 });
      expect(res.body.error).toContain(written);
    }
  });

  it('when a contact id of another account is used, then it is a 404 and nothing changes', async () => {
    const other = await ctx.createAccount();
    const theirs = await createContact(ctx, other, { name: 'Theirs' });
    const h = { api_access_token: account.adminToken };
    expect((await ctx.http.get(account.path(`/contacts/${theirs.id}`)).set(h)).status).toBe(404);
    expect((await ctx.http.patch(account.path(`/contacts/${theirs.id}`)).set(h).send({ name: 'Mine' })).status).toBe(404);
    expect((await ctx.http.delete(account.path(`/contacts/${theirs.id}`)).set(h)).status).toBe(404);
    const still = await ctx.http.get(other.path(`/contacts/${theirs.id}`)).set('api_access_token', other.adminToken);
    expect(still.body.payload.name).toBe('Theirs');
  });

  it('when the list is read, then another account\'s contacts never appear', async () => {
    const other = await ctx.createAccount();
    const mine = await ctx.createAccount();
    await createContact(ctx, other);
    const created = await createContact(ctx, mine);
    await ctx.settle(mine.id);
    await ctx.settle(other.id);
    const res = await ctx.http.get(mine.path('/contacts')).set('api_access_token', mine.adminToken);
    expect(res.body.meta.count).toBe(1);
    expect(res.body.payload.map((c: { id: number }) => c.id)).toEqual([created.id]);
  });
});
