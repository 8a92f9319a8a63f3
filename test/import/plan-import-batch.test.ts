import type { ContactChanges } from '../../src/contacts/contact-changes';
import { newContact } from '../../src/contacts/new-contact';
import { planImportColumns } from '../../src/import/import-columns';
import { InvalidUtf8Cell, parseImportRow, type Cell } from '../../src/import/parse-import-row';
import { planImportBatch, type ImportBatchInput } from '../../src/import/plan-import-batch';
import { createMatchedContacts } from '../../src/import/matched-contacts';
import { createSeenKeys } from '../../src/import/seen-keys';

const HEADER = ['name', 'email', 'phone_number', 'identifier', 'labels', 'city'];
const COLUMNS = (() => {
  const result = planImportColumns(HEADER, []);
  if (!result.ok) throw new Error(result.error);
  return result.plan;
})();

/** Rows numbered from `first`, each a comma-separated line of the HEADER's columns (no quoting needed here). */
function rows(lines: (string | Cell[])[], first = 1) {
  return lines.map((line, i) => {
    const cells = typeof line === 'string' ? line.split(',') : line;
    return { row: first + i, cells, parsed: parseImportRow(cells, COLUMNS) };
  });
}

const contact = (id: number, changes: ContactChanges, labels: string[] = []) => newContact(id, 1, changes, labels, new Date('2024-01-01T00:00:00Z'));

function plan(lines: (string | Cell[])[], input: Partial<Omit<ImportBatchInput, 'rows'>> = {}) {
  return planImportBatch({
    rows: rows(lines),
    seen: createSeenKeys(),
    matched: createMatchedContacts(),
    knownLabels: new Set(['vip', 'lead']),
    createLabels: false,
    existing: [],
    reserved: new Map(),
    ...input,
  });
}

const reasonsOf = (result: ReturnType<typeof plan>) => result.rejections.map((r) => `row ${r.row}: ${r.reasons.join(' | ')}`);

describe('planning an import batch: each row on its own', () => {
  it('when rows are new and valid, then each creates a contact with its changes and labels', () => {
    const result = plan(['Ana,ana@x.com,,,vip,Lima', 'Luis,,+34 612 345 678,,,']);
    expect(result.creates).toEqual([
      { row: 1, cells: ['Ana', 'ana@x.com', '', '', 'vip', 'Lima'], changes: expect.objectContaining({ name: 'Ana', email: 'ana@x.com', additional_attributes: { city: 'Lima' } }), labels: ['vip'] },
      { row: 2, cells: ['Luis', '', '+34 612 345 678', '', '', ''], changes: expect.objectContaining({ name: 'Luis', phone_number: '+34612345678' }), labels: [] },
    ]);
    expect(result).toMatchObject({ rowsRead: 2, updates: [], unchanged: [], createdEarlier: [], rejections: [] });
  });

  it('when a row is empty, then it is neither read nor rejected', () => {
    const result = plan([',,,,,', 'Ana,,,,,', '  ,,,,, ']);
    expect(result.rowsRead).toBe(1);
    expect(result.creates.map((c) => c.row)).toEqual([2]);
    expect(result.rejections).toEqual([]);
  });

  it('when rows carry invalid values, then each is rejected with every reason, read as it was', () => {
    const result = plan(['Ana,bad-email,12ab,,,', 'Luis,luis@x.com,,,,,extra', ',,,,,Lima', [new InvalidUtf8Cell('B\uFFFDo'), 'bo@x.com', '', '', '', '']]);
    expect(result.rowsRead).toBe(4);
    expect(result.creates).toEqual([]);
    expect(result.rejections).toEqual([
      {
        row: 1,
        cells: ['Ana', 'bad-email', '12ab', '', '', ''],
        reasons: ['email: "bad-email" is not a valid email address (it has no @)', 'phone_number: "12ab" is not a valid phone number (E.164: + then 2 to 15 digits, the first not 0)'],
      },
      { row: 2, cells: ['Luis', 'luis@x.com', '', '', '', '', 'extra'], reasons: ['the row has 7 fields, the header has 6'] },
      { row: 3, cells: ['', '', '', '', '', 'Lima'], reasons: ['a contact needs at least one of name, email, phone_number or identifier'] },
      { row: 4, cells: ['B\uFFFDo', 'bo@x.com', '', '', '', ''], reasons: ['name: the value is not valid UTF-8 (save the file as "CSV UTF-8": a file in Latin-1 or Windows-1252 gives this for each accented letter)'] },
    ]);
  });

  it('when an invalid row shares a key with a later row, then the later row is not a duplicate (invalid rows claim nothing)', () => {
    const result = plan(['Ana,ana@x.com,12ab,,,', 'Ana,ana@x.com,,,,']);
    expect(result.creates.map((c) => c.row)).toEqual([2]);
  });
});

describe('planning an import batch: rows for the same person in the file', () => {
  it('when two rows have the same email, then the second is rejected as a duplicate in the file', () => {
    const result = plan(['Ana,ana@x.com,,,,', 'Ana again,ANA@x.com,,,,']);
    expect(result.creates.map((c) => c.row)).toEqual([1]);
    expect(reasonsOf(result)).toEqual(['row 2: a second row for the same person: an earlier row of the file has the same email ana@x.com']);
    expect(result.rowsRead).toBe(2);
  });

  it('when a row repeats several keys of earlier rows, then the reason names the first by identifier, email, phone', () => {
    const result = plan(['A,a@x.com,+15550100,,,', 'B,,,crm-1,,', 'C,a@x.com,+15550100,crm-1,,']);
    expect(reasonsOf(result)).toEqual(['row 3: a second row for the same person: an earlier row of the file has the same identifier crm-1']);
  });

  it('when an earlier batch had the key, then the row is still a duplicate (seen is the file\'s memory)', () => {
    const seen = createSeenKeys();
    plan(['Ana,ana@x.com,,,,'], { seen });
    const result = plan(['Other,,,crm-2,,', 'Ana,ana@x.com,,,,'], { seen });
    expect(result.creates.map((c) => c.row)).toEqual([1]);
    expect(reasonsOf(result)).toEqual(['row 2: a second row for the same person: an earlier row of the file has the same email ana@x.com']);
  });

  it('when a duplicate row brings a new key too, then that key is remembered and a later row with it is a duplicate', () => {
    const result = plan(['A,a@x.com,,,,', 'B,a@x.com,+15550100,,,', 'C,c@x.com,+15550100,,,']);
    expect(result.creates.map((c) => c.row)).toEqual([1]);
    expect(reasonsOf(result)).toEqual([
      'row 2: a second row for the same person: an earlier row of the file has the same email a@x.com',
      'row 3: a second row for the same person: an earlier row of the file has the same phone_number +15550100',
    ]);
  });

  it('when phone numbers are written differently, then they are the same number', () => {
    const result = plan(['A,,+1 555 0100,,,', 'B,,+1-555-0100,,,']);
    expect(reasonsOf(result)).toEqual(['row 2: a second row for the same person: an earlier row of the file has the same phone_number +15550100']);
  });
});

describe('planning an import batch: labels', () => {
  // The spec: "A bad row (invalid email or phone, duplicate in the file, unknown label) is rejected with its reason".
  it('when a row names a label the account does not have, then the row is rejected naming it, and no label is to be created', () => {
    const result = plan(['A,a@x.com,,,VIP,', 'B,b@x.com,,,nope,', ['C', 'c@x.com', '', '', 'lead, other, vip', ''], 'D,d@x.com,,,,'], { knownLabels: new Set(['vip']) });
    expect(result.creates.map((c) => [c.row, c.labels])).toEqual([
      [1, ['vip']],
      [4, []],
    ]);
    expect(reasonsOf(result)).toEqual([
      'row 2: labels: the account has no label "nope"; create it first, or import with create_labels=true',
      'row 3: labels: the account has no label "lead", "other"; create it first, or import with create_labels=true',
    ]);
    expect(result.writtenLabels).toEqual(['vip']);
  });

  it('when a row rejected for an unknown label shares a key with a later row, then the later row is not a second row (the rejected row claims no one)', () => {
    const result = plan(['A,a@x.com,,,nope,', 'A again,a@x.com,,,vip,'], { knownLabels: new Set(['vip']) });
    expect(reasonsOf(result)).toEqual(['row 1: labels: the account has no label "nope"; create it first, or import with create_labels=true']);
    expect(result.creates.map((c) => [c.row, c.changes.name])).toEqual([[2, 'A again']]);
  });

  // A row listed for its email alone was rejected again for its label once the email was fixed.
  it('when a row rejected for its own values also names a label the account lacks, then the label is among its reasons', () => {
    const result = plan(['B,bad-email,,,nope,', 'C,c@x.com,bad-phone,,vip,'], { knownLabels: new Set(['vip']) });
    expect(reasonsOf(result)).toEqual([
      'row 1: email: "bad-email" is not a valid email address (it has no @) | labels: the account has no label "nope"; create it first, or import with create_labels=true',
      expect.stringMatching(/^row 2: phone_number: [^|]*$/),
    ]);
  });

  it('when a row for a person already in the file names an unknown label, then it is rejected for the label', () => {
    const result = plan(['A,a@x.com,,,,', 'A again,a@x.com,,,nope,'], { knownLabels: new Set(['vip']) });
    expect(reasonsOf(result)).toEqual(['row 2: labels: the account has no label "nope"; create it first, or import with create_labels=true']);
    expect(result.creates.map((c) => c.row)).toEqual([1]);
  });

  // From a black-box read: the bad title alone was named, so the row fixed for it was rejected again for the other.
  it('when a label cannot be a label title and another is one the account lacks, then the row names both', () => {
    const result = plan([['A', 'a@x.com', '', '', 'nolab, x y', '']], { knownLabels: new Set(['vip']) });
    expect(reasonsOf(result)).toEqual([
      'row 1: labels: label "x y" may hold only letters, digits, "-" and "_" | labels: the account has no label "nolab"; create it first, or import with create_labels=true',
    ]);
  });
});

describe('planning an import batch: labels with create_labels', () => {
  // Issue 15: on request, an import creates the labels the account lacks, as POST /contacts/{id}/labels does.
  const planCreating = (lines: Parameters<typeof plan>[0], input: Parameters<typeof plan>[1] = {}) => plan(lines, { createLabels: true, ...input });

  it('when a row names a label the account does not have, then the row is planned and the label is among those made sure of before the write, with the known ones', () => {
    const result = planCreating(['A,a@x.com,,,VIP,', 'B,b@x.com,,,nope,', 'C,c@x.com,,,lead,', 'D,d@x.com,,,,'], { knownLabels: new Set(['vip']) });
    expect(result.creates.map((c) => [c.row, c.labels])).toEqual([
      [1, ['vip']],
      [2, ['nope']],
      [3, ['lead']],
      [4, []],
    ]);
    expect(result.rejections).toEqual([]);
    expect(result.writtenLabels).toEqual(['vip', 'nope', 'lead']);
  });

  it('when rows name several labels, some twice, then each is made sure of once', () => {
    const result = planCreating([['A', 'a@x.com', '', '', 'vip, x, y', ''], ['B', 'b@x.com', '', '', 'y,x', '']], { knownLabels: new Set(['vip']) });
    expect(result.writtenLabels).toEqual(['vip', 'x', 'y']);
  });

  it('when a row that updates a contact names an unknown label, then the label is made sure of too', () => {
    const existing = [contact(40, { name: 'Known', email: 'k@x.com' })];
    const result = planCreating(['Known,k@x.com,,,fresh,'], { knownLabels: new Set(), existing });
    expect(result.updates.map((u) => u.set)).toEqual([{ labels: ['fresh'] }]);
    expect(result.writtenLabels).toEqual(['fresh']);
  });

  it('when a row naming an unknown label is rejected for another reason, then its label is not made, and its keys still count for later rows', () => {
    const result = planCreating(['A,a@x.com,,,nope,', 'B,bad-email,,,other,', 'A2,a@x.com,,,third,'], { knownLabels: new Set() });
    expect(result.creates.map((c) => c.row)).toEqual([1]);
    expect(reasonsOf(result)).toEqual([
      'row 2: email: "bad-email" is not a valid email address (it has no @)',
      'row 3: a second row for the same person: an earlier row of the file has the same email a@x.com',
    ]);
    expect(result.writtenLabels).toEqual(['nope']);
  });

  it('when a label cannot be a label title, then the row is rejected naming it', () => {
    const result = planCreating([['A', 'a@x.com', '', '', 'vip, no pe!', '']], { knownLabels: new Set(['vip']) });
    expect(reasonsOf(result)).toEqual(['row 1: labels: label "no pe!" may hold only letters, digits, "-" and "_"']);
    expect(result.writtenLabels).toEqual([]);
  });
});

describe('planning an import batch: matching existing contacts', () => {
  const byId = contact(10, { name: 'By Id', identifier: 'crm-1', email: 'id@x.com' });
  const byEmail = contact(20, { name: 'By Email', email: 'mail@x.com' });
  const byPhone = contact(30, { name: 'By Phone', phone_number: '+15550100' });
  const existing = [byId, byEmail, byPhone];

  it.each([
    ['identifier', 'New,,,crm-1,,', 10],
    ['email', 'New,MAIL@x.com,,,,', 20],
    ['phone_number', 'New,,+1 555 0100,,,', 30],
  ])('when a row has the %s of a contact, then it updates that contact', (_key, line, id) => {
    const result = plan([line], { existing });
    expect(result.creates).toEqual([]);
    expect(result.updates).toEqual([{ item: expect.objectContaining({ row: 1 }), id, contact: expect.objectContaining({ _id: expect.any(String) }), set: { name: 'New' }, createdEarlier: false }]);
  });

  it('when a row has the identifier of one contact and an email of none, then it matches by identifier and takes the email', () => {
    const result = plan(['By Id,new@x.com,,crm-1,,'], { existing });
    expect(result.updates).toEqual([{ item: expect.anything(), id: 10, contact: expect.objectContaining({ _id: expect.any(String) }), set: { email: 'new@x.com' }, createdEarlier: false }]);
  });

  it('when a row matches nobody, then it creates a contact even though others exist', () => {
    const result = plan(['Someone,someone@x.com,+15550199,crm-9,,'], { existing });
    expect(result.creates.map((c) => c.row)).toEqual([1]);
    expect(result.updates).toEqual([]);
  });

  it('when a row has the identifier of one contact and the email of another, then it is rejected: identifier decides the match', () => {
    const result = plan(['X,mail@x.com,,crm-1,,'], { existing });
    expect(reasonsOf(result)).toEqual(['row 1: email "mail@x.com" already belongs to contact 20, not to contact 10 that the row matches']);
    expect(result).toMatchObject({ creates: [], updates: [], unchanged: [] });
  });

  it('when a row has the email of one contact and the phone of another, then it matches by email and names the phone', () => {
    const result = plan(['X,mail@x.com,+15550100,,,'], { existing });
    expect(reasonsOf(result)).toEqual(['row 1: phone_number "+15550100" already belongs to contact 30, not to contact 20 that the row matches']);
  });

  it('when a row\'s three keys belong to three contacts, then both conflicts are named', () => {
    const result = plan(['X,mail@x.com,+15550100,crm-1,,'], { existing });
    expect(reasonsOf(result)).toEqual([
      'row 1: email "mail@x.com" already belongs to contact 20, not to contact 10 that the row matches | phone_number "+15550100" already belongs to contact 30, not to contact 10 that the row matches',
    ]);
  });

  it('when a row rejected for keys of two contacts shares a key with a later row, then the later row is no second row: it updates its contact', () => {
    // The first row writes no one, so it claims no one (a later row for contact 20 was rejected as its duplicate).
    const result = plan(['By Id,mail@x.com,,crm-1,,', 'Renamed,MAIL@x.com,,,,'], { existing });
    expect(reasonsOf(result)).toEqual(['row 1: email "mail@x.com" already belongs to contact 20, not to contact 10 that the row matches']);
    expect(result.rejections[0].unclaimed).toBe(true);
    expect(result.updates.map((u) => [u.item.row, u.id, u.set])).toEqual([[2, 20, { name: 'Renamed' }]]);
  });

  it('when two rows with different keys match the same contact, then the second is rejected naming the first', () => {
    const both = contact(40, { email: 'both@x.com', phone_number: '+15550140' });
    const result = plan(['First,both@x.com,,,,', 'Second,,+15550140,,,'], { existing: [both] });
    expect(result.updates.map((u) => [u.item.row, u.id])).toEqual([[1, 40]]);
    expect(reasonsOf(result)).toEqual(['row 2: a second row for the same person: row 1 also matches contact 40']);
  });

  it('when a row says what the contact already has, then it is unchanged and nothing is planned', () => {
    const ana = contact(50, { name: 'Ana', email: 'ana@x.com', additional_attributes: { city: 'Lima' } }, ['vip']);
    const result = plan(['Ana,ana@x.com,,,vip,Lima', ',,,crm-1,,'], { existing: [ana, byId] });
    // Row 2's empty cells leave the contact's values as they are.
    expect(result.unchanged).toEqual([1, 2]);
    expect(result).toMatchObject({ creates: [], updates: [], rejections: [] });
  });

  it('when a row adds a label and an attribute, then only those are set and the labels keep the contact\'s', () => {
    const ana = contact(50, { name: 'Ana', email: 'ana@x.com', additional_attributes: { country: 'Peru' } }, ['lead']);
    const result = plan(['Ana,ana@x.com,,,vip,Lima'], { existing: [ana] });
    expect(result.updates).toEqual([{ item: expect.anything(), id: 50, contact: expect.objectContaining({ _id: expect.any(String) }), set: { additional_attributes: { country: 'Peru', city: 'Lima' }, labels: ['lead', 'vip'] }, createdEarlier: false }]);
  });

  it('when a conflicting or repeated row is rejected, then the rejections follow the earlier ones', () => {
    // Row 3's label cannot be a label title: rejected on its own, before the matching that rejects row 2.
    const result = plan(['Bad,bad-email,,,,', 'X,mail@x.com,,crm-1,,', 'Y,,,,n@pe,'], { existing, knownLabels: new Set() });
    expect(result.rejections.map((r) => r.row)).toEqual([1, 3, 2]);
  });
});

describe('planning an import batch: what earlier batches of the file matched', () => {
  // Batch 2 is matched against contacts read while batch 1 may still be written: either as they
  // were (stale) or as batch 1 left them (fresh). Both must give the same answer.
  const zoe = contact(5, { name: 'Zoe', email: 'zoe@x.com', identifier: 'crm-zoe' });
  const zoeAfterRow1 = contact(5, { name: 'Zoe', email: 'zoe.new@x.com', identifier: 'crm-zoe' });
  const laterBatch = (lines: string[], existing: ReturnType<typeof contact>[], shared: Pick<ImportBatchInput, 'seen' | 'matched'>) =>
    planImportBatch({ rows: rows(lines, 1202), knownLabels: new Set(), createLabels: false, existing, reserved: new Map(), ...shared });

  it.each([
    ['read before batch 1 was written', [zoe]],
    ['read after', []],
  ])('when a later batch gives another person the email an earlier row took off a contact (%s), then it is rejected saying so, never a takeover', (_when, existing) => {
    const shared = { seen: createSeenKeys(), matched: createMatchedContacts() };
    const first = plan(['Zoe,zoe.new@x.com,,crm-zoe,,'], { ...shared, existing: [zoe] });
    expect(first.updates.map((u) => u.id)).toEqual([5]);
    const later = laterBatch(['Another,zoe@x.com,,crm-other,,'], existing, shared);
    expect(later.updates).toEqual([]);
    expect(later.creates).toEqual([]);
    expect(reasonsOf(later)).toEqual([
      'row 1202: email "zoe@x.com" was contact 5\'s until row 1 of the file changed that contact; one file cannot give it to another row (import this row again afterwards)',
    ]);
  });

  it('when a later batch reaches a contact an earlier row matched by another of its keys, then it is a second row for it', () => {
    const shared = { seen: createSeenKeys(), matched: createMatchedContacts() };
    plan(['Row one,,,crm-zoe,,Cusco'], { ...shared, existing: [zoe] });
    const later = laterBatch(['Last row,zoe@x.com,,,,Arequipa'], [zoe], shared);
    expect(reasonsOf(later)).toEqual(['row 1202: a second row for the same person: row 1 also matches contact 5']);
  });

  it.each([
    ['read before batch 1 was written', [zoe]],
    ['read after', [zoeAfterRow1]],
  ])('when a later batch gives another contact a key an earlier row took off its contact (%s), then the reason says so', (_when, existingZoe) => {
    const shared = { seen: createSeenKeys(), matched: createMatchedContacts() };
    plan(['Zoe,zoe.new@x.com,,crm-zoe,,'], { ...shared, existing: [zoe] });
    const bob = contact(6, { name: 'Bob', identifier: 'crm-bob' });
    const later = laterBatch(['Bob,zoe@x.com,,crm-bob,,'], [...existingZoe, bob], shared);
    expect(reasonsOf(later)).toEqual([
      'row 1202: email "zoe@x.com" is contact 5\'s, or was until row 1 of the file changed that contact; one file cannot move it to contact 6, which the row matches',
    ]);
  });
});

describe('planning an import batch: custom values their definition refuses', () => {
  // Live audit: a row rejected for a bad custom value claimed its email, so the correct row for the
  // same person after it was rejected as a second row, and no contact was made.
  const CUSTOM = (() => {
    const result = planImportColumns(['name', 'email', 'phone_number', 'identifier', 'c_number', 'c_date', 'tier'], [
      { attribute_key: 'c_number', attribute_display_type: 'number' },
      { attribute_key: 'c_date', attribute_display_type: 'date' },
      { attribute_key: 'tier', attribute_display_type: 'list', attribute_values: ['a', 'c'] },
    ]);
    if (!result.ok) throw new Error(result.error);
    return result.plan;
  })();
  const planCustom = (lines: string[][], input: Partial<Omit<ImportBatchInput, 'rows'>> = {}) =>
    planImportBatch({
      rows: lines.map((cells, i) => ({ row: i + 1, cells, parsed: parseImportRow(cells, CUSTOM) })),
      seen: createSeenKeys(),
      matched: createMatchedContacts(),
      knownLabels: new Set(),
      createLabels: false,
      existing: [],
      reserved: new Map(),
      ...input,
    });

  it.each([
    ['a word in a number column', 'email', ['First', 'dupe@r.io', '', '', 'notanumber', '', ''], ['Second', 'dupe@r.io', '', '', '5', '1700000000', ''], 'c_number: "notanumber" is not a number'],
    ['a decimal comma in a number column', 'phone', ['First', '', '+1 555 0100', '', '1,5', '', ''], ['Second', '', '+15550100', '', '5', '', ''], 'c_number: "1,5" is not a number'],
    ['a bad date', 'identifier', ['First', '', '', 'crm-1', '', 'someday', ''], ['Second', '', '', 'crm-1', '', '2025-03-15', ''], 'c_date: "someday" is not a date (ISO 8601 or Unix seconds)'],
    ['a value not in the list', 'email', ['First', 'dupe@r.io', '', '', '', '', 'b'], ['Second', 'dupe@r.io', '', '', '', '', 'a'], 'tier: "b" is not one of "a", "c"'],
  ])('when a row is rejected for %s, then a later row with its %s is not a second row and creates the contact', (_what, _key, first, second, reason) => {
    const result = planCustom([first, second]);
    expect(result.rejections.map((r) => `row ${r.row}: ${r.reasons.join(' | ')}`)).toEqual([`row 1: ${reason}`]);
    expect(result.creates.map((c) => [c.row, c.changes.name])).toEqual([[2, 'Second']]);
  });

  it('when the refused row matches a contact that does not hold the value, then it is rejected and the later row for that contact updates it', () => {
    const held = contact(80, { name: 'Held', email: 'held@x.com', custom_attributes: { tier: 'a' } });
    const result = planCustom([['First', 'held@x.com', '', '', '', '', 'b'], ['Second', 'held@x.com', '', '', '', '', 'c']], { existing: [held] });
    expect(result.rejections.map((r) => [r.row, r.reasons])).toEqual([[1, ['tier: "b" is not one of "a", "c"']]]);
    expect(result.updates.map((u) => [u.item.row, u.id, u.set])).toEqual([[2, 80, { name: 'Second', custom_attributes: { tier: 'c' } }]]);
  });

  it('when the refused value is what the matched contact holds, then the row goes in and claims its person: a later row for them is a second row', () => {
    const held = contact(80, { name: 'Held', email: 'held@x.com', custom_attributes: { tier: 'b' } });
    const result = planCustom([['Renamed', 'held@x.com', '', '', '', '', 'b'], ['Again', 'held@x.com', '', '', '', '', 'a']], { existing: [held] });
    expect(result.updates.map((u) => [u.item.row, u.id, u.set])).toEqual([[1, 80, { name: 'Renamed' }]]);
    expect(result.rejections.map((r) => [r.row, r.reasons])).toEqual([[2, ['a second row for the same person: an earlier row of the file has the same email held@x.com']]]);
  });

  it('when a row has two refused values and its contact holds one of them, then it is rejected naming only the other', () => {
    const held = contact(80, { name: 'Held', email: 'held@x.com', custom_attributes: { tier: 'b' } });
    const result = planCustom([['Held', 'held@x.com', '', '', 'x', '', 'b']], { existing: [held] });
    expect(result.rejections.map((r) => [r.row, r.reasons])).toEqual([[1, ['c_number: "x" is not a number']]]);
  });

  it('when a row with a held refused value repeats an earlier row, then both reasons are given, the value first', () => {
    const held = contact(80, { name: 'Held', email: 'held@x.com', custom_attributes: { tier: 'b' } });
    const result = planCustom([['One', 'held@x.com', '', '', '', '', ''], ['Two', 'held@x.com', '', '', '', '', 'b']], { existing: [held] });
    expect(result.rejections.map((r) => [r.row, r.reasons])).toEqual([[2, ['tier: "b" is not one of "a", "c"', 'a second row for the same person: an earlier row of the file has the same email held@x.com']]]);
  });
});

describe('planning an import batch: a batch written again after a crash', () => {
  it('when a row matches the contact the first attempt created for it, then it counts as created, not unchanged', () => {
    const created = contact(60, { name: 'Ana', email: 'ana@x.com' });
    const result = plan(['Ana,ana@x.com,,,,'], { existing: [created], reserved: new Map([[1, 60]]) });
    expect(result).toMatchObject({ createdEarlier: [1], unchanged: [], updates: [], creates: [] });
    // The attempt may have died before indexing it.
    expect(result.reindex).toEqual([created]);
  });

  it('when that contact was changed since, then the row updates it and still counts as created', () => {
    const created = contact(60, { name: 'Someone else', email: 'ana@x.com' });
    const result = plan(['Ana,ana@x.com,,,,'], { existing: [created], reserved: new Map([[1, 60]]) });
    expect(result.createdEarlier).toEqual([1]);
    expect(result.updates).toEqual([{ item: expect.anything(), id: 60, contact: expect.objectContaining({ _id: expect.any(String) }), set: { name: 'Ana' }, createdEarlier: true }]);
  });

  it('when the row had a reserved id but matches another contact, then it is an ordinary match', () => {
    const other = contact(70, { name: 'Ana', email: 'ana@x.com' });
    const result = plan(['Ana,ana@x.com,,,,'], { existing: [other], reserved: new Map([[1, 61]]) });
    expect(result).toMatchObject({ createdEarlier: [], unchanged: [1], reindex: [] });
  });

  it('when the account had no contacts to match, then reserved rows are planned as creates (the writer finds them)', () => {
    const result = plan(['Ana,ana@x.com,,,,'], { reserved: new Map([[1, 60]]) });
    expect(result.creates.map((c) => c.row)).toEqual([1]);
    expect(result.createdEarlier).toEqual([]);
  });
});
