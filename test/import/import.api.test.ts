import { readdirSync } from 'node:fs';
import { startTestContext, waitFor, type TestAccount, type TestContext } from '../support/context';
import { createContact, storeDefinition } from '../support/factories';
import { MAX_SLOTS } from '../../src/records/custom-attribute-fields';
import { contactsOf, importCsv, parseCsv, rejectedCsv, showImport, uploadCsv } from './import-support';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await startTestContext();
});
afterAll(() => ctx.close());

async function freshAccount() {
  return ctx.createAccount();
}

async function addLabels(account: TestAccount, titles: string[]) {
  await ctx.deps.services.labels.ensureLabels(account.id, titles);
}

async function rejectionsOf(account: TestAccount, id: number) {
  return (await parseCsv(await rejectedCsv(ctx, account, id))).map((r) => r.errors);
}

describe('importing a CSV', () => {
  // A script waits for `completed`, then filters or exports: it found none or part of the rows
  // for up to a second, until the index's next refresh (found by a spec-only test).
  it('when an import says completed, then a filter, the list and an export find its rows at once', async () => {
    const account = await freshAccount();
    for (let round = 0; round < 3; round++) {
      const company = `refresh-co-${round}`;
      const csv = ['name,email,company_name', ...Array.from({ length: 30 }, (_, i) => `Row ${i},row${round}-${i}@refresh.test,${company}`)].join('\n');
      const done = await importCsv(ctx, account, csv);
      expect(done).toMatchObject({ status: 'completed', created: 30 });
      const filtered = await ctx.http
        .post(account.path('/contacts/filter'))
        .set('api_access_token', account.adminToken)
        .send({ payload: [{ attribute_key: 'company_name', filter_operator: 'equal_to', values: [company] }] });
      expect(filtered.body.meta.count).toBe(30);
      const listed = await ctx.http.get(account.path('/contacts')).set('api_access_token', account.adminToken);
      expect(listed.body.meta.count).toBe(30 * (round + 1));
      const exported = await ctx.http
        .post(account.path('/contacts/export'))
        .set('api_access_token', account.adminToken)
        .send({ payload: [{ attribute_key: 'company_name', filter_operator: 'equal_to', values: [company] }] })
        .buffer(true)
        .parse((response, done) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
          response.on('end', () => done(null, text));
        });
      expect(await parseCsv(exported.body as string)).toHaveLength(30);
    }
  });

  it('when the file has good and bad rows, then the good ones are created and the bad ones rejected with their reason', async () => {
    const account = await freshAccount();
    const csv = [
      'id,name,email,identifier,phone_number,labels,ip_address,company_name,custom_attribute_1,custom_attribute_2',
      '1,Ana Gómez,ANA@example.com,crm-1,+34 612 34 56 78,,10.0.0.1,Acme,gold,x',
      '2,Bad Email,not-an-email,,,,,,,',
      '3,Luis,luis@example.com,,,,,,,',
    ].join('\n');
    const done = await importCsv(ctx, account, csv);
    expect(done).toMatchObject({ status: 'completed', rows_read: 3, created: 2, updated: 0, rejected: 1, progress: 1 });
    const contacts = await contactsOf(ctx, account.id);
    expect(contacts.map((c) => c.email).sort()).toEqual(['ana@example.com', 'luis@example.com']);
    expect(contacts.find((c) => c.email === 'ana@example.com')).toMatchObject({
      name: 'Ana Gómez',
      identifier: 'crm-1',
      phone_number: '+34612345678',
      additional_attributes: { ip_address: '10.0.0.1', company_name: 'Acme' },
      custom_attributes: { custom_attribute_1: 'gold', custom_attribute_2: 'x' },
    });
    const rejected = await parseCsv(await rejectedCsv(ctx, account, done.id));
    expect(rejected).toEqual([
      {
        id: '2',
        name: 'Bad Email',
        email: 'not-an-email',
        identifier: '',
        phone_number: '',
        labels: '',
        ip_address: '',
        company_name: '',
        custom_attribute_1: '',
        custom_attribute_2: '',
        errors: 'row 2: email: "not-an-email" is not a valid email address (it has no @)',
      },
    ]);
  });

  // The rejected rows are read by _id over the file's row numbers, a thousand at a time: rows on
  // both sides of those reads' edges, and another import's rejections, must neither go missing
  // nor leak in.
  it('when bad rows sit on both sides of every thousandth row, then the rejected rows list exactly them, in file order', async () => {
    const account = await freshAccount();
    const bad = new Set([1, 999, 1000, 1001, 2000, 2001, 2500]);
    const rows = Array.from({ length: 2500 }, (_, i) => (bad.has(i + 1) ? `Bad ${i + 1},not-an-email-${i + 1}` : `Row ${i + 1},row${i + 1}@edges.test`));
    const done = await importCsv(ctx, account, ['name,email', ...rows].join('\n'));
    expect(done).toMatchObject({ status: 'completed', rows_read: 2500, created: 2493, rejected: 7 });
    const other = await importCsv(ctx, account, 'name,email\nOther,still-not-an-email\n');
    expect(other).toMatchObject({ status: 'completed', rejected: 1 });

    const rejected = await parseCsv(await rejectedCsv(ctx, account, done.id));
    expect(rejected.map((r) => r.name)).toEqual([...bad].map((row) => `Bad ${row}`));
    expect(rejected.map((r) => r.errors.split(':')[0])).toEqual([...bad].map((row) => `row ${row}`));
    expect(await rejectionsOf(account, other.id)).toEqual(['row 1: email: "still-not-an-email" is not a valid email address (it has no @)']);
  });

  it('when no row was rejected, then the rejected rows are the header alone', async () => {
    const account = await freshAccount();
    const done = await importCsv(ctx, account, 'name,email\nAna,ana@clean.test\n');
    expect(done).toMatchObject({ status: 'completed', rejected: 0 });
    expect(await rejectedCsv(ctx, account, done.id)).toBe('name,email,errors\r\n');
  });

  it('when the imported contacts are settled, then the list from the index shows them', async () => {
    const account = await freshAccount();
    await importCsv(ctx, account, 'name,email\nSearch Me,search-me@example.com\n');
    await ctx.settle(account.id);
    const res = await ctx.http.get(account.path('/contacts')).set('api_access_token', account.adminToken);
    expect(res.body.payload.map((c: { email: string }) => c.email)).toEqual(['search-me@example.com']);
  });

  it('when a column is not a standard one, then it becomes a custom attribute with a text definition in the lowest free slot', async () => {
    const account = await freshAccount();
    await storeDefinition(ctx, account.id, { attribute_key: 'score', attribute_display_name: 'Score', attribute_display_type: 'number', slot: 1 });
    await storeDefinition(ctx, account.id, { attribute_key: 'old_text', attribute_display_name: 'Old', attribute_display_type: 'text', slot: 4 });
    const done = await importCsv(ctx, account, 'name,Score,Plan Tier\nAna,250,pro\nLuis,lots,basic\n');
    expect(done).toMatchObject({ created: 1, rejected: 1 });
    const [ana] = await contactsOf(ctx, account.id);
    expect(ana.custom_attributes).toEqual({ score: 250, 'Plan Tier': 'pro' });
    const created = (await ctx.deps.definitions.of(account.id)).find((d) => d.attribute_key === 'Plan Tier');
    expect(created).toMatchObject({ attribute_display_type: 'text', slot: 2 });
    expect(await rejectionsOf(account, done.id)).toEqual(['row 2: score: "lots" is not a number']);
  });

  // A file exported by Chatwoot may carry these: such a file failed whole, no row read.
  it('when the file has columns of fields the service keeps itself (updated_at, thumbnail, additional_attributes, …), then its rows import, those columns are ignored and the import names them', async () => {
    const account = await freshAccount();
    const done = await importCsv(
      ctx,
      account,
      'id,name,email,Updated_At,avatar_url,thumbnail,last_seen_at,additional_attributes,custom_attributes,availability_status,plan\n' +
        '7,Ana,ana@x.com,2024-05-02 12:34:56 UTC,https://x.test/a.png,https://x.test/a.png,,"{""city"":""Lima""}","{""tier"":""gold""}",online,pro\n',
    );
    expect(done).toMatchObject({ status: 'completed', created: 1, rejected: 0 });
    expect(done.ignored_columns).toEqual(['id', 'Updated_At', 'avatar_url', 'thumbnail', 'last_seen_at', 'additional_attributes', 'custom_attributes', 'availability_status']);
    const [ana] = await contactsOf(ctx, account.id);
    expect(ana).toMatchObject({ name: 'Ana', email: 'ana@x.com', custom_attributes: { plan: 'pro' }, additional_attributes: {} });
    expect((await ctx.deps.definitions.of(account.id)).map((d) => d.attribute_key)).toEqual(['plan']);
    // A file of standard columns only ignores none.
    expect((await importCsv(ctx, account, 'name\nLuis\n')).ignored_columns).toEqual([]);
  });

  // Chatwoot's sample file (spec/assets/contacts.csv) heads its company `company`: it became a new
  // custom attribute, missing from the company sort and filter (found by a black-box replay).
  it('when a column is named company, as in Chatwoot\'s sample file, then it fills company_name; an account that defines company keeps its own', async () => {
    const account = await freshAccount();
    const done = await importCsv(ctx, account, 'id,first_name,email,phone_number,company\n1,Clarice,cuzzell0@mozilla.org,918080808080,My Company Name\n');
    expect(done).toMatchObject({ status: 'completed', created: 1, rejected: 0 });
    const [clarice] = await contactsOf(ctx, account.id);
    expect(clarice.additional_attributes).toEqual({ company_name: 'My Company Name' });
    expect(clarice.custom_attributes).toEqual({ first_name: 'Clarice' });
    expect((await ctx.deps.definitions.of(account.id)).map((d) => d.attribute_key)).toEqual(['first_name']);

    const own = await freshAccount();
    await storeDefinition(ctx, own.id, { attribute_key: 'company', attribute_display_type: 'text', slot: 1 });
    expect(await importCsv(ctx, own, 'name,company\nAna,Acme\n')).toMatchObject({ status: 'completed', created: 1 });
    expect((await contactsOf(ctx, own.id))[0]).toMatchObject({ additional_attributes: {}, custom_attributes: { company: 'Acme' } });
  });

  it('when two definitions differ only in case, then a column naming one exactly fills that one, and a file may carry both', async () => {
    const account = await freshAccount();
    await storeDefinition(ctx, account.id, { attribute_key: 'Tier', attribute_display_type: 'text', slot: 1 });
    await storeDefinition(ctx, account.id, { attribute_key: 'tier', attribute_display_type: 'number', slot: 1 });
    const done = await importCsv(ctx, account, 'name,Tier\nAna,gold\n');
    expect(done).toMatchObject({ status: 'completed', created: 1, rejected: 0 });
    const both = await importCsv(ctx, account, 'name,email,tier,Tier\nLuis,luis@x.com,3,silver\n');
    expect(both).toMatchObject({ status: 'completed', created: 1, rejected: 0 });
    expect((await contactsOf(ctx, account.id)).map((c) => c.custom_attributes)).toEqual([{ Tier: 'gold' }, { tier: 3, Tier: 'silver' }]);
  });
});

describe('timestamps written by other systems', () => {
  it('when created_at and last_activity_at come as Chatwoot exports them (Rails), as PostgreSQL writes them, in ISO 8601 or Unix seconds, then each keeps its instant', async () => {
    const account = await freshAccount();
    await storeDefinition(ctx, account.id, { attribute_key: 'renewal', attribute_display_type: 'date', slot: 1 });
    const csv = [
      'email,created_at,last_activity_at,renewal',
      // Chatwoot's contact export writes a Rails time as "2024-05-01 12:34:56 UTC" (a +0530 offset when the app runs in another zone).
      'rails@x.com,2024-05-01 12:34:56 UTC,2024-05-02 08:00:00 +0530,2025-03-15 00:00:00 UTC',
      // psql and pg_dump write a timestamptz with an offset of whole hours.
      'pg@x.com,2024-05-01 12:34:56.789012+00,2024-05-02 08:00:00-03,2025-03-15 22:00:00-03',
      'iso@x.com,2024-05-01T12:34:56Z,1714636800,1742032800',
      'old@x.com,-2208988800,1900-01-01,-2208988800',
      'bad@x.com,2024-05-01 12:34:56 CET,,',
    ].join('\n');
    const done = await importCsv(ctx, account, csv);
    expect(done).toMatchObject({ status: 'completed', created: 4, rejected: 1 });
    expect(await rejectionsOf(account, done.id)).toEqual(['row 5: created_at must be Unix seconds or an ISO 8601 date, in the years 1000 to 3000']);
    const byEmail = new Map((await contactsOf(ctx, account.id)).map((c) => [c.email, c]));
    const at = (email: string) => {
      const c = byEmail.get(email)!;
      return [c.created_at.toISOString(), c.last_activity_at?.toISOString(), c.custom_attributes?.renewal];
    };
    expect(at('rails@x.com')).toEqual(['2024-05-01T12:34:56.000Z', '2024-05-02T02:30:00.000Z', '2025-03-15T00:00:00.000Z']);
    expect(at('pg@x.com')).toEqual(['2024-05-01T12:34:56.789Z', '2024-05-02T11:00:00.000Z', '2025-03-16T01:00:00.000Z']);
    expect(at('iso@x.com')).toEqual(['2024-05-01T12:34:56.000Z', '2024-05-02T08:00:00.000Z', '2025-03-15T10:00:00.000Z']);
    expect(at('old@x.com')).toEqual(['1900-01-01T00:00:00.000Z', '1900-01-01T00:00:00.000Z', '1900-01-01T00:00:00.000Z']);
  });
});

describe('the catalogue of nasty files', () => {
  it('when the file has a BOM, CRLF line ends and headers in another case, then it imports', async () => {
    const account = await freshAccount();
    const done = await importCsv(ctx, account, '\uFEFFName,EMAIL\r\nAna,ana@x.com\r\nLuis,luis@x.com\r\n');
    expect(done).toMatchObject({ status: 'completed', created: 2, rejected: 0 });
    expect((await contactsOf(ctx, account.id)).map((c) => c.name)).toEqual(['Ana', 'Luis']);
  });

  it('when the file has a BOM and its headers are quoted, then the first header is read without its quotes', async () => {
    const account = await freshAccount();
    const done = await importCsv(ctx, account, '\uFEFF"Name","Email"\r\n"Ana","ana@x.com"\r\n');
    expect(done).toMatchObject({ status: 'completed', created: 1, rejected: 0 });
    expect(await contactsOf(ctx, account.id)).toEqual([expect.objectContaining({ name: 'Ana', email: 'ana@x.com', custom_attributes: {} })]);
    expect(await ctx.deps.services.customAttributes.list(account.id)).toEqual([]);
  });

  it('when quoted fields hold commas, quotes and newlines, then they are read whole', async () => {
    const account = await freshAccount();
    const done = await importCsv(ctx, account, 'name,email,city\n"Doe, John","j@x.com","Line 1\nLine ""2"""\n');
    expect(done).toMatchObject({ created: 1, rejected: 0 });
    const [contact] = await contactsOf(ctx, account.id);
    expect(contact).toMatchObject({ name: 'Doe, John', additional_attributes: { city: 'Line 1\nLine "2"' } });
  });

  it('when a quote sits inside an unquoted cell, then it is part of the value and every later row imports', async () => {
    const account = await freshAccount();
    const rows = ['Sq A,sqa@x.test', 'Pat O"Brien,sqb@x.test', 'Screen 27" buyer,sqc@x.test', 'Sq D,sqd@x.test', 'Sq E,sqe@x.test'];
    const done = await importCsv(ctx, account, `name,email\n${rows.join('\n')}\n`);
    expect(done).toMatchObject({ status: 'completed', rows_read: 5, created: 5, rejected: 0 });
    const names = (await contactsOf(ctx, account.id)).map((c) => c.name).sort();
    expect(names).toEqual(['Pat O"Brien', 'Screen 27" buyer', 'Sq A', 'Sq D', 'Sq E']);
  });

  it('when the file has empty lines, then they are skipped and not counted', async () => {
    const account = await freshAccount();
    const done = await importCsv(ctx, account, 'name\n\nAna\n\n\nLuis\n\n');
    expect(done).toMatchObject({ status: 'completed', rows_read: 2, created: 2, rejected: 0 });
  });

  // A blank first line used to be read as the header: "the file has no header line".
  it.each([
    ['an empty line', '\nname,email\nBL,bl@x.com\n'],
    ['CRLF blank lines and spaces after a BOM', '\uFEFF  \r\n\r\nName,EMAIL\r\nBL,bl@x.com\r\n'],
    // Excel's delimiter directive was read as the header: every row rejected, `sep=` defined for good (black-box read).
    ["Excel's sep=, line", 'sep=,\r\nname,email\r\nBL,bl@x.com\r\n'],
    ["a BOM and Excel's SEP=, line", '\uFEFFSEP=,\nname,email\nBL,bl@x.com\n'],
  ])('when the file starts with %s before the header, then they are skipped and the rows import', async (_what, csv) => {
    const account = await freshAccount();
    const done = await importCsv(ctx, account, csv);
    expect(done).toMatchObject({ status: 'completed', rows_read: 1, created: 1, rejected: 0 });
    expect((await contactsOf(ctx, account.id)).map((c) => c.email)).toEqual(['bl@x.com']);
    expect(await ctx.deps.definitions.of(account.id)).toEqual([]);
  });

  it("when Excel's directive names another separator (sep=;), then the import fails saying the file must be comma-separated, and defines nothing", async () => {
    const account = await freshAccount();
    const done = await importCsv(ctx, account, 'sep=;\nname;email\nBL;bl@x.com\n');
    expect(done).toMatchObject({ status: 'failed', created: 0 });
    expect(done.error).toBe('the file\'s first line, "sep=;", says its fields are separated by ";": the file must be comma-separated; save it again as CSV with "," between fields');
    expect(await ctx.deps.definitions.of(account.id)).toEqual([]);
  });

  it('when blank lines come before the header, then rows are still numbered from the header and an over-long one is found', async () => {
    const account = await freshAccount();
    const giant = 'z'.repeat(1024 * 1024 + 10);
    const done = await importCsv(ctx, account, `\n\n\nname,notes\nAna,a\n${giant},b\nEva,e\n`);
    expect(done).toMatchObject({ status: 'completed', rows_read: 3, created: 2, rejected: 1 });
    expect(await rejectionsOf(account, done.id)).toEqual([expect.stringMatching(/^row 2: the row is \d+ bytes, longer than 1048576/)]);
  });

  it('when the file holds only blank lines, then the import fails: it has no header line', async () => {
    const account = await freshAccount();
    const done = await importCsv(ctx, account, '\n \r\n\n');
    expect(done).toMatchObject({ status: 'failed', error: 'the file is empty: it has no header line' });
  });

  it('when a line has too many fields, then that row is rejected; a line short of its trailing cells imports with them empty', async () => {
    const account = await freshAccount();
    const done = await importCsv(ctx, account, 'name,email,city\nAna,ana@x.com,Lima,extra\nLuis\nEva,eva@x.com\nIsa,isa@x.com,Quito\n');
    expect(done).toMatchObject({ rows_read: 4, created: 3, rejected: 1 });
    expect(await rejectionsOf(account, done.id)).toEqual(['row 1: the row has 4 fields, the header has 3']);
    expect((await contactsOf(ctx, account.id)).map((c) => [c.name, c.email, c.additional_attributes?.city ?? null]).sort()).toEqual([['Eva', 'eva@x.com', null], ['Isa', 'isa@x.com', 'Quito'], ['Luis', null, null]]);
    const raw = await rejectedCsv(ctx, account, done.id);
    expect(raw.split('\r\n')[1]).toBe('Ana,ana@x.com,Lima,"row 1: the row has 4 fields, the header has 3",extra');
  });

  it('when a row has bytes that are not UTF-8, then that row is rejected', async () => {
    const account = await freshAccount();
    const file = Buffer.concat([Buffer.from('name,city\nAna,Lima\nBad,'), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from('\n')]);
    const done = await importCsv(ctx, account, file);
    expect(done).toMatchObject({ created: 1, rejected: 1 });
    expect(await rejectionsOf(account, done.id)).toEqual(['row 2: city: the value is not valid UTF-8 (save the file as "CSV UTF-8": a file in Latin-1 or Windows-1252 gives this for each accented letter)']);
  });

  it('when a field is huge, then the row is rejected for its length', async () => {
    const account = await freshAccount();
    const done = await importCsv(ctx, account, `name,notes\n${'x'.repeat(300)},a\nAna,${'y'.repeat(20000)}\nEva,ok\n`);
    expect(done).toMatchObject({ created: 1, rejected: 2 });
    expect(await rejectionsOf(account, done.id)).toEqual(['row 1: name: must be at most 255 characters', 'row 2: notes: the value is longer than 10000 characters']);
  });

  // It used to stop the whole import ("the import stopped there"): csv-parser cannot go past one.
  it('when rows in the middle are over IMPORT_MAX_ROW_BYTES, then each is a rejected row with its reason and a truncated copy, and the rows around them import', async () => {
    const account = await freshAccount();
    const giantQuoted = `"${'y, ""quoted""\n'.repeat(100000)}"`;
    const giantPlain = 'z'.repeat(1024 * 1024 + 10);
    const csv = `name,email,notes\nAna,ana@x.com,a\nZoe,zoe@x.com,${giantQuoted}\nLuis,luis@x.com,l\n${giantPlain},x@x.com,q\nEva,eva@x.com,e\n`;
    const done = await importCsv(ctx, account, csv);
    expect(done).toMatchObject({ status: 'completed', error: null, rows_read: 5, created: 3, rejected: 2 });
    expect((await contactsOf(ctx, account.id)).map((c) => c.name).sort()).toEqual(['Ana', 'Eva', 'Luis']);

    const rejected = await parseCsv(await rejectedCsv(ctx, account, done.id));
    expect(rejected.map((r) => r.errors)).toEqual([
      `row 2: the row is ${Buffer.byteLength(`Zoe,zoe@x.com,${giantQuoted}`)} bytes, longer than 1048576 (IMPORT_MAX_ROW_BYTES); it was not imported, and only its first 1000 characters are kept here`,
      `row 4: the row is ${giantPlain.length + ',x@x.com,q'.length} bytes, longer than 1048576 (IMPORT_MAX_ROW_BYTES); it was not imported, and only its first 1000 characters are kept here`,
    ]);
    expect(rejected[0]).toMatchObject({ name: 'Zoe', email: 'zoe@x.com', notes: expect.stringMatching(/^y, "quoted"\ny, /) });
    expect(rejected[0].notes.length).toBeLessThanOrEqual(1000);
    expect(rejected[1]).toMatchObject({ name: `${'z'.repeat(1000)}…`, email: '', notes: '' });
  });

  it('when the header line is over IMPORT_MAX_ROW_BYTES, then the import fails saying so', async () => {
    const account = await freshAccount();
    const done = await importCsv(ctx, account, `name,${'h'.repeat(1024 * 1024)}\nAna\n`);
    expect(done).toMatchObject({ status: 'failed', created: 0 });
    expect(done.error).toBe('the header line is longer than 1048576 bytes (IMPORT_MAX_ROW_BYTES)');
  });

  it('when the file has only a header, then the import completes with nothing read', async () => {
    const account = await freshAccount();
    expect(await importCsv(ctx, account, 'name,email\n')).toMatchObject({ status: 'completed', rows_read: 0, created: 0 });
  });

  it('when the file is empty, then the upload answers 422', async () => {
    const account = await freshAccount();
    const res = await uploadCsv(ctx, account, '');
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/empty/);
  });

  // Excel's "Unicode Text" and "CSV UTF-16" save UTF-16: it was refused as "not a text CSV file
  // (it contains NUL bytes)", which sends the user looking for binary junk in a text file.
  it.each([
    ['UTF-16 LE with its BOM', Buffer.from('\ufeffname,city\nRen\u00e9e,Montr\u00e9al\n', 'utf16le')],
    ['UTF-16 LE without a BOM', Buffer.from('name,city\nRen\u00e9e,Montr\u00e9al\n', 'utf16le')],
    ['UTF-16 BE with its BOM', Buffer.from('\ufeffname,city\nRen\u00e9e,Montr\u00e9al\n', 'utf16le').swap16()],
  ])('when the file is %s, then the upload answers 422 saying it is UTF-16 and to save it as UTF-8', async (_what, file) => {
    const account = await freshAccount();
    const res = await uploadCsv(ctx, account, file);
    expect(res.status).toBe(422);
    expect(res.body.field).toBe('import_file');
    expect(res.body.error).toMatch(/UTF-16.*UTF-8/);
  });

  // Read as CSV, such a file's first line became column names (`{"name":"Ann"`), each defining a
  // custom attribute for good, and the import completed with nothing said.
  it.each([
    ['JSON', '{"name":"Ann","city":"Lima"}\n', /JSON, not CSV/],
    ['a pretty-printed JSON array', '\ufeff [\n  {"name": "Ann"},\n  {"name": "Bo"}\n]\n', /JSON, not CSV/],
    ['HTML', '<html><body>hi, there</body></html>\n', /HTML or XML, not CSV/],
  ])('when the file is %s named .csv, then the upload answers 422 saying so, defining no attribute', async (_what, file, error) => {
    const account = await freshAccount();
    const res = await uploadCsv(ctx, account, file);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ field: 'import_file', error: expect.stringMatching(error) });
    expect(await ctx.deps.definitions.of(account.id)).toEqual([]);
  });

  it('when a quote is never closed, then its row is rejected saying so (not a contact named after raw lines) and the rows before it import', async () => {
    const account = await freshAccount();
    const done = await importCsv(ctx, account, 'name,email\nAna,ana@x.com\n"unclosed,uc@x.com\nLuis,luis@x.com\n');
    expect(done).toMatchObject({ status: 'completed', rows_read: 2, created: 1, rejected: 1 });
    expect(await rejectionsOf(account, done.id)).toEqual([expect.stringMatching(/^row 2: a quote \(".*never closed, so the rest of the file from here was read as this one row/)]);
    expect((await contactsOf(ctx, account.id)).map((c) => c.email)).toEqual(['ana@x.com']);
    // The download keeps the lines as they were read, so they can be fixed and imported again.
    expect(await rejectedCsv(ctx, account, done.id)).toContain('unclosed,uc@x.com\nLuis,luis@x.com');
  });

  it('when the header opens a quote it never closes, then the import fails saying so', async () => {
    const account = await freshAccount();
    const done = await importCsv(ctx, account, 'name,"email\nAna,ana@x.com\n');
    expect(done).toMatchObject({ status: 'failed', created: 0, error: expect.stringMatching(/header line opens a quote/) });
    expect(await ctx.deps.definitions.of(account.id)).toEqual([]);
  });

  it('when a row ends with empty cells past the header (a trailing comma), then it imports: nothing is lost', async () => {
    const account = await freshAccount();
    const done = await importCsv(ctx, account, 'name,email\nAna,ana@x.com,\nLuis,luis@x.com, ,\nEva,eva@x.com,x\n');
    expect(done).toMatchObject({ status: 'completed', rows_read: 3, created: 2, rejected: 1 });
    expect(await rejectionsOf(account, done.id)).toEqual(['row 3: the row has 3 fields, the header has 2']);
  });

  // A ";" file created a custom attribute "name;email" and rejected every row with a reason about a missing name.
  it.each([
    ['semicolons', 'name;email\nAna;ana@x.com\nLuis;luis@x.com\n', /the file must be comma-separated/],
    ['tabs', 'name\temail\nAna\tana@x.com\n', /the file must be comma-separated/],
  ])('when the file is separated by %s, then the import fails saying why, defining no attribute and writing no contact', async (_what, csv, error) => {
    const account = await freshAccount();
    const done = await importCsv(ctx, account, csv);
    expect(done).toMatchObject({ status: 'failed', rows_read: 0, created: 0, rejected: 0, error: expect.stringMatching(error) });
    expect(await ctx.deps.definitions.of(account.id)).toEqual([]);
    expect(await contactsOf(ctx, account.id)).toEqual([]);
  });

  // Lines ending with CR alone (old Mac files) read as one line; rows so ended after a CRLF header imported as one contact named "Alpha\rBeta\rGamma".
  it.each([
    ['CR alone', 'name,email\rAna,ana@x.com\rLuis,luis@x.com\r'],
    ['CR alone after a CRLF header', 'name,email\r\nAna,ana@x.com\rLuis,luis@x.com\r\n'],
    ['CR alone, LF and CRLF mixed', 'name,email\nAna,ana@x.com\rLuis,luis@x.com\r\n'],
  ])('when lines end with %s, then each line is a row', async (_what, csv) => {
    const account = await freshAccount();
    const done = await importCsv(ctx, account, csv);
    expect(done).toMatchObject({ status: 'completed', rows_read: 2, created: 2, rejected: 0 });
    expect((await contactsOf(ctx, account.id)).map((c) => [c.name, c.email]).sort()).toEqual([['Ana', 'ana@x.com'], ['Luis', 'luis@x.com']]);
  });

  it('when a quoted cell holds a CR alone, then it stays a character of the value', async () => {
    const account = await freshAccount();
    const done = await importCsv(ctx, account, 'name,email\r\n"Ana\rMaria",ana@x.com\r\n');
    expect(done).toMatchObject({ status: 'completed', rows_read: 1, created: 1 });
    expect((await contactsOf(ctx, account.id)).map((c) => c.name)).toEqual(['Ana\rMaria']);
  });

  it('when a row past the start of the file holds a NUL byte, then it is rejected and the rejected-rows download marks it with U+FFFD, so that it can be uploaded again', async () => {
    const account = await freshAccount();
    const filler = Array.from({ length: 200 }, (_, i) => `Filler ${i} with a name long enough to pass 4 KiB`);
    const done = await importCsv(ctx, account, ['name', ...filler, 'Nu bad\0name', ''].join('\n'));
    expect(done).toMatchObject({ status: 'completed', created: 200, rejected: 1 });
    const download = await rejectedCsv(ctx, account, done.id);
    expect(download).not.toContain('\0');
    expect(download).toContain('Nu bad\uFFFDname');
    const again = await uploadCsv(ctx, account, download);
    expect(again.status).toBe(200);
  });

  it('when the header names a column twice, then the import fails saying which', async () => {
    const account = await freshAccount();
    const done = await importCsv(ctx, account, 'name,email,Email\nAna,a@x.com,b@x.com\n');
    expect(done).toMatchObject({ status: 'failed', created: 0 });
    expect(done.error).toMatch(/names column "Email" twice/);
    expect(await contactsOf(ctx, account.id)).toEqual([]);
  });

  it('when the header has more new columns than the account has free definition slots, then the import fails saying so and defines none of them', async () => {
    const account = await freshAccount();
    for (let slot = 1; slot <= MAX_SLOTS - 2; slot++) await storeDefinition(ctx, account.id, { attribute_key: `f${slot}`, attribute_display_type: 'text', slot });
    const done = await importCsv(ctx, account, 'name,n1,n2,n3\nAna,a,b,c\n');
    expect(done).toMatchObject({ status: 'failed', created: 0 });
    expect(done.error).toMatch(/n3/);
    expect(await ctx.deps.definitions.of(account.id)).toHaveLength(MAX_SLOTS - 2);
    expect(await contactsOf(ctx, account.id)).toEqual([]);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('when a header column is named %s, then the import fails naming it and defines nothing', async (name) => {
    const account = await freshAccount();
    const done = await importCsv(ctx, account, `name,${name}\nAna,x\n`);
    expect(done).toMatchObject({ status: 'failed', created: 0 });
    expect(done.error).toContain(`"${name}"`);
    expect(await ctx.deps.definitions.of(account.id)).toEqual([]);
    expect(await contactsOf(ctx, account.id)).toEqual([]);
  });

  it('when cells look like formulas, then they are stored as text', async () => {
    const account = await freshAccount();
    await importCsv(ctx, account, 'name,company_name,city\n"=HYPERLINK(""http://x"")",@SUM(1),-2+3\n');
    const [contact] = await contactsOf(ctx, account.id);
    expect(contact).toMatchObject({ name: '=HYPERLINK("http://x")', additional_attributes: { company_name: '@SUM(1)', city: '-2+3' } });
  });

  it('when rows carry every kind of invalid value, then each is rejected with its reason', async () => {
    const account = await freshAccount();
    await addLabels(account, ['vip']);
    await createContact(ctx, account, { email: 'taken@x.com', name: 'Taken' });
    await createContact(ctx, account, { identifier: 'id-owner', name: 'Owner' });
    const csv = [
      'name,email,phone_number,identifier,labels,created_at,last_activity_at,country_code,blocked',
      'e,bad-email,,,,,,,',
      'p,,12ab,,,,,,',
      'l,,,,"vip, n@pe",,,,',
      'c,,,,,someday,,,',
      'a,,,,,,tomorrow,,',
      'cc,,,,,,,XYZ,',
      'b,,,,,,,,sometimes',
      ',,,,vip,,,,',
      'dup1,dup@x.com,,,,,,,',
      'dup2,DUP@x.com,,,,,,,',
      'dup3,,+1 555 0100,,,,,,',
      'dup4,,+15550100,,,,,,',
      'conflict,taken@x.com,,id-owner,,,,,',
      'good,good@x.com,,,vip,,,,',
    ].join('\n');
    const done = await importCsv(ctx, account, csv);
    expect(done).toMatchObject({ status: 'completed', rows_read: 14, created: 3, rejected: 11 });
    expect(await rejectionsOf(account, done.id)).toEqual([
      'row 1: email: "bad-email" is not a valid email address (it has no @)',
      'row 2: phone_number: "12ab" is not a valid phone number (E.164: + then 2 to 15 digits, the first not 0)',
      'row 3: labels: label "n@pe" may hold only letters, digits, "-" and "_"',
      'row 4: created_at must be Unix seconds or an ISO 8601 date, in the years 1000 to 3000',
      'row 5: last_activity_at must be Unix seconds or an ISO 8601 date, in the years 1000 to 3000',
      'row 6: country_code must be a two-letter ISO 3166 code',
      'row 7: blocked: "sometimes" is not true or false',
      'row 8: a contact needs at least one of name, email, phone_number or identifier',
      'row 10: a second row for the same person: an earlier row of the file has the same email dup@x.com',
      'row 12: a second row for the same person: an earlier row of the file has the same phone_number +15550100',
      expect.stringMatching(/^row 13: email "taken@x.com" already belongs to contact \d+, not to contact \d+ that the row matches$/),
    ]);
    const good = (await ctx.deps.keys.owners(account.id, { email: 'good@x.com' })).email;
    expect(good?.labels).toEqual(['vip']);
  });
});

describe('labels in the file', () => {
  // The spec: "A bad row (invalid email or phone, duplicate in the file, unknown label) is rejected with its reason; the rest still import."
  it('when rows name labels the account does not have, then those rows are rejected naming the labels, the rest import, and no label is created', async () => {
    const account = await freshAccount();
    await addLabels(account, ['vip']);
    const csv = 'name,email,labels\nAna,ana@x.com,"VIP, brand-new"\nLuis,luis@x.com,vip\nEva,eva@x.com,\n';
    const done = await importCsv(ctx, account, csv);
    expect(done).toMatchObject({ status: 'completed', create_labels: false, rows_read: 3, created: 2, updated: 0, rejected: 1 });
    expect(await rejectionsOf(account, done.id)).toEqual(['row 1: labels: the account has no label "brand-new"; create it first, or import with create_labels=true']);
    const labels = await ctx.http.get(account.path('/labels')).set('api_access_token', account.agentToken);
    expect(labels.body.payload.map((l: { title: string }) => l.title)).toEqual(['vip']);
    expect((await contactsOf(ctx, account.id)).map((c) => c.email).sort()).toEqual(['eva@x.com', 'luis@x.com']);
  });

  // From a black-box read: the label was left out of the reasons, so the row fixed for the others failed again for it.
  it('when a row has bad values and a label the account lacks, then its errors name the label too', async () => {
    const account = await freshAccount();
    const done = await importCsv(ctx, account, 'name,email,labels\nMia,bad,nolab\n');
    expect(done).toMatchObject({ status: 'completed', rejected: 1 });
    const [errors] = await rejectionsOf(account, done.id);
    expect(errors).toContain('email: "bad" is not a valid email address (it has no @)');
    expect(errors).toContain('labels: the account has no label "nolab"');
  });

  it('when create_labels is not true or false, then the upload answers 422 naming it and leaves no file behind', async () => {
    const account = await freshAccount();
    const before = readdirSync(ctx.deps.config.UPLOAD_DIR).length;
    const res = await uploadCsv(ctx, account, 'name\nAna\n', 'contacts.csv', { create_labels: 'maybe' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ field: 'create_labels', error: expect.stringMatching(/create_labels must be true or false/) });
    expect(readdirSync(ctx.deps.config.UPLOAD_DIR)).toHaveLength(before);
  });

  // From a black-box read (2026-12-05): TRUE was refused, and a field sent twice was said not to be true or false.
  it('when create_labels is TRUE, or sent twice, then the first is taken and the second says it was given twice', async () => {
    const account = await freshAccount();
    // Waited for: its file is removed once it has run, which another test's count of files would meet.
    const upper = await importCsv(ctx, account, 'name,labels\nAna,fresh-upper\n', 'contacts.csv', { create_labels: 'TRUE' });
    expect(upper).toMatchObject({ status: 'completed', create_labels: true, created: 1 });
    const twice = await ctx.http
      .post(account.path('/contacts/import'))
      .set('api_access_token', account.adminToken)
      .field('create_labels', 'true')
      .field('create_labels', 'true')
      .attach('import_file', Buffer.from('name\nBo\n'), 'contacts.csv');
    expect(twice.status).toBe(422);
    expect(twice.body).toMatchObject({ field: 'create_labels', error: 'create_labels is given more than once: send it once' });
  });

  // A typo such as createLabels=true was ignored: the import ran without creating labels.
  it.each([
    [{ createLabels: 'true' }, 'createLabels'],
    [{ create_labels: 'true', labels: 'vip' }, 'labels'],
  ])('when the upload carries an unknown field (%j), then it answers 422 naming it and leaves no file behind', async (fields, unknown) => {
    const account = await freshAccount();
    const before = readdirSync(ctx.deps.config.UPLOAD_DIR).length;
    const res = await uploadCsv(ctx, account, 'name\nAna\n', 'contacts.csv', fields);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ field: unknown, error: `unknown field "${unknown}": the upload takes the file import_file and the field create_labels` });
    expect(readdirSync(ctx.deps.config.UPLOAD_DIR)).toHaveLength(before);
    const listed = await ctx.http.get(account.path('/contacts/imports')).set('api_access_token', account.adminToken);
    expect(listed.body.meta.count).toBe(0);
  });

  it('when import_file is sent as a text field, then it answers 422 saying it must be a file', async () => {
    const account = await freshAccount();
    const res = await ctx.http.post(account.path('/contacts/import')).set('api_access_token', account.adminToken).field('import_file', 'name\nAna\n');
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ field: 'import_file', error: expect.stringMatching(/import_file must be a file/) });
  });

  // Issue 15: on request, labels the account lacks are created, as POST /contacts/{id}/labels does.
  it('when rows name labels the account does not have and create_labels is true, then the labels are created and the rows import carrying them', async () => {
    const account = await freshAccount();
    await addLabels(account, ['vip']);
    const existing = await createContact(ctx, account, { email: 'known@x.com', name: 'Known' });
    const csv = 'name,email,labels\nAna,ana@x.com,"VIP, brand-new"\nKnown,known@x.com,returning\n';
    const done = await importCsv(ctx, account, csv, undefined, { create_labels: 'true' });
    expect(done).toMatchObject({ status: 'completed', create_labels: true, rows_read: 2, created: 1, updated: 1, rejected: 0 });
    const labels = await ctx.http.get(account.path('/labels')).set('api_access_token', account.agentToken);
    expect(labels.body.payload.map((l: { title: string }) => l.title)).toEqual(['brand-new', 'returning', 'vip']);
    const contacts = await contactsOf(ctx, account.id);
    expect(contacts.find((c) => c.email === 'ana@x.com')?.labels).toEqual(['vip', 'brand-new']);
    expect(contacts.find((c) => Number(c._id) === existing.id)?.labels).toEqual(['returning']);
  });

  // Given in the query string, create_labels was ignored without a word: the rows naming new labels were rejected.
  it('when create_labels comes in the query string, then it is taken as the form field is; a bad value is a 422 that leaves no file behind', async () => {
    const account = await freshAccount();
    const upload = (query: string) =>
      ctx.http.post(account.path(`/contacts/import${query}`)).set('api_access_token', account.adminToken).attach('import_file', Buffer.from('name,labels\nQuinn,from-query\n'), 'contacts.csv');
    const started = await upload('?create_labels=true');
    expect(started.status).toBe(200);
    expect(started.body.payload.create_labels).toBe(true);
    const before = readdirSync(ctx.deps.config.UPLOAD_DIR).length;
    const refused = await upload('?create_labels=maybe');
    expect(refused.status).toBe(422);
    expect(refused.body.field).toBe('create_labels');
    expect(readdirSync(ctx.deps.config.UPLOAD_DIR)).toHaveLength(before);
    // In both places, they must agree: the query string's true won over the form's false without a word.
    const both = (query: string, field: string) => upload(query).field('create_labels', field);
    const conflicting = await both('?create_labels=true', 'false');
    expect(conflicting.status).toBe(422);
    expect(conflicting.body).toMatchObject({ field: 'create_labels', error: expect.stringContaining('given twice') });
    expect(readdirSync(ctx.deps.config.UPLOAD_DIR)).toHaveLength(before);
    const agreeing = await both('?create_labels=1', 'true');
    expect(agreeing.status).toBe(200);
    expect(agreeing.body.payload.create_labels).toBe(true);
  });
});

describe('matching existing contacts', () => {
  it.each([
    ['identifier', { identifier: 'crm-9', email: 'old@x.com' }, 'name,identifier,email\nNew Name,crm-9,\n'],
    ['email', { email: 'match@x.com' }, 'name,email\nNew Name,MATCH@x.com\n'],
    ['phone_number', { phone_number: '+447700900123' }, 'name,phone_number\nNew Name,+44 7700 900123\n'],
  ])('when a row has the %s of a contact, then that contact is updated, not duplicated', async (_key, existing, csv) => {
    const account = await freshAccount();
    const contact = await createContact(ctx, account, { name: 'Old Name', ...existing });
    const done = await importCsv(ctx, account, csv);
    expect(done).toMatchObject({ created: 0, updated: 1, rejected: 0 });
    const contacts = await contactsOf(ctx, account.id);
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({ _id: String(contact.id), name: 'New Name', version: 2 });
  });

  it('when a row has the identifier of one contact and the email of none, then it matches by identifier first and takes the email', async () => {
    const account = await freshAccount();
    const byId = await createContact(ctx, account, { identifier: 'crm-1', email: 'a@x.com' });
    await importCsv(ctx, account, 'identifier,email\ncrm-1,b@x.com\n');
    const contact = await ctx.deps.models.contacts.findById(byId.id).lean();
    expect(contact).toMatchObject({ email: 'b@x.com' });
    expect(await ctx.deps.models.contactKeys.findById(`${account.id}:email:b@x.com`).lean()).toMatchObject({ contact_id: byId.id });
    const res = await ctx.http.post(account.path('/contacts')).set('api_access_token', account.adminToken).send({ email: 'a@x.com' });
    expect(res.status).toBe(200);
  });

  // Found reading the code after a black-box race: an import's update that lost its contact to a
  // PATCH landing the same value gave back the key that PATCH had landed with.
  it('when a PATCH gives a contact the phone an import row gives it, just before the import writes, then the contact keeps the key of it', async () => {
    const account = await freshAccount();
    const contact = await createContact(ctx, account, { name: 'Racing', email: 'racing@x.com' });
    const collection = ctx.deps.models.contacts.collection;
    const original = collection.bulkWrite.bind(collection);
    let patched = false;
    const spy = jest.spyOn(collection, 'bulkWrite').mockImplementation((async (operations: never, options: never) => {
      if (!patched) {
        patched = true;
        const res = await ctx.http.patch(account.path(`/contacts/${contact.id}`)).set('api_access_token', account.adminToken).send({ phone_number: '+447700900555' });
        expect(res.status).toBe(200);
      }
      return original(operations, options);
    }) as never);
    try {
      expect(await importCsv(ctx, account, 'name,email,phone_number\nFrom Import,racing@x.com,+447700900555\n')).toMatchObject({ status: 'completed', rejected: 0 });
    } finally {
      spy.mockRestore();
    }
    expect(patched).toBe(true);
    expect(await ctx.deps.models.contactKeys.findById(`${account.id}:phone:+447700900555`).lean()).toMatchObject({ contact_id: contact.id });
    expect((await ctx.http.post(account.path('/contacts')).set('api_access_token', account.adminToken).send({ phone_number: '+447700900555' })).status).toBe(422);
  });

  it('when the same file is imported again, then nothing is written', async () => {
    const account = await freshAccount();
    await addLabels(account, ['vip']);
    const csv = 'name,email,phone_number,identifier,labels,city,score,created_at\nAna,ana@x.com,+5491155550000,crm-1,vip,Lima,7,2020-01-01T00:00:00Z\nName Only,,,,,,,\n';
    const first = await importCsv(ctx, account, csv);
    expect(first).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
    const before = await contactsOf(ctx, account.id);
    const second = await importCsv(ctx, account, 'name,email,phone_number,identifier,labels,city,score,created_at\nAna,ana@x.com,+5491155550000,crm-1,vip,Lima,7,2020-01-01T00:00:00Z\n');
    // Matched, so updated (SPEC §5), with nothing to change.
    expect(second).toMatchObject({ rows_read: 1, created: 0, updated: 1, unchanged: 1, rejected: 0 });
    expect(await contactsOf(ctx, account.id)).toEqual(before);
  });

  it('when a file matches contacts with and without changes, creates one and rejects one, then created + updated + rejected is the rows read', async () => {
    const account = await freshAccount();
    await importCsv(ctx, account, 'name,email\nAna,ana@x.com\nBea,bea@x.com\n');
    const done = await importCsv(ctx, account, 'name,email\nAna,ana@x.com\nBeatriz,bea@x.com\nCarla,carla@x.com\nDora,not-an-email\n');
    expect(done).toMatchObject({ status: 'completed', rows_read: 4, created: 1, updated: 2, unchanged: 1, rejected: 1 });
    const names = (await contactsOf(ctx, account.id)).map((c) => c.name).sort();
    expect(names).toEqual(['Ana', 'Beatriz', 'Carla']);
  });
});

describe('values their definition no longer takes', () => {
  // Export, edit in a spreadsheet, import back: a value stored before its definition changed (a
  // list value since removed, a key defined again with another type) rejected the row of every
  // contact holding one, though the file said what the contact already held.
  it('when a row matches a contact and gives back a value it holds that its definition no longer takes, then the row imports and keeps it; the same value for another contact is rejected', async () => {
    const account = await freshAccount();
    const api = (p: string) => account.path(p);
    const tier = await ctx.http.post(api('/custom_attribute_definitions')).set('api_access_token', account.adminToken).send({ attribute_key: 'tier', attribute_display_type: 'list', attribute_values: ['a', 'b'] });
    const held = await createContact(ctx, account, { name: 'Held', email: 'held@x.com', custom_attributes: { tier: 'b' } });
    await createContact(ctx, account, { name: 'Other', email: 'other@x.com' });
    await ctx.http.patch(api(`/custom_attribute_definitions/${tier.body.id}`)).set('api_access_token', account.adminToken).send({ attribute_values: ['a', 'c'] });
    const done = await importCsv(ctx, account, 'name,email,tier\nHeld Renamed,held@x.com,b\nOther,other@x.com,b\nNew,new@x.com,b\n');
    expect(done).toMatchObject({ created: 0, updated: 1, rejected: 2 });
    expect(await rejectionsOf(account, done.id)).toEqual(['row 2: tier: "b" is not one of "a", "c"', 'row 3: tier: "b" is not one of "a", "c"']);
    const contact = await ctx.deps.models.contacts.findById(held.id).lean();
    expect(contact).toMatchObject({ name: 'Held Renamed', custom_attributes: { tier: 'b' } });
  });
});

describe('a rejected row and a later row for the same person', () => {
  // Live audit: a row rejected for a bad custom value claimed its email for the file, so the
  // correct row for that person after it was rejected as a second row and nobody was imported.
  async function defineNumberAndDate(account: TestAccount) {
    for (const [key, type] of [['c_number', 'number'], ['c_date', 'date']] as const) {
      const res = await ctx.http.post(account.path('/custom_attribute_definitions')).set('api_access_token', account.adminToken).send({ attribute_key: key, attribute_display_type: type });
      expect(res.status).toBe(200);
    }
  }

  it('when a row is rejected for a custom value, then the next row with its email imports', async () => {
    const account = await freshAccount();
    await defineNumberAndDate(account);
    const done = await importCsv(ctx, account, 'name,email,c_number,c_date\nFirst,dupe@r.io,notanumber,\nSecond,dupe@r.io,5,1700000000\n');
    expect(done).toMatchObject({ status: 'completed', rows_read: 2, created: 1, rejected: 1 });
    expect(await rejectionsOf(account, done.id)).toEqual(['row 1: c_number: "notanumber" is not a number']);
    const contacts = await contactsOf(ctx, account.id);
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({ name: 'Second', email: 'dupe@r.io', custom_attributes: { c_number: 5, c_date: '2023-11-14T22:13:20.000Z' } });
  });

  it('when a row is rejected for a decimal comma in a number column or a bad date, then the next row with its phone or identifier imports', async () => {
    const account = await freshAccount();
    await defineNumberAndDate(account);
    const csv = 'name,phone_number,identifier,c_number,c_date\nA,+1 555 0101,,"1,5",\nA again,+15550101,,5,\nB,,crm-b,,someday\nB again,,crm-b,,2025-03-15\n';
    const done = await importCsv(ctx, account, csv);
    expect(done).toMatchObject({ status: 'completed', rows_read: 4, created: 2, rejected: 2 });
    expect(await rejectionsOf(account, done.id)).toEqual(['row 1: c_number: "1,5" is not a number', 'row 3: c_date: "someday" is not a date (ISO 8601 or Unix seconds)']);
    const contacts = await contactsOf(ctx, account.id);
    expect(contacts.map((c) => [c.name, c.phone_number ?? c.identifier, c.custom_attributes])).toEqual([
      ['A again', '+15550101', { c_number: 5 }],
      ['B again', 'crm-b', { c_date: '2025-03-15' }],
    ]);
  });

  it('when a row is rejected for a label the account lacks, then the next row with its email imports', async () => {
    const account = await freshAccount();
    await addLabels(account, ['vip']);
    const done = await importCsv(ctx, account, 'name,email,labels\nFirst,ana@x.com,vpi\nSecond,ana@x.com,vip\n');
    expect(done).toMatchObject({ status: 'completed', rows_read: 2, created: 1, rejected: 1 });
    expect(await rejectionsOf(account, done.id)).toEqual(['row 1: labels: the account has no label "vpi"; create it first, or import with create_labels=true']);
    expect((await contactsOf(ctx, account.id)).map((c) => [c.name, c.email, c.labels])).toEqual([['Second', 'ana@x.com', ['vip']]]);
  });

  it('when a row gives back a value its contact holds and its definition no longer takes, then it still claims its person: a later row for them is a second row', async () => {
    const account = await freshAccount();
    const tier = await ctx.http.post(account.path('/custom_attribute_definitions')).set('api_access_token', account.adminToken).send({ attribute_key: 'tier', attribute_display_type: 'list', attribute_values: ['a', 'b'] });
    await createContact(ctx, account, { name: 'Held', email: 'held@x.com', custom_attributes: { tier: 'b' } });
    await ctx.http.patch(account.path(`/custom_attribute_definitions/${tier.body.id}`)).set('api_access_token', account.adminToken).send({ attribute_values: ['a', 'c'] });
    const done = await importCsv(ctx, account, 'name,email,tier\nHeld Renamed,held@x.com,b\nHeld Again,held@x.com,a\n');
    expect(done).toMatchObject({ created: 0, updated: 1, rejected: 1 });
    expect(await rejectionsOf(account, done.id)).toEqual(['row 2: a second row for the same person: an earlier row of the file has the same email held@x.com']);
  });
});

describe('the benchmark generator', () => {
  it('when a generated file with bad rows is imported, then every row is either created or rejected', async () => {
    const { generateRows, GENERATED_LABELS } = await import('../../scripts/generate-contacts-csv');
    const { csvLine } = await import('../../src/shared/csv');
    const account = await freshAccount();
    await addLabels(account, GENERATED_LABELS);
    const csv = [...generateRows(200, { bad: 0.1, seed: 7 })].map((row) => csvLine(row, { neutralise: false })).join('');
    const done = await importCsv(ctx, account, csv);
    expect(done).toMatchObject({ status: 'completed', rows_read: 200, updated: 0 });
    expect(done.rejected as number).toBeGreaterThan(5);
    expect((done.created as number) + (done.rejected as number)).toBe(200);
  });
});

describe('fixing rejected rows', () => {
  it('when the rejected-rows download is fixed and uploaded again, then its rows import and the errors column is ignored', async () => {
    const account = await freshAccount();
    const first = await importCsv(ctx, account, 'name,email,phone_number\nAna,ana@x.com,+34612345678\nBad,bad-email,+34699999999\n');
    const download = await rejectedCsv(ctx, account, first.id);
    const fixed = download.replace('bad-email', 'fixed@x.com');
    const second = await importCsv(ctx, account, fixed, 'fixed.csv');
    expect(second).toMatchObject({ status: 'completed', created: 1, rejected: 0 });
    const bad = (await ctx.deps.keys.owners(account.id, { email: 'fixed@x.com' })).email;
    expect(bad).toMatchObject({ name: 'Bad', phone_number: '+34699999999', custom_attributes: {} });
  });

  it('when a rejected-rows download is uploaded again still bad, then its own download has one errors column and can be uploaded once more', async () => {
    const account = await freshAccount();
    const first = await importCsv(ctx, account, 'name,email\nAna,bad-1\nLuis,bad-2\n');
    const second = await importCsv(ctx, account, (await rejectedCsv(ctx, account, first.id)).replace('bad-1', 'ana@x.com'), 'again.csv');
    expect(second).toMatchObject({ status: 'completed', created: 1, rejected: 1 });
    const download = await rejectedCsv(ctx, account, second.id);
    expect(download.split('\r\n')[0]).toBe('name,email,errors');
    expect(await parseCsv(download)).toEqual([{ name: 'Luis', email: 'bad-2', errors: 'row 2: email: "bad-2" is not a valid email address (it has no @)' }]);
    const third = await importCsv(ctx, account, download.replace('bad-2', 'luis@x.com'), 'third.csv');
    expect(third).toMatchObject({ status: 'completed', created: 1, rejected: 0 });
  });

  it('when a rejected row held cells an export had neutralised, then the download uploads again to what the first file meant', async () => {
    const account = await freshAccount();
    const first = await importCsv(ctx, account, "name,email,city,company_name\n'=cmd,bad-email,''=x,'Tis\n");
    const fixed = (await rejectedCsv(ctx, account, first.id)).replace('bad-email', 'fixed@x.com');
    expect(await importCsv(ctx, account, fixed, 'fixed.csv')).toMatchObject({ status: 'completed', created: 1, rejected: 0 });
    const contact = (await ctx.deps.keys.owners(account.id, { email: 'fixed@x.com' })).email;
    expect(contact).toMatchObject({ name: '=cmd', additional_attributes: { city: "'=x", company_name: "'Tis" } });
  });
});

describe('import status and tenancy', () => {
  it('when another account has a contact with the same email, then the import creates its own and leaves the other alone', async () => {
    const account = await freshAccount();
    const other = await freshAccount();
    const theirs = await createContact(ctx, other, { name: 'Theirs', email: 'shared@x.com' });
    await createContact(ctx, account, { name: 'Already here' }); // so the import looks contacts up
    const done = await importCsv(ctx, account, 'name,email\nMine,shared@x.com\n');
    expect(done).toMatchObject({ created: 1, updated: 0 });
    expect(await ctx.deps.models.contacts.findById(theirs.id).lean()).toMatchObject({ name: 'Theirs', version: 1 });
  });

  it('when imports are listed, then the account sees its own, newest first, and another account none of them', async () => {
    const account = await freshAccount();
    const other = await freshAccount();
    const a = await importCsv(ctx, account, 'name\nA\n');
    const b = await importCsv(ctx, account, 'name\nB\n');
    const list = await ctx.http.get(account.path('/contacts/imports')).set('api_access_token', account.agentToken);
    expect(list.status).toBe(200);
    expect(list.body.meta.count).toBe(2);
    expect(list.body.payload.map((i: { id: number }) => i.id)).toEqual([b.id, a.id]);
    const second = await ctx.http.get(account.path('/contacts/imports?per_page=1&page=2')).set('api_access_token', account.agentToken);
    expect(second.body).toMatchObject({ meta: { count: 2, current_page: 2 } });
    expect(second.body.payload.map((i: { id: number }) => i.id)).toEqual([a.id]);

    const otherList = await ctx.http.get(other.path('/contacts/imports')).set('api_access_token', other.adminToken);
    expect(otherList.body).toMatchObject({ meta: { count: 0 }, payload: [] });
    for (const suffix of [`/contacts/imports/${a.id}`, `/contacts/imports/${a.id}/rejected`]) {
      const res = await ctx.http.get(other.path(suffix)).set('api_access_token', other.adminToken);
      expect(res.status).toBe(404);
    }
  });

  it('when an import\'s job was lost (Redis emptied), then the worker queues it again and it completes', async () => {
    const account = await freshAccount();
    const { writeFile, mkdir } = await import('node:fs/promises');
    await mkdir(ctx.deps.config.UPLOAD_DIR, { recursive: true });
    const file = `${ctx.deps.config.UPLOAD_DIR}/lost-job-${account.id}.csv`;
    await writeFile(file, 'name\nLost Job\n');
    const recorded = await ctx.deps.services.imports.record(account.id, { path: file, originalname: 'lost.csv', size: 14 }, true);
    await ctx.deps.importProcessor.requeueUnfinished(ctx.deps.importQueue);
    await waitFor(async () => (await showImport(ctx, account, recorded._id)).status === 'completed', 'the re-queued import');
    expect((await contactsOf(ctx, account.id)).map((c) => c.name)).toEqual(['Lost Job']);
  });

  // Fetched early it was a 200 holding part of the rows (more than the counters said), nothing telling it from the whole.
  it('when the rejected rows are asked for before the import has finished, then it is a 409 saying so; once completed, the file', async () => {
    const account = await freshAccount();
    const { writeFile, mkdir } = await import('node:fs/promises');
    await mkdir(ctx.deps.config.UPLOAD_DIR, { recursive: true });
    const file = `${ctx.deps.config.UPLOAD_DIR}/early-${account.id}.csv`;
    await writeFile(file, 'name,email\nEarly,not-an-email\n');
    const recorded = await ctx.deps.services.imports.record(account.id, { path: file, originalname: 'early.csv', size: 30 }, true);
    const early = await ctx.http.get(account.path(`/contacts/imports/${recorded._id}/rejected`)).set('api_access_token', account.agentToken);
    expect(early.status).toBe(409);
    expect(early.body.error).toBe(`import ${recorded._id} is still queued: its rejected rows can be read once it has completed (status in GET /contacts/imports/${recorded._id})`);
    await ctx.deps.importProcessor.requeueUnfinished(ctx.deps.importQueue);
    await waitFor(async () => (await showImport(ctx, account, recorded._id)).status === 'completed', 'the import');
    expect(await rejectedCsv(ctx, account, recorded._id)).toContain('row 1: ');
  });

  it('when an import is shown, then it has its counters and times', async () => {
    const account = await freshAccount();
    const done = await importCsv(ctx, account, 'name\nA\n');
    const shown = await showImport(ctx, account, done.id);
    expect(shown).toMatchObject({ id: done.id, status: 'completed', file_name: 'contacts.csv', rows_read: 1, created: 1, error: null });
    expect(typeof shown.started_at).toBe('number');
    expect(shown.finished_at as number).toBeGreaterThanOrEqual(shown.started_at as number);
  });

  it("when the file's name has accents and quotes, sent as browsers send it (raw UTF-8), then the import shows it as written", async () => {
    const account = await freshAccount();
    const res = await ctx.http.post(account.path('/contacts/import')).set('api_access_token', account.adminToken).attach('import_file', Buffer.from('name\nA\n'), 'Año "2024" España.csv');
    expect(res.status).toBe(200);
    expect((await showImport(ctx, account, res.body.payload.id)).file_name).toBe('Año "2024" España.csv');
  });

  it('when an agent uploads a file, then it is imported as an administrator\'s would be (SPEC 2 keeps only deletes for administrators)', async () => {
    const account = await freshAccount();
    const res = await ctx.http.post(account.path('/contacts/import')).set('api_access_token', account.agentToken).attach('import_file', Buffer.from('name\nAgent Import\n'), 'a.csv');
    expect(res.status).toBe(200);
    await waitFor(async () => (await showImport(ctx, account, res.body.payload.id)).status === 'completed', 'the agent\'s import to finish');
    expect(await showImport(ctx, account, res.body.payload.id)).toMatchObject({ created: 1, rejected: 0 });
  });

  it('when no file is sent, then it answers 422 naming import_file', async () => {
    const account = await freshAccount();
    const res = await ctx.http.post(account.path('/contacts/import')).set('api_access_token', account.adminToken).send({});
    expect(res.status).toBe(422);
    expect(res.body.field).toBe('import_file');
  });

  // Found by the security review (2026-12-05): a gzip multipart was a 400 "Unexpected end of
  // form", a body declared at 900 MB was waited for, and the form's limits named no number.
  it('when the upload is sent with a Content-Encoding, then it answers 415 saying to send it uncompressed', async () => {
    const account = await freshAccount();
    const res = await ctx.http.post(account.path('/contacts/import')).set('api_access_token', account.adminToken).set('Content-Encoding', 'gzip').attach('import_file', Buffer.from('name\nAna\n'), 'a.csv');
    expect(res.status).toBe(415);
    expect(res.body.error).toBe('an import is not taken with Content-Encoding "gzip": send the multipart body uncompressed (a .csv file compresses in transit only where a proxy does it)');
  });

  it('when the body is declared larger than the file limit allows, then it answers 413 naming IMPORT_MAX_BYTES before reading it', async () => {
    const account = await freshAccount();
    const declared = ctx.deps.config.IMPORT_MAX_BYTES + 2 * 1024 * 1024;
    const res = await ctx.http.post(account.path('/contacts/import')).set('api_access_token', account.adminToken)
      .set('Content-Type', 'multipart/form-data; boundary=XB').set('Content-Length', String(declared)).send('--XB\r\n');
    expect(res.status).toBe(413);
    expect(res.body.error).toBe(`the request body (${declared} bytes) is larger than import_file's limit of ${ctx.deps.config.IMPORT_MAX_BYTES} bytes (IMPORT_MAX_BYTES)`);
    expect(await ctx.http.get(account.path('/contacts/imports')).set('api_access_token', account.adminToken).then((r) => r.body.payload)).toEqual([]);
  });

  it('when Content-Encoding is empty or identity, then the upload is taken as it is', async () => {
    const account = await freshAccount();
    for (const encoding of ['', 'identity', ' Identity ']) {
      const res = await ctx.http.post(account.path('/contacts/import')).set('api_access_token', account.adminToken).set('Content-Encoding', encoding).attach('import_file', Buffer.from('name\nAna\n'), 'a.csv');
      expect([encoding, res.status]).toEqual([encoding, 200]);
    }
  });

  it('when a form field name is longer than 100 characters, then it answers 422 naming that limit', async () => {
    const account = await freshAccount();
    const res = await ctx.http.post(account.path('/contacts/import')).set('api_access_token', account.adminToken).field('é'.repeat(101), 'x').attach('import_file', Buffer.from('name\nAna\n'), 'a.csv');
    expect(res.status).toBe(422);
    expect(res.body.error).toBe("import_file: a form field's name is longer than 100 characters, the limit");
  });

  it('when the form holds more fields than its limit, then it answers 422 naming the limit', async () => {
    const account = await freshAccount();
    let req = ctx.http.post(account.path('/contacts/import')).set('api_access_token', account.adminToken);
    for (let i = 0; i < 21; i++) req = req.field(`f${i}`, 'x');
    const res = await req.attach('import_file', Buffer.from('name\nAna\n'), 'a.csv');
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ field: 'import_file', error: 'import_file: the form holds more than 20 fields besides the file, the limit' });
  });

  // It named import_file whichever field was too long (a black-box tester).
  it('when a form field besides the file is longer than its limit, then the 422 names that field', async () => {
    const account = await freshAccount();
    const res = await ctx.http
      .post(account.path('/contacts/import'))
      .set('api_access_token', account.adminToken)
      .field('create_labels', 'x'.repeat(64 * 1024 + 1))
      .attach('import_file', Buffer.from('name\nAna\n'), 'a.csv');
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ field: 'create_labels', error: "create_labels: the form field's value is longer than 65536 bytes, the limit" });
  });

  // It said "send one file, in the multipart field import_file", naming the field it did not come in.
  it('when the file comes under another field name, then the 422 names that field; two files still say to send one', async () => {
    const account = await freshAccount();
    const misnamed = await ctx.http.post(account.path('/contacts/import')).set('api_access_token', account.adminToken).attach('file', Buffer.from('name\nAna\n'), 'a.csv');
    expect([misnamed.status, misnamed.body.field, misnamed.body.error]).toEqual([422, 'file', 'the file came in the multipart field "file"; send it in "import_file"']);
    const two = await ctx.http
      .post(account.path('/contacts/import'))
      .set('api_access_token', account.adminToken)
      .attach('import_file', Buffer.from('name\nAna\n'), 'a.csv')
      .attach('import_file', Buffer.from('name\nBea\n'), 'b.csv');
    expect([two.status, two.body.error]).toEqual([422, 'send one file, in the multipart field "import_file"']);
  });

  it('when the upload is not a CSV file, then it answers 415', async () => {
    const account = await freshAccount();
    const res = await uploadCsv(ctx, account, Buffer.from([0x89, 0x50, 0x4e, 0x47]), 'photo.png');
    expect(res.status).toBe(415);
    expect(res.body.error).toMatch(/CSV/);
  });

  it('when a .csv file holds binary data, then it answers 422', async () => {
    const account = await freshAccount();
    const res = await uploadCsv(ctx, account, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]), 'book.csv');
    expect(res.status).toBe(422);
  });

  it('when an import id does not exist, then it answers 404', async () => {
    const account = await freshAccount();
    const res = await ctx.http.get(account.path('/contacts/imports/999999')).set('api_access_token', account.adminToken);
    expect(res.status).toBe(404);
  });
});
