import { isBlankLine, planImportColumns, type ColumnPlan, type DefinitionInfo } from '../../src/import/import-columns';
import { identityKeys, InvalidUtf8Cell, parseImportRow, splitLabels } from '../../src/import/parse-import-row';
import { unneutralise } from '../../src/shared/csv';
import { createSeenKeys } from '../../src/import/seen-keys';

function plan(header: string[], definitions: DefinitionInfo[] = []): ColumnPlan {
  const result = planImportColumns(header, definitions);
  if (!result.ok) throw new Error(result.error);
  return result.plan;
}

describe('reading the header', () => {
  it('when names differ in case or carry a BOM, then standard columns are still recognised', () => {
    const p = plan(['\uFEFFName', ' EMAIL ', 'Phone_Number', 'plan']);
    expect(p.columns.map((c) => (c.kind === 'standard' ? c.field : c.kind))).toEqual(['name', 'email', 'phone_number', 'custom']);
    expect(p.undefinedKeys).toEqual(['plan']);
  });

  it('when names carry zero-width characters at their edges or are written decomposed, then they are read as the API reads keys: trimmed and composed', () => {
    const p = plan(['\u200bName\u2060', 'regio\u0301n', '\u200b'], [{ attribute_key: 'regi\u00f3n', attribute_display_type: 'text' }]);
    expect(p.columns).toEqual([
      expect.objectContaining({ kind: 'standard', field: 'name' }),
      expect.objectContaining({ kind: 'custom', key: 'regi\u00f3n' }),
      expect.objectContaining({ kind: 'unnamed' }),
    ]);
    expect(p.undefinedKeys).toEqual([]);
  });

  it('when a column names a defined attribute in another case, then the definition\'s key and type are used', () => {
    const p = plan(['name', 'SCORE'], [{ attribute_key: 'score', attribute_display_type: 'number' }]);
    expect(p.columns[1]).toMatchObject({ kind: 'custom', key: 'score', type: 'number' });
    expect(p.undefinedKeys).toEqual([]);
  });

  it('when two definitions differ only in case, then a column naming one exactly goes to that one, and both may be columns of one file', () => {
    const definitions: DefinitionInfo[] = [
      { attribute_key: 'Tier', attribute_display_type: 'text' },
      { attribute_key: 'tier', attribute_display_type: 'number' },
    ];
    for (const order of [definitions, [...definitions].reverse()]) {
      const p = plan(['name', 'Tier', 'tier'], order);
      expect(p.columns.slice(1)).toEqual([
        expect.objectContaining({ kind: 'custom', key: 'Tier', type: 'text' }),
        expect.objectContaining({ kind: 'custom', key: 'tier', type: 'number' }),
      ]);
      // A header matching neither exactly goes to the first one defined, as the export reads column names.
      expect(plan(['name', 'TIER'], order).columns[1]).toMatchObject({ key: order[0].attribute_key });
    }
    expect(planImportColumns(['name', 'Tier', 'TIER'], definitions)).toEqual({ ok: false, error: expect.stringMatching(/names column "TIER" twice \(columns 2 and 3\)/) });
  });

  it('when a column is named company, as Chatwoot\'s importer reads it, then it is company_name unless the account defines company', () => {
    expect(plan(['name', 'Company']).columns[1]).toEqual({ kind: 'standard', field: 'company_name', header: 'Company' });
    expect(plan(['name', 'company'], [{ attribute_key: 'Company', attribute_display_type: 'text' }]).columns[1]).toMatchObject({ kind: 'custom', key: 'Company' });
    expect(planImportColumns(['company_name', 'name', 'company'], [])).toEqual({
      ok: false,
      error: 'the header has two columns for company_name: "company_name" (column 1) and "company" (column 3), read as company_name as Chatwoot reads it',
    });
  });

  it('when a header cell holds a line break and a defined key is that text, as the export writes it, then it is that key; any other such cell fails the header', () => {
    expect(plan(['name', 'line\nbreak'], [{ attribute_key: 'line\nbreak', attribute_display_type: 'text' }]).columns[1]).toMatchObject({ kind: 'custom', key: 'line\nbreak' });
    expect(planImportColumns(['name', 'other\nbreak'], [{ attribute_key: 'line\nbreak', attribute_display_type: 'text' }])).toMatchObject({ ok: false, error: expect.stringMatching(/holds a line break/) });
  });

  it('when a header is a defined key with spaces at an end, as the export writes it, then it is that key; other headers are trimmed', () => {
    const p = plan(['name', ' region', ' plan '], [{ attribute_key: ' region', attribute_display_type: 'text' }]);
    expect(p.columns.slice(1)).toEqual([expect.objectContaining({ key: ' region' }), expect.objectContaining({ key: 'plan' })]);
  });

  it('when a header was neutralised by an export (a key that starts like a formula), then the apostrophe is dropped', () => {
    const p = plan(['name', "'@handle", "'-x"], [{ attribute_key: '@handle', attribute_display_type: 'text' }]);
    expect(p.columns.slice(1)).toEqual([expect.objectContaining({ key: '@handle' }), expect.objectContaining({ key: '-x' })]);
    expect(p.undefinedKeys).toEqual(['-x']);
  });

  it('when the header has errors columns, even two (a download of an earlier version), then they are ignored', () => {
    const p = plan(['name', 'errors', 'Errors']);
    expect(p.columns.map((c) => (c.kind === 'standard' ? c.field : c.kind))).toEqual(['name', 'errors', 'errors']);
    expect(parseImportRow(['Ana', 'row 1: x', 'row 1: x'], p)).toMatchObject({ kind: 'contact', changes: { name: 'Ana' } });
  });

  it.each([
    [['name', 'email', 'Email'], /names column "Email" twice \(columns 2 and 3\)/],
    [['name', 'a.b'], /must not contain "."/],
    [['name', '$set'], /must not contain "." or start with "\$"/],
    [['', ' '], /no header line/],
    [['name;email;phone_number'], /^the header line has no comma but has semicolons \(;\): the file must be comma-separated/],
    [['\uFEFFname\temail'], /^the header line has no comma but has tabs: the file must be comma-separated/],
    [['name', 'first\r\nemail', 'phone'], /^the header cell "first\\r\\nemail" holds a line break inside its quotes: a column name is one line$/],
    [['name\nAna'], /holds a line break/],
    [['name', '__proto__'], /column 2: .*"__proto__" is not allowed/],
    [['name', 'constructor'], /column 2: .*"constructor" is not allowed/],
  ])('when the header is %j, then the import cannot run: %s', (header, error) => {
    const result = planImportColumns(header, []);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(error);
  });
});

describe('a header that is almost surely not comma-separated', () => {
  // A one-column file whose name has a semicolon cannot be told from a ";" file: refused too.
  it.each([[['name', 'a;b']], [['name,email']], [['notes']], [['company name']]])('when the header is %j, then it is read as columns', (header) => {
    expect(planImportColumns(header, []).ok).toBe(true);
  });
});

describe('blank lines before the header', () => {
  it.each([[[]], [['']], [['   ']], [['\uFEFF']], [['\uFEFF  ']]])('when a line reads %j, then it is blank', (cells) => {
    expect(isBlankLine(cells)).toBe(true);
  });

  // Empty cells between commas are a header without names, not a blank line: still refused.
  it.each([[['name']], [['', '']], [[' ', 'email']]])('when a line reads %j, then it is not blank', (cells) => {
    expect(isBlankLine(cells)).toBe(false);
  });
});

describe('parsing a row', () => {
  const standard = plan(['id', 'name', 'email', 'identifier', 'phone_number', 'labels', 'ip_address', 'company_name', 'city', 'country', 'country_code', 'created_at', 'last_activity_at', 'blocked']);
  const row = (values: Record<string, string>) =>
    standard.columns.map((c) => (c.kind === 'standard' ? (values[c.field] ?? '') : ''));

  it('when every standard column is filled, then the changes are normalised like the API\'s', () => {
    const parsed = parseImportRow(
      row({
        id: '99',
        name: ' José ',
        email: 'JOSE@Example.com',
        identifier: 'crm-7',
        phone_number: '+1 (555) 010-0000',
        labels: 'VIP, lead,vip',
        ip_address: '10.1.1.1',
        company_name: 'Acme',
        city: 'Bogotá',
        country: 'Colombia',
        country_code: 'co',
        created_at: '2020-01-02T00:00:00Z',
        last_activity_at: '1600000000',
        blocked: 'yes',
      }),
      standard,
    );
    expect(parsed).toEqual({
      kind: 'contact',
      labels: ['vip', 'lead'],
      changes: {
        name: 'José',
        email: 'jose@example.com',
        identifier: 'crm-7',
        phone_number: '+15550100000',
        blocked: true,
        additional_attributes: { ip_address: '10.1.1.1', company_name: 'Acme', city: 'Bogotá', country: 'Colombia', country_code: 'CO' },
        created_at: new Date('2020-01-02T00:00:00Z'),
        last_activity_at: new Date(1600000000 * 1000),
      },
    });
  });

  it('when a cell is empty, then the field is left out (an import never clears a value)', () => {
    const parsed = parseImportRow(row({ name: 'Ana', email: '' }), standard);
    expect(parsed).toEqual({ kind: 'contact', labels: [], changes: { name: 'Ana' } });
  });

  it('when a cell holds only zero-width characters, then it is an empty cell: the field is left out, not cleared', () => {
    const parsed = parseImportRow(row({ name: '\u200bAna\u2060', city: '\u200b', email: ' \u200b ' }), standard);
    expect(parsed).toEqual({ kind: 'contact', labels: [], changes: { name: 'Ana' } });
  });

  it('when a cell holds a control character other than tab or a line break, then the row is rejected naming the column', () => {
    const parsed = parseImportRow(row({ name: 'Ana\u0000', city: 'Lima' }), standard);
    expect(parsed).toEqual({ kind: 'rejected', errors: [expect.stringMatching(/^name: .*control character/)] });
  });

  it('when every cell is empty, then the row is empty, not rejected', () => {
    expect(parseImportRow(row({}), standard)).toEqual({ kind: 'empty' });
    expect(parseImportRow([''], standard)).toEqual({ kind: 'empty' });
  });

  it.each([
    [{ name: 'x', email: 'nope' }, /email: "nope" is not a valid email address/],
    [{ name: 'x', phone_number: '1' }, /phone_number: "1" is not a valid phone number/],
    [{ name: 'x', phone_number: '+0123' }, /phone_number/],
    [{ name: 'x', created_at: 'yesterday' }, /created_at must be Unix seconds or an ISO 8601 date/],
    [{ name: 'x', last_activity_at: '2020-13-45' }, /last_activity_at/],
    [{ name: 'x', country_code: 'Colombia' }, /country_code/],
    [{ name: 'x', blocked: 'maybe' }, /blocked: "maybe" is not true or false/],
    [{ name: 'x'.repeat(256) }, /name: must be at most 255 characters/],
    [{ city: 'Lima' }, /a contact needs at least one of name, email, phone_number or identifier/],
  ])('when the row is %j, then it is rejected: %s', (values, reason) => {
    const parsed = parseImportRow(row(values), standard);
    expect(parsed.kind).toBe('rejected');
    if (parsed.kind === 'rejected') expect(parsed.errors.join('; ')).toMatch(reason);
  });

  it('when several fields are bad, then every reason is given', () => {
    const parsed = parseImportRow(row({ name: 'x', email: 'bad', phone_number: 'bad' }), standard);
    expect(parsed.kind === 'rejected' && parsed.errors).toEqual([expect.stringMatching(/^email/), expect.stringMatching(/^phone_number/)]);
  });

  it('when the row has more fields than the header, then it is rejected saying so unless the extra ones are empty; fewer, its missing trailing cells are empty', () => {
    const p = plan(['name', 'email']);
    expect(parseImportRow(['a', 'a@x.com', 'extra'], p)).toEqual({ kind: 'rejected', errors: ['the row has 3 fields, the header has 2'] });
    expect(parseImportRow(['a', 'a@x.com', '', 'extra'], p)).toEqual({ kind: 'rejected', errors: ['the row has 4 fields, the header has 2'] });
    // Extra cells left empty (a trailing comma) lose nothing: the row is read.
    expect(parseImportRow(['a', 'a@x.com', '', ' '], p)).toEqual(parseImportRow(['a', 'a@x.com'], p));
    expect(parseImportRow(['a'], p)).toEqual(parseImportRow(['a', ''], p));
    expect(parseImportRow(['a'], p)).toMatchObject({ kind: 'contact' });
  });

  it('when a cell is not valid UTF-8, then the row is rejected naming the column', () => {
    const parsed = parseImportRow(['a\uFFFD', new InvalidUtf8Cell('b\uFFFD')], plan(['name', 'city']));
    expect(parsed).toEqual({ kind: 'rejected', errors: ['city: the value is not valid UTF-8 (save the file as "CSV UTF-8": a file in Latin-1 or Windows-1252 gives this for each accented letter)'] });
  });

  it('when an unnamed column has a value, then the row is rejected; an empty one is fine', () => {
    const p = plan(['name', '']);
    expect(parseImportRow(['a', ''], p).kind).toBe('contact');
    expect(parseImportRow(['a', 'b'], p)).toEqual({ kind: 'rejected', errors: ['column 2 has a value but no name in the header'] });
  });

  it('when a cell was neutralised by an export, then the apostrophe is dropped', () => {
    const parsed = parseImportRow(["'+34612345678", "'=1+2"], plan(['phone_number', 'name']));
    expect(parsed).toMatchObject({ kind: 'contact', changes: { phone_number: '+34612345678', name: '=1+2' } });
    expect(unneutralise("'hello")).toBe("'hello");
    // A text that held an apostrophe before a formula character was exported with one more.
    expect(unneutralise("''=x")).toBe("'=x");
    expect(unneutralise("''+34612345678")).toBe("'+34612345678");
  });
});

describe('custom attribute values', () => {
  const definitions: DefinitionInfo[] = [
    { attribute_key: 'score', attribute_display_type: 'number' },
    { attribute_key: 'vip', attribute_display_type: 'checkbox' },
    { attribute_key: 'renewal', attribute_display_type: 'date' },
    { attribute_key: 'tier', attribute_display_type: 'list', attribute_values: ['Gold', 'Silver'] },
    { attribute_key: 'site', attribute_display_type: 'link' },
  ];
  const p = plan(['name', 'score', 'vip', 'renewal', 'tier', 'site', 'notes'], definitions);

  it('when a whole number is as large as a number keeps exactly, then it is taken', () => {
    expect(parseImportRow(['a', '9007199254740991', '', '', '', '', ''], p)).toMatchObject({ kind: 'contact', changes: { custom_attributes: { score: 9007199254740991 } } });
    expect(parseImportRow(['a', '-9007199254740991', '', '', '', '', ''], p)).toMatchObject({ kind: 'contact', changes: { custom_attributes: { score: -9007199254740991 } } });
  });

  // From a black-box round trip (2026-12-05): the API takes 1e16 for a number attribute and the
  // export writes it as digits, which the import refused, and the whole contact with it.
  it('when whole digits past 2^53 are a number a double holds, or how the export writes one, then they are taken; digits a double would change are not', () => {
    const score = (cell: string) => parseImportRow(['a', cell, '', '', '', '', ''], p);
    expect(score('10000000000000000')).toMatchObject({ kind: 'contact', changes: { custom_attributes: { score: 1e16 } } });
    expect(score('-9007199254740992')).toMatchObject({ kind: 'contact', changes: { custom_attributes: { score: -9007199254740992 } } });
    const nearest = Number('12345678901234567890');
    expect(score(String(nearest))).toMatchObject({ kind: 'contact', changes: { custom_attributes: { score: nearest } } });
    expect(score('9007199254740993')).toMatchObject({ kind: 'rejected', errors: [expect.stringMatching(/score: "9007199254740993" has more digits than a number attribute keeps exactly/)] });
    // With a fraction too: a double would change them as well.
    for (const cell of ['9007199254740993.0', '1.00000000000000001']) expect(score(cell)).toMatchObject({ kind: 'rejected' });
    for (const [cell, value] of [['1e+21', 1e21], ['0.1', 0.1], ['12.50', 12.5]] as const) expect(score(cell)).toMatchObject({ kind: 'contact', changes: { custom_attributes: { score: value } } });
  });

  it('when a checkbox cell is a spreadsheet\'s word or any text the API takes for a boolean (Rails\' casts), then it is that boolean; other text is rejected', () => {
    const vip = (cell: string) => {
      const parsed = parseImportRow(['a', '', cell, '', '', '', ''], p);
      return parsed.kind === 'contact' ? parsed.changes.custom_attributes?.vip : parsed.kind;
    };
    for (const cell of ['yes', 'Y', 'true', 'TRUE', '1', 'on', 't', ' On ']) expect([cell, vip(cell)]).toEqual([cell, true]);
    for (const cell of ['no', 'N', 'false', '0', 'off', 'F']) expect([cell, vip(cell)]).toEqual([cell, false]);
    expect(vip('maybe')).toBe('rejected');
  });

  it('when a link cell is no web address, then the row is rejected saying so', () => {
    const parsed = parseImportRow(['a', '', '', '', '', 'call me maybe', ''], p);
    expect(parsed).toMatchObject({ kind: 'rejected', errors: [expect.stringMatching(/^site: "call me maybe" is not a web address: a link takes a web address/)] });
  });

  it('when a date cell is a calendar date or an extended date-time with its zone, then it stays as written, as the API keeps it; another form or Unix seconds is the ISO instant it names', () => {
    const renewal = (cell: string) => {
      const parsed = parseImportRow(['a', '', '', cell, '', '', ''], p);
      return parsed.kind === 'contact' ? parsed.changes.custom_attributes?.renewal : parsed;
    };
    expect(renewal('2025-03-15')).toBe('2025-03-15');
    expect(renewal('20250315')).toBe('2025-03-15');
    expect(renewal('2025-03-15 10:00:00 UTC')).toBe('2025-03-15T10:00:00.000Z');
    // What the export writes of a value the API kept as sent: an export imported into another account holds the same text.
    expect(renewal('2025-03-15T10:00:00+02:00')).toBe('2025-03-15T10:00:00+02:00');
    expect(renewal('2026-03-03T10:20:30Z')).toBe('2026-03-03T10:20:30Z');
    expect(renewal('2026-03-03T10:20:30.250Z')).toBe('2026-03-03T10:20:30.250Z');
    expect(renewal('2026-03-03t10:20:30z')).toBe('2026-03-03t10:20:30z');
    expect(renewal('2026-03-03T10:20:30,5Z')).toBe('2026-03-03T10:20:30,5Z');
    expect(renewal('20250315T100000Z')).toBe('2025-03-15T10:00:00.000Z');
    expect(renewal('2025-03-15T10:00:00')).toBe('2025-03-15T10:00:00.000Z');
    expect(renewal('1742032800')).toBe('2025-03-15T10:00:00.000Z');
  });

  it('when values fit their definitions, then they are converted to the definition\'s type', () => {
    const parsed = parseImportRow(['a', '250', 'Yes', '2025-03-15', 'gold', 'https://x.test', 'free text'], p);
    expect(parsed).toMatchObject({
      kind: 'contact',
      changes: { custom_attributes: { score: 250, vip: true, renewal: '2025-03-15', tier: 'Gold', site: 'https://x.test', notes: 'free text' } },
    });
  });

  it.each([
    [['a', '12abc', '', '', '', '', ''], /score: "12abc" is not a number/],
    [['a', '12345678901234567890', '', '', '', '', ''], /score: "12345678901234567890" has more digits than a number attribute keeps exactly/],
    [['a', '', 'perhaps', '', '', '', ''], /vip: "perhaps" is not true or false/],
    [['a', '', '', 'soon', '', '', ''], /renewal: "soon" is not a date/],
    [['a', '', '', '', 'Bronze', '', ''], /tier: "Bronze" is not one of "Gold", "Silver"/],
    [['a', '', '', '', '', '', 'x'.repeat(10001)], /notes: the value is longer than 10000 characters/],
    [['a', '', '', '', '', 'javascript:alert(1)', ''], /site: "javascript:alert\(1\)" is not a web address: a javascript:, vbscript: or data: URL would run script/],
    [['a', '', '', '', '', ' data:text/html,x', ''], /site: .* is not a web address/],
  ])('when the row is %j, then it is rejected: %s', (cells, reason) => {
    const parsed = parseImportRow(cells, p);
    expect(parsed.kind === 'rejected' && parsed.errors.join('; ')).toMatch(reason);
  });
});

describe('a custom column named like an object\'s own machinery', () => {
  it('when a plan holds a column __proto__ (the header refuses it; made by hand here), then its value is not lost: the row is rejected naming it', () => {
    const byHand: ColumnPlan = {
      columns: [
        { kind: 'standard', field: 'name', header: 'name' },
        { kind: 'custom', key: '__proto__', type: 'text', values: [], header: '__proto__' },
      ],
      undefinedKeys: [],
    };
    const parsed = parseImportRow(['Ana', 'x'], byHand);
    expect(parsed.kind === 'rejected' && parsed.errors.join('; ')).toMatch(/__proto__/);
  });
});

describe('helpers', () => {
  it('when labels are split, then they are trimmed, lowercased and unique', () => {
    expect(splitLabels(' A, b ,,a ')).toEqual(['a', 'b']);
    expect(splitLabels('Que\u0301bec, qu\u00e9bec, \u0130zmir')).toEqual(['qu\u00e9bec', 'izmir']);
  });

  it('when labels are separated by | or ; (a Chatwoot sample file, a spreadsheet), then they are split there too', () => {
    expect(splitLabels('customer|vip')).toEqual(['customer', 'vip']);
    expect(splitLabels('prospect; newsletter,VIP | lead')).toEqual(['prospect', 'newsletter', 'vip', 'lead']);
  });

  it('when a key was seen on an earlier row, then claiming it again names it', () => {
    const seen = createSeenKeys();
    expect(seen.claim(identityKeys({ email: 'a@x.com', phone_number: '+1555' }))).toBeUndefined();
    expect(seen.claim(identityKeys({ identifier: 'i1', phone_number: '+1555' }))).toBe('phone_number +1555');
    expect(seen.claim(identityKeys({ identifier: 'i1' }))).toBe('identifier i1');
    expect(seen.claim(identityKeys({ email: 'b@x.com' }))).toBeUndefined();
  });
});

describe('seen keys at scale', () => {
  it('when 300,000 rows are claimed, then each later repeat is found and no fresh key is', () => {
    const seen = createSeenKeys();
    let falseRepeats = 0;
    for (let i = 0; i < 300_000; i++) if (seen.claim([`email ${i}@x.com`, `phone_number +1${i}`]) !== undefined) falseRepeats += 1;
    expect(falseRepeats).toBe(0);
    expect(seen.size).toBe(600_000);
    for (let i = 0; i < 300_000; i += 997) expect(seen.claim([`identifier new-${i}`, `email ${i}@x.com`])).toBe(`email ${i}@x.com`);
    for (let i = 0; i < 1_000; i++) expect(seen.claim([`email fresh-${i}@x.com`])).toBeUndefined();
  });
});
