import { createContactExportService } from '../../src/export/contact-export.service';
import { startTestContext, type TestAccount, type TestContext } from '../support/context';
import { createContact, storeDefinition } from '../support/factories';
import { contactsOf, importCsv, parseCsv } from '../import/import-support';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await startTestContext();
});
afterAll(() => ctx.close());

async function addLabels(account: TestAccount, titles: string[]) {
  await ctx.deps.services.labels.ensureLabels(account.id, titles);
}

/** The ids an export sorted by `sort` gives, read two contacts a batch (so that it walks many). */
async function exportedIds(account: TestAccount, sort: string): Promise<number[]> {
  const service = createContactExportService({ search: ctx.deps.search, segments: ctx.deps.services.segments, definitions: ctx.deps.definitions, batchSize: 2 });
  const { lines } = await service.exportCsv(account.id, { column_names: ['id'], sort });
  let text = '';
  for await (const line of lines) text += line;
  return (await parseCsv(text)).map((r) => Number(r.id));
}

async function addDefinition(account: TestAccount, key: string, type: 'number' | 'checkbox' | 'date' | 'text', slot: number) {
  await storeDefinition(ctx, account.id, { attribute_key: key, attribute_display_type: type, slot });
}

async function exportCsv(account: TestAccount, body: object = {}, token = account.adminToken) {
  return ctx.http
    .post(account.path('/contacts/export'))
    .set('api_access_token', token)
    .send(body)
    .buffer(true)
    .parse((response, done) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => done(null, text));
    });
}

describe('exporting contacts', () => {
  it('when no columns are chosen, then every contact is exported with the default columns in id order', async () => {
    const account = await ctx.createAccount();
    const a = await createContact(ctx, account, { name: 'Ana', phone_number: '+34612345678' });
    const b = await createContact(ctx, account, { name: 'Luis' });
    await ctx.settle(account.id);
    const res = await exportCsv(account);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="contacts-\d+-.*\.csv"/);
    expect(await parseCsv(res.body)).toEqual([
      { id: String(a.id), name: 'Ana', email: a.email, phone_number: '+34612345678', identifier: '', labels: '' },
      { id: String(b.id), name: 'Luis', email: b.email, phone_number: '', identifier: '', labels: '' },
    ]);
  });

  it('when cells start like formulas, then they are neutralised with an apostrophe', async () => {
    const account = await ctx.createAccount();
    await createContact(ctx, account, {
      name: '=HYPERLINK("http://evil")',
      company_name: '@SUM(A1)',
      city: '-1+2',
      phone_number: '+34 612 345 678',
      custom_attributes: { note: '+cmd', score: '-12.5', trick: '+1+1' },
    });
    await ctx.settle(account.id);
    const [row] = await parseCsv((await exportCsv(account, { column_names: ['name', 'company_name', 'city', 'note', 'phone_number', 'score', 'trick'] })).body);
    // A plain signed number runs nothing: a phone number stays as the contact has it.
    expect(row).toEqual({
      name: '\'=HYPERLINK("http://evil")',
      company_name: "'@SUM(A1)",
      city: "'-1+2",
      note: "'+cmd",
      phone_number: '+34612345678',
      score: '-12.5',
      trick: "'+1+1",
    });
  });

  it('when labels are given, then only contacts with any of them are exported', async () => {
    const account = await ctx.createAccount();
    await addLabels(account, ['vip', 'lead']);
    await importCsv(ctx, account, 'name,labels\nAna,vip\nLuis,lead\nEva,\nZoe,"vip,lead"\n');
    await ctx.settle(account.id);
    const byLabels = await parseCsv((await exportCsv(account, { labels: ['vip'], column_names: 'name,labels' })).body);
    expect(byLabels).toEqual([
      { name: 'Ana', labels: 'vip' },
      { name: 'Zoe', labels: 'vip, lead' },
    ]);
    const byLabel = await parseCsv((await exportCsv(account, { label: 'LEAD', column_names: ['name'] })).body);
    expect(byLabel.map((r) => r.name)).toEqual(['Luis', 'Zoe']);
  });

  it('when q is given, then only the contacts that search finds are exported, with a label or filter too; a blank q is a 422', async () => {
    const account = await ctx.createAccount();
    await addLabels(account, ['vip']);
    await importCsv(ctx, account, 'name,email,labels\nÁlvaro Ruiz,ar@example.com,vip\nAlvarez Soto,as@example.com,\nLuis Pérez,alvaro.fan@example.com,vip\nEva Díaz,eva@example.com,vip\n');
    await ctx.settle(account.id);
    const names = async (body: object) => (await parseCsv((await exportCsv(account, { column_names: ['name'], ...body })).body)).map((r) => r.name);
    expect(await names({ q: 'alvaro' })).toEqual(['Álvaro Ruiz', 'Luis Pérez']);
    expect(await names({ q: 'alvar', label: 'vip' })).toEqual(['Álvaro Ruiz', 'Luis Pérez']);
    expect(await names({ q: 'alvar', payload: [{ attribute_key: 'name', filter_operator: 'starts_with', values: ['alvarez'] }] })).toEqual(['Alvarez Soto']);
    const blank = await exportCsv(account, { q: ' ' });
    expect(blank.status).toBe(422);
    expect(JSON.parse(blank.body)).toMatchObject({ field: 'q' });
  });

  it('when the export walks many pages, then every contact comes out once, in order', async () => {
    const account = await ctx.createAccount();
    const names = Array.from({ length: 7 }, (_, i) => `Page ${i}`);
    await importCsv(ctx, account, `name\n${names.join('\n')}\n`);
    await ctx.settle(account.id);
    const service = createContactExportService({ search: ctx.deps.search, segments: ctx.deps.services.segments, definitions: ctx.deps.definitions, batchSize: 2 });
    const { lines } = await service.exportCsv(account.id, { column_names: ['name'] });
    let text = '';
    for await (const line of lines) text += line;
    expect((await parseCsv(text)).map((r) => r.name)).toEqual(names);
  });

  // Found by the console review (2026-12-05): a list sorted by last activity exported in id order.
  it('when a sort is given, then the rows come in the list order, across pages, ties by id, missing values last; a bad sort is a 422', async () => {
    const account = await ctx.createAccount();
    await addDefinition(account, 'score', 'number', 1);
    const made = [];
    for (const [name, score] of [['Zoë', 5], ['álvaro', 9], ['Bea', undefined], ['Alvaro', 9], [undefined, 1]] as const) {
      made.push(await createContact(ctx, account, { name, email: name ? undefined : 'noname@x.io', custom_attributes: score === undefined ? {} : { score } }));
    }
    await ctx.settle(account.id);
    const idsOf = (sort: string) => exportedIds(account, sort);
    const list = async (sort: string) => (await ctx.http.get(account.path(`/contacts?sort=${sort}&per_page=10`)).set('api_access_token', account.adminToken)).body.payload.map((c: { id: number }) => c.id);
    const [zoe, alvaroAccent, bea, alvaro, noName] = made.map((c) => c.id);
    expect(await idsOf('name')).toEqual([alvaroAccent, alvaro, bea, zoe, noName]);
    expect(await idsOf('-custom_attributes.score')).toEqual([alvaro, alvaroAccent, zoe, noName, bea]);
    for (const sort of ['name', '-name', 'custom_attributes.score', '-last_activity_at', 'created_at']) expect(await idsOf(sort)).toEqual(await list(sort));
    // Through HTTP too, and the default (no sort, or a blank one) stays the id order.
    expect((await parseCsv((await exportCsv(account, { column_names: ['id'], sort: '-name' })).body)).map((r) => Number(r.id))).toEqual(await list('-name'));
    expect((await parseCsv((await exportCsv(account, { column_names: ['id'], sort: '' })).body)).map((r) => Number(r.id))).toEqual([...made.map((c) => c.id)].sort((x, y) => x - y));
    const bad = await exportCsv(account, { sort: 'custom_attributes.nope' });
    expect(bad.status).toBe(422);
    expect(JSON.parse(bad.body)).toMatchObject({ field: 'sort', error: 'unknown sort key "custom_attributes.nope": no custom attribute "nope" is defined' });
    expect((await exportCsv(account, { sort: 'shoe_size' })).status).toBe(422);
  });

  // Measured at a million (2026-12-05): a batch deep among the contacts without the sort field
  // compared all of them again; the export reads those by id, after the others, in one point in time.
  it('when many contacts lack the sort field, then they come last in id order, the way the sort runs, as the list walks them', async () => {
    const account = await ctx.createAccount();
    await addDefinition(account, 'vip', 'checkbox', 1);
    const made: number[] = [];
    for (let i = 0; i < 14; i++) {
      const has = i % 3 === 0;
      const contact = await createContact(ctx, account, {
        identifier: `crm-${i}`,
        name: null,
        email: null,
        ...(has ? { name: `N${i % 2}`, email: `e${i}@x.io`, phone_number: `+51900000${String(i).padStart(3, '0')}`, last_activity_at: 1_700_000_000 + (i % 2) * 60, custom_attributes: { vip: i % 2 === 0 } } : {}),
      });
      made.push(contact.id);
    }
    await ctx.settle(account.id);
    const idsOf = (sort: string) => exportedIds(account, sort);
    const walked = async (sort: string) => {
      const ids: number[] = [];
      let after: string | undefined;
      do {
        const res = await ctx.http.get(account.path('/contacts')).query({ sort, per_page: 3, ...(after ? { after } : {}) }).set('api_access_token', account.adminToken);
        ids.push(...res.body.payload.map((c: { id: number }) => c.id));
        after = res.body.meta.next_cursor ?? undefined;
      } while (after);
      return ids;
    };
    const without = made.filter((_, i) => i % 3 !== 0);
    const search = jest.spyOn(ctx.deps.es, 'search');
    try {
      for (const sort of ['name', '-name', 'email', '-phone_number', 'last_activity_at', '-custom_attributes.vip']) {
        const ids = await idsOf(sort);
        expect([sort, ids]).toEqual([sort, await walked(sort)]);
        expect([sort, ids.slice(-without.length)]).toEqual([sort, sort.startsWith('-') ? [...without].reverse() : without]);
      }
      const byIdAmongWithout = search.mock.calls.filter(([body]) => JSON.stringify(body).includes('"must_not":[{"exists"') && JSON.stringify((body as { sort: unknown }).sort).startsWith('[{"id"'));
      expect(byIdAmongWithout.length).toBeGreaterThanOrEqual(6 * 5);
    } finally {
      search.mockRestore();
    }
  });

  // Found by the re-test of 2026-12-05: the query string was not read, so `export?label=vip` (a
  // Chatwoot script: Rails reads the query string with the body) exported every contact.
  it('when the parameters come in the query string, then they are read as the body would be, the query string winning', async () => {
    const account = await ctx.createAccount();
    await addLabels(account, ['vip', 'lead']);
    const zoe = await createContact(ctx, account, { name: 'Zoe', labels: ['vip'] });
    const ana = await createContact(ctx, account, { name: 'Ana', labels: ['vip', 'lead'] });
    const bob = await createContact(ctx, account, { name: 'Bob' });
    await ctx.settle(account.id);
    const post = (query: string, body: object = {}) =>
      ctx.http.post(account.path(`/contacts/export${query}`)).set('api_access_token', account.adminToken).send(body).buffer(true).parse((response, done) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => done(null, text));
      });
    const rowsOf = async (query: string, body: object = {}) => {
      const res = await post(query, body);
      expect(res.status).toBe(200);
      return parseCsv(res.body);
    };
    expect((await rowsOf('?label=vip&column_names=id,name&sort=name')).map((r) => r.name)).toEqual(['Ana', 'Zoe']);
    expect(await rowsOf('?labels[]=lead&column_names[]=name')).toEqual([{ name: 'Ana' }]);
    // The query string wins over the body, as Rails merges them.
    const winning = await rowsOf('?sort=-name&column_names=id', { sort: 'name', column_names: ['name'] });
    expect(Object.keys(winning[0])).toEqual(['id']);
    expect(winning.map((r) => Number(r.id))).toEqual([zoe.id, bob.id, ana.id]);
    for (const [query, field] of [['?sort=bogus', 'sort'], ['?label=a%20b', 'label'], ['?segment_id=abc', 'segment_id'], ['?payload=x', 'payload'], ['?segment_id=1&custom_filter_id=1', 'segment_id'], ['?labls[]=vip', 'labls']]) {
      const res = await post(query);
      expect([query, res.status]).toEqual([query, 422]);
      expect(JSON.parse(res.body).field).toBe(field);
    }
  });

  it('when two accounts export, then each gets only its own contacts', async () => {
    const first = await ctx.createAccount();
    const second = await ctx.createAccount();
    await createContact(ctx, first, { name: 'First only' });
    await createContact(ctx, second, { name: 'Second only' });
    await ctx.settle(first.id);
    await ctx.settle(second.id);
    expect((await parseCsv((await exportCsv(first)).body)).map((r) => r.name)).toEqual(['First only']);
    expect((await parseCsv((await exportCsv(second)).body)).map((r) => r.name)).toEqual(['Second only']);
  });

  it('when a filter payload is given, then the contacts it selects are exported', async () => {
    const account = await ctx.createAccount();
    await createContact(ctx, account, { name: 'In Lima', city: 'Lima' });
    await createContact(ctx, account, { name: 'In Bogotá', city: 'Bogotá' });
    await createContact(ctx, account, { name: 'Also Lima', city: 'lima' });
    await ctx.settle(account.id);
    const res = await exportCsv(account, {
      column_names: ['name', 'city'],
      payload: [{ attribute_key: 'city', filter_operator: 'equal_to', values: ['LIMA'], query_operator: null }],
    });
    expect(res.status).toBe(200);
    expect(await parseCsv(res.body)).toEqual([
      { name: 'In Lima', city: 'Lima' },
      { name: 'Also Lima', city: 'lima' },
    ]);
  });

  it('when a segment id is given, then the segment\'s contacts are exported, with labels applying too', async () => {
    const account = await ctx.createAccount();
    await addLabels(account, ['vip']);
    await importCsv(ctx, account, 'name,company_name,labels\nAcme VIP,Acme,vip\nAcme Plain,Acme,\nOther VIP,Other,vip\n');
    await ctx.settle(account.id);
    const segment = await ctx.http
      .post(account.path('/custom_filters'))
      .set('api_access_token', account.adminToken)
      .send({ name: 'Acme', filter_type: 'contact', query: { payload: [{ attribute_key: 'company_name', filter_operator: 'equal_to', values: ['acme'] }] } });
    expect(segment.status).toBe(200);
    const all = await parseCsv((await exportCsv(account, { segment_id: segment.body.id, column_names: ['name'] })).body);
    expect(all.map((r) => r.name)).toEqual(['Acme VIP', 'Acme Plain']);
    const vip = await parseCsv((await exportCsv(account, { segment_id: segment.body.id, labels: ['vip'], column_names: ['name'] })).body);
    expect(vip.map((r) => r.name)).toEqual(['Acme VIP']);
    // Bulk actions' name for a segment works here too; both at once is a 422.
    const byOtherName = await parseCsv((await exportCsv(account, { custom_filter_id: segment.body.id, column_names: ['name'] })).body);
    expect(byOtherName.map((r) => r.name)).toEqual(['Acme VIP', 'Acme Plain']);
    const both = await ctx.http.post(account.path('/contacts/export')).set('api_access_token', account.adminToken).send({ segment_id: segment.body.id, custom_filter_id: segment.body.id });
    expect(both.status).toBe(422);
    expect(both.body.error).toMatch(/segment_id or custom_filter_id/);

    const other = await ctx.createAccount();
    const foreign = await ctx.http.post(other.path('/contacts/export')).set('api_access_token', other.adminToken).send({ segment_id: segment.body.id });
    expect(foreign.status).toBe(404);
  });

  it.each([
    [{ payload: [{ attribute_key: 'nope', filter_operator: 'equal_to', values: ['x'] }] }, undefined, undefined],
    [{ payload: 'city = Lima' }, undefined, undefined],
    [{ column_names: ['a.b'] }, 'column_names', undefined],
    [{ column_names: [' '] }, 'column_names', 'column_names must name at least one column'],
    // It was zod's "column_names.0: Too small: expected string to have >=1 characters".
    [{ column_names: [''] }, 'column_names', 'column_names must name at least one column'],
    [{ nope: 1 }, undefined, undefined],
  ])('when the body is %j, then it answers 422', async (body, field, error) => {
    const account = await ctx.createAccount();
    const res = await ctx.http.post(account.path('/contacts/export')).set('api_access_token', account.adminToken).send(body);
    expect(res.status).toBe(422);
    if (field) expect(res.body.field).toBe(field);
    if (error) expect(res.body.error).toBe(error);
  });

  it('when a Chatwoot client sends an empty payload, then all contacts are exported', async () => {
    const account = await ctx.createAccount();
    await createContact(ctx, account, { name: 'Everyone' });
    await ctx.settle(account.id);
    const res = await exportCsv(account, { payload: [], column_names: ['name'] });
    expect(res.status).toBe(200);
    expect(await parseCsv(res.body)).toEqual([{ name: 'Everyone' }]);
  });

  // They exported a header only with a 200, while the list answers 422 for the same titles.
  it('when label, labels or a labels condition names a title no label can have, then it answers 422 naming it, as the list does', async () => {
    const account = await ctx.createAccount();
    await addLabels(account, ['vip', 'lead', 'ñandú_2']);
    await createContact(ctx, account, { name: 'Ana' });
    await ctx.settle(account.id);
    const refusals: [object, string, string][] = [
      [{ label: 'a b' }, 'label', 'label "a b" may hold only letters, digits, "-" and "_"'],
      [{ label: 'vip,lead' }, 'label', 'label "vip,lead" may hold only letters, digits, "-" and "_"; name several as labels: ["vip", "lead"]'],
      [{ labels: ['vip', 'a b'] }, 'labels.1', 'labels.1: label "a b" may hold only letters, digits, "-" and "_"'],
      [{ labels: ['vip,lead'] }, 'labels.0', 'labels.0: label "vip,lead" may hold only letters, digits, "-" and "_"; give each label as its own item'],
      [{ labels: [' '] }, 'labels.0', 'labels.0: a label must not be empty'],
      [{ payload: [{ attribute_key: 'labels', filter_operator: 'equal_to', values: ['a b'] }] }, 'payload[0]', 'payload[0]: values[0]: label "a b" may hold only letters, digits, "-" and "_"'],
    ];
    for (const [body, field, error] of refusals) {
      const res = await exportCsv(account, body);
      expect(res.status).toBe(422);
      expect(JSON.parse(res.body)).toMatchObject({ field, error });
    }
    expect((await exportCsv(account, { labels: ['VIP', 'Ñandú_2'], label: 'Lead', column_names: ['name'] })).status).toBe(200);
  });

  // Chatwoot's dashboard sends `label: route.params.label || ''` outside a label's view.
  it('when the dashboard sends an empty label, then it means no label: all contacts, or the filter\'s', async () => {
    const account = await ctx.createAccount();
    await createContact(ctx, account, { name: 'In Lima', city: 'Lima' });
    await createContact(ctx, account, { name: 'In Quito', city: 'Quito' });
    await ctx.settle(account.id);
    const all = await exportCsv(account, { payload: [], label: '', column_names: ['name'] });
    expect(all.status).toBe(200);
    expect((await parseCsv(all.body)).map((r) => r.name)).toEqual(['In Lima', 'In Quito']);
    const filtered = await exportCsv(account, {
      payload: [{ attribute_key: 'city', filter_operator: 'equal_to', values: ['Lima'], query_operator: null }],
      label: '',
      column_names: ['name'],
    });
    expect(filtered.status).toBe(200);
    expect((await parseCsv(filtered.body)).map((r) => r.name)).toEqual(['In Lima']);
    // Blank but not empty is not what any client sends for "none": still refused.
    expect((await exportCsv(account, { label: '  ' })).status).toBe(422);
  });

  // Clients that serialise an unset option as null (generated SDKs, scripts) sent label: null or
  // column_names: null, which Chatwoot reads as none; it answered 422 (payload: null was already none).
  it('when label, column_names and payload are null, then each means none, as in Chatwoot', async () => {
    const account = await ctx.createAccount();
    await createContact(ctx, account, { name: 'Solo', email: 'solo@x.test' });
    await ctx.settle(account.id);
    const res = await exportCsv(account, { payload: null, label: null, column_names: null });
    expect(res.status).toBe(200);
    const rows = await parseCsv(res.body);
    expect(rows.map((r) => r.name)).toEqual(['Solo']);
    expect(Object.keys(rows[0])).toEqual(['id', 'name', 'email', 'phone_number', 'identifier', 'labels']);
    // An empty list or string is no choice either: the default columns (`""` was a 422).
    // An empty name beside others is skipped, as a blank one is and as "name," is.
    for (const some of [['name', ''], ['name', ' '], 'name,']) {
      const named = await exportCsv(account, { column_names: some });
      expect(named.status).toBe(200);
      expect(await parseCsv(named.body)).toEqual([{ name: 'Solo' }]);
    }
    for (const none of [[], '']) {
      const empty = await exportCsv(account, { column_names: none });
      expect(empty.status).toBe(200);
      expect(Object.keys((await parseCsv(empty.body))[0])).toEqual(['id', 'name', 'email', 'phone_number', 'identifier', 'labels']);
    }
    // So are this service's own options, beside one that is given.
    const beside = await exportCsv(account, { segment_id: null, custom_filter_id: null, labels: null, q: null, label: '' });
    expect(beside.status).toBe(200);
    expect((await parseCsv(beside.body)).map((r) => r.name)).toEqual(['Solo']);
  });

  // An unknown name used to export a column of empty cells: a typo went unnoticed.
  it('when a column name is neither standard nor a custom attribute key of the account, then it answers 422 naming it and what is accepted', async () => {
    const account = await ctx.createAccount();
    await addDefinition(account, 'score', 'number', 1);
    const res = await ctx.http
      .post(account.path('/contacts/export'))
      .set('api_access_token', account.adminToken)
      .send({ column_names: ['name', 'nonexistent_attr', 'Scor'] });
    expect(res.status).toBe(422);
    expect(res.body.field).toBe('column_names');
    expect(res.body.error).toMatch(/unknown columns? "nonexistent_attr", "Scor"/);
    expect(res.body.error).toMatch(/id, name, email, phone_number, identifier, labels, company_name, city, country, country_code, description, ip_address, blocked, created_at, last_activity_at, last_seen_at, additional_attributes, custom_attributes/);
    expect(res.body.error).toMatch(/custom attribute keys: score/);
  });

  // Chatwoot's export takes any column of its contacts table: a client asking for these got a 422.
  it('when Chatwoot columns additional_attributes, custom_attributes and last_seen_at are asked for, then they are exported as JSON and a time, and the file imports back unchanged', async () => {
    const account = await ctx.createAccount();
    await addDefinition(account, 'score', 'number', 1);
    await createContact(ctx, account, { name: 'Ana', email: 'ana@x.com', city: 'Lima', custom_attributes: { score: 7 } });
    await createContact(ctx, account, { name: 'Luis', email: 'luis@x.com' });
    await ctx.settle(account.id);
    const res = await exportCsv(account, { column_names: ['email', 'additional_attributes', 'custom_attributes', 'last_seen_at'] });
    expect(res.status).toBe(200);
    expect(await parseCsv(res.body)).toEqual([
      { email: 'ana@x.com', additional_attributes: '{"city":"Lima"}', custom_attributes: '{"score":7}', last_seen_at: '' },
      { email: 'luis@x.com', additional_attributes: '{}', custom_attributes: '{}', last_seen_at: '' },
    ]);
    const done = await importCsv(ctx, account, res.body, 'export.csv');
    expect(done).toMatchObject({ status: 'completed', updated: 2, unchanged: 2, rejected: 0, ignored_columns: ['additional_attributes', 'custom_attributes', 'last_seen_at'] });
  });

  it('when column names differ in case from a definition or repeat, then each is matched as the import matches headers and exported once', async () => {
    const account = await ctx.createAccount();
    await addDefinition(account, 'score', 'number', 1);
    await createContact(ctx, account, { name: 'Ana', custom_attributes: { score: 7 } });
    await ctx.settle(account.id);
    const res = await exportCsv(account, { column_names: ['Score', 'name', 'NAME', 'score'] });
    expect(res.status).toBe(200);
    expect(res.body.split('\r\n')[0]).toBe('score,name');
    expect(await parseCsv(res.body)).toEqual([{ score: '7', name: 'Ana' }]);
  });

  // A comma-separated string was split after the schema's cap: 5,000 names went through.
  it.each([
    ['a comma-separated string', Array(201).fill('name').join(',')],
    ['an array', Array(201).fill('name')],
  ])('when %s names more than 200 columns, then it answers 422 naming the limit', async (_how, columnNames) => {
    const account = await ctx.createAccount();
    const res = await ctx.http.post(account.path('/contacts/export')).set('api_access_token', account.adminToken).send({ column_names: columnNames });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ field: 'column_names', error: expect.stringMatching(/at most 200 columns/) });
  });

  it('when a comma-separated string names exactly 200 columns, then it is accepted', async () => {
    const account = await ctx.createAccount();
    const res = await exportCsv(account, { column_names: Array(200).fill('name').join(',') });
    expect(res.status).toBe(200);
    expect(res.body).toBe('name\r\n');
  });

  it('when an agent asks for an export, then it answers the CSV (SPEC 2 keeps only deletes for administrators)', async () => {
    const account = await ctx.createAccount();
    await ctx.http.post(account.path('/contacts')).set('api_access_token', account.agentToken).send({ name: 'Agent Export' }).expect(200);
    await ctx.settle(account.id);
    const res = await exportCsv(account, { column_names: ['name'] }, account.agentToken);
    expect(res.status).toBe(200);
    expect(await parseCsv(res.body)).toEqual([{ name: 'Agent Export' }]);
  });
});

describe('the export round trip', () => {
  it('when an exported file is imported into an empty account, then it holds the same contacts', async () => {
    const source = await ctx.createAccount();
    const target = await ctx.createAccount();
    for (const account of [source, target]) {
      await addLabels(account, ['vip', 'lead']);
      await addDefinition(account, 'score', 'number', 1);
      await addDefinition(account, 'active', 'checkbox', 2);
      // A key that starts like a formula: its column heading is neutralised too.
      await addDefinition(account, '@handle', 'text', 3);
      // A key with a line break, which the definitions route takes: its heading is quoted over two lines.
      await addDefinition(account, 'line\nbreak', 'text', 4);
    }
    await importCsv(
      ctx,
      source,
      [
        "name,email,phone_number,identifier,labels,company_name,city,country,country_code,description,ip_address,blocked,created_at,last_activity_at,score,active,plan,'@handle,\"line\nbreak\"",
        'José Pérez,jose@x.com,+34612345678,crm-1,"vip,lead","Acme, Inc.",Bogotá,Colombia,CO,"Line 1\nLine 2",10.0.0.1,false,2020-01-02T03:04:05Z,1600000000,250,true,pro,jp,kept',
        '=cmd(),,,,,,,,,,,true,,,-5,false,@x,,',
        'Only Phone,,+1 555 0100,,,,,,,,,,,,,,,,',
        // Texts that start with an apostrophe before a formula character (written as the export writes them).
        "''=quoted,,,,,,,,,,,,,,,,''+1,,",
      ].join('\n'),
    );
    await ctx.settle(source.id);
    const columns = ['id', 'name', 'email', 'phone_number', 'identifier', 'labels', 'company_name', 'city', 'country', 'country_code', 'description', 'ip_address', 'blocked', 'created_at', 'last_activity_at', 'score', 'active', 'plan', '@handle', 'line\nbreak'];
    const exported = await exportCsv(source, { column_names: columns });
    expect(exported.status).toBe(200);

    const done = await importCsv(ctx, target, exported.body, 'export.csv');
    expect(done).toMatchObject({ status: 'completed', created: 4, rejected: 0 });
    const comparable = (contacts: Awaited<ReturnType<typeof contactsOf>>) =>
      contacts
        .map(({ name, email, phone_number, identifier, labels, additional_attributes, custom_attributes, blocked, created_at, last_activity_at }) => ({
          name,
          email,
          phone_number,
          identifier,
          labels,
          additional_attributes,
          custom_attributes,
          blocked,
          created_at: Math.floor(created_at.getTime() / 1000),
          last_activity_at,
        }))
        .sort((a, b) => String(a.name).localeCompare(String(b.name)));
    const original = comparable(await contactsOf(ctx, source.id));
    expect(original[0]).toMatchObject({ name: "'=quoted", custom_attributes: { plan: "'+1" } });
    expect(original[1]).toMatchObject({ name: '=cmd()', custom_attributes: { score: -5, active: false, plan: '@x' }, blocked: true });
    expect(original.find((c) => c.name === 'José Pérez')?.custom_attributes).toEqual({ score: 250, active: true, plan: 'pro', '@handle': 'jp', 'line\nbreak': 'kept' });
    expect((await ctx.deps.definitions.of(target.id)).map((d) => d.attribute_key).sort()).toEqual(['@handle', 'active', 'line\nbreak', 'plan', 'score']);
    expect(comparable(await contactsOf(ctx, target.id))).toEqual(original);
  });
});

describe('the export round trip into the same account', () => {
  it('when an exported file is imported back, then every row is unchanged: dates written with milliseconds, offsets or Unix seconds name the instant the file carries', async () => {
    const account = await ctx.createAccount();
    await addDefinition(account, 'renewal', 'date', 1);
    const now = Date.now();
    // Contacts made through the API: created now (with its milliseconds), dates given every way.
    const given = [
      { name: 'Plain', email: 'plain@x.com' },
      { name: 'Millis', email: 'millis@x.com', last_activity_at: (now - 86400500) / 1000, custom_attributes: { renewal: new Date(now + 7 * 86400000 + 250).toISOString() } },
      { name: 'Offset', email: 'offset@x.com', created_at: '2025-03-15T23:30:00.123-03:00', custom_attributes: { renewal: '2025-03-15T23:30:00-03:00' } },
      { name: 'Day', email: 'day@x.com', custom_attributes: { renewal: '2025-03-15' } },
      { name: 'Seconds', email: 'seconds@x.com', last_activity_at: '1700000000.5', custom_attributes: { renewal: 1742032800 } },
      { name: 'Old', email: 'old@x.com', created_at: '1900-01-01', custom_attributes: { renewal: -2208988800 } },
    ];
    for (const body of given) await createContact(ctx, account, body);
    await ctx.settle(account.id);
    const before = await contactsOf(ctx, account.id);

    const exported = await exportCsv(account, { column_names: ['name', 'email', 'created_at', 'last_activity_at', 'renewal'] });
    expect(exported.status).toBe(200);
    const done = await importCsv(ctx, account, exported.body, 'export.csv');
    expect(done).toMatchObject({ status: 'completed', created: 0, updated: given.length, unchanged: given.length, rejected: 0 });
    expect((await contactsOf(ctx, account.id)).map((c) => c.version)).toEqual(before.map((c) => c.version));
  });

  // Found by a black-box round trip: the defaults lacked identifier, and the import does not read id.
  it('when an export of the default columns is imported back, then contacts known by their identifier are matched, not made again', async () => {
    const account = await ctx.createAccount();
    await createContact(ctx, account, { identifier: 'crm-only' });
    await createContact(ctx, account, { name: 'Named', identifier: 'crm-named' });
    await createContact(ctx, account, { name: 'Mailed', email: 'mailed@x.com' });
    await ctx.settle(account.id);
    const exported = await exportCsv(account);
    const done = await importCsv(ctx, account, exported.body, 'export.csv');
    expect(done).toMatchObject({ status: 'completed', created: 0, updated: 3, unchanged: 3, rejected: 0 });
    expect(await contactsOf(ctx, account.id)).toHaveLength(3);
  });

  it('when an export with custom values held as written is imported into another account, then it holds the same texts', async () => {
    const [source, target] = [await ctx.createAccount(), await ctx.createAccount()];
    for (const account of [source, target]) {
      await addDefinition(account, 'renewal', 'date', 1);
      await addDefinition(account, 'note', 'text', 2);
    }
    await createContact(ctx, source, { name: 'Ana', email: 'ana@x.com', custom_attributes: { renewal: '2026-03-03T10:20:30Z', note: 'plain' } });
    await createContact(ctx, source, { name: 'Eva', email: 'eva@x.com', custom_attributes: { renewal: '2026-03-03T10:20:30-05:00', note: 'x' } });
    await ctx.settle(source.id);
    const exported = await exportCsv(source, { column_names: ['name', 'email', 'renewal', 'note'] });
    expect((await importCsv(ctx, target, exported.body, 'export.csv'))).toMatchObject({ status: 'completed', created: 2, rejected: 0 });
    const attrs = async (id: number) => (await contactsOf(ctx, id)).map((c) => c.custom_attributes).sort((a, b) => String(a.note).localeCompare(String(b.note)));
    expect(await attrs(target.id)).toEqual(await attrs(source.id));
  });

  it('when a file moves a date to another instant, then the contact takes it', async () => {
    const account = await ctx.createAccount();
    await addDefinition(account, 'renewal', 'date', 1);
    await createContact(ctx, account, { name: 'Moved', email: 'moved@x.com', created_at: 1700000000, custom_attributes: { renewal: '2025-03-15' } });
    await ctx.settle(account.id);
    const done = await importCsv(ctx, account, 'email,created_at,renewal\nmoved@x.com,1700000001,2025-03-15T00:00:01Z\n');
    expect(done).toMatchObject({ status: 'completed', updated: 1, rejected: 0 });
    const [contact] = await contactsOf(ctx, account.id);
    expect(contact.created_at.getTime()).toBe(1700000001000);
    // Kept as the file writes it, as the API keeps a date-time it is sent.
    expect(contact.custom_attributes).toEqual({ renewal: '2025-03-15T00:00:01Z' });
  });
});
