import type { Contact } from '../../src/records/contact.model';
import { newContact } from '../../src/contacts/new-contact';
import { diffContact } from '../../src/import/diff-contact';
import { csvLine, neutraliseFormula, unneutralise } from '../../src/shared/csv';

const base: Contact = newContact(7, 1, { name: 'Ana', email: 'ana@x.com', custom_attributes: { score: 1 }, additional_attributes: { city: 'Lima' } }, ['vip'], new Date('2024-01-01T00:00:00Z'));

describe('what an import row changes on a contact', () => {
  it('when the row says what the contact already has, then nothing is written', () => {
    expect(diffContact(base, { name: 'Ana', email: 'ana@x.com', custom_attributes: { score: 1 }, created_at: new Date('2024-01-01T00:00:00Z') }, ['vip'])).toBeNull();
  });

  it('when values differ, then only those are set, an attribute hash merged whole with what it held, labels added', () => {
    const held = { ...base, custom_attributes: { score: 1, region: 'emea' } };
    expect(diffContact(held, { name: 'Ana', email: 'new@x.com', custom_attributes: { score: 2, plan: 'pro' }, additional_attributes: { city: 'Lima' } }, ['vip', 'lead'])).toEqual({
      email: 'new@x.com',
      custom_attributes: { score: 2, region: 'emea', plan: 'pro' },
      labels: ['vip', 'lead'],
    });
  });

  it('when the row gives a date the contact holds to the second, or a date attribute the same instant written another way, then nothing is written', () => {
    const held = { ...base, created_at: new Date('2024-01-01T00:00:00.700Z'), last_activity_at: new Date(-2208988799500), custom_attributes: { score: 1, renewal: '2025-03-15T23:30:00-03:00', due: 1742032800 } };
    const row = { created_at: new Date('2024-01-01T00:00:00Z'), last_activity_at: new Date(-2208988800000), custom_attributes: { renewal: '2025-03-16T02:30:00.000Z', due: '2025-03-15T10:00:00.000Z' } };
    expect(diffContact(held, row, [], ['renewal', 'due'])).toBeNull();
    // Another second, another instant: written. A text attribute compares as text.
    expect(diffContact(held, { ...row, created_at: new Date('2024-01-01T00:00:01Z') }, [], ['renewal', 'due'])).toEqual({ created_at: new Date('2024-01-01T00:00:01Z') });
    expect(diffContact(held, { custom_attributes: { renewal: '2025-03-16T02:30:00.001Z' } }, [], ['renewal'])).toEqual({ custom_attributes: { ...held.custom_attributes, renewal: '2025-03-16T02:30:00.001Z' } });
    expect(diffContact(held, { custom_attributes: { due: '2025-03-15T10:00:00.000Z' } }, [])).toEqual({ custom_attributes: { ...held.custom_attributes, due: '2025-03-15T10:00:00.000Z' } });
  });

  // Found by a black-box round trip: an unchanged export imported back rewrote 42 of 496 contacts.
  it('when a custom value held with spaces at its edges, or a number or checkbox held under a key since defined as text, is what the trimmed cell says, then nothing is written', () => {
    const held = { ...base, custom_attributes: { score: 1, note: ' hi ', tier: 5, vip: true } };
    expect(diffContact(held, { custom_attributes: { note: 'hi', tier: '5', vip: 'true' } }, [])).toBeNull();
    expect(diffContact(held, { custom_attributes: { note: 'hi there' } }, [])).toEqual({ custom_attributes: { ...held.custom_attributes, note: 'hi there' } });
    expect(diffContact(held, { custom_attributes: { tier: '6' } }, [])).toEqual({ custom_attributes: { ...held.custom_attributes, tier: '6' } });
  });

  it('when a new contact is built, then it holds its values at version 1 (its keys live in contact_keys)', () => {
    expect(base).toMatchObject({ _id: '7', email: 'ana@x.com', phone_number: null, identifier: null, version: 1, deleted: false, labels: ['vip'] });
    expect(base).not.toHaveProperty('email_key');
  });
});

describe('writing CSV', () => {
  it('when cells hold commas, quotes, newlines or formulas, then they are quoted and neutralised', () => {
    expect(csvLine(['a,b', 'say "hi"', 'x\ny', '=SUM(A1)', '+1+1', '-2-A1', '@x', 'plain', null, 3, true])).toBe(
      '"a,b","say ""hi""","x\ny",\'=SUM(A1),\'+1+1,\'-2-A1,\'@x,plain,,3,true\r\n',
    );
    // A plain signed number runs nothing (a spreadsheet reads a number): phones in E.164 stay as they are.
    expect(csvLine(['+34612345678', '-2', '+1.5', '+1e5', '-0x1'])).toBe("+34612345678,-2,+1.5,'+1e5,'-0x1\r\n");
    expect(neutraliseFormula('\tcmd')).toBe("'\tcmd");
    // After spaces or invisible characters too: a spreadsheet may trim them and run the rest.
    for (const text of [' =1+1', '  +1+1', '\u00a0=1+1', '\u200b=1+1', ' @x', '\u200e=1+1', '\u00ad@cmd', '\u2066-2+3\u2069', '\ufe0f+x', '\u3164=x']) expect(neutraliseFormula(text)).toBe(`'${text}`);
    expect(neutraliseFormula(' +34612345678')).toBe(' +34612345678');
  });

  it('when a text already starts with an apostrophe before a formula character, then it gets one more, so the import gives the text back', () => {
    // The import drops one apostrophe before = + - @ tab CR: without the extra one, "'=x" came back as "=x".
    expect(csvLine(["'=x", "''+1", "'+34612345678", "'hello", "'"])).toBe("''=x,'''+1,''+34612345678,'hello,'\r\n");
    for (const text of ["'=x", "''+1", "'+34612345678", '=x', '+34612345678', "'hello", '-', "'-", ' =1+1', "' =1+1", '\u200b=x']) {
      expect(unneutralise(neutraliseFormula(text))).toBe(text);
    }
  });
});
