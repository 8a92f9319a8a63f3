import { exportColumns } from '../../src/export/contact-export.service';
import type { ContactPayload } from '../../src/records/contact.presenter';
import { ValidationError } from '../../src/shared/errors';

const refusal = (requested: string[], keys: string[] = []): string => {
  try {
    exportColumns(requested, keys);
  } catch (err) {
    if (err instanceof ValidationError) return err.message;
    throw err;
  }
  throw new Error('accepted');
};

describe('export columns', () => {
  // `STANDARD[name]` once found Object.prototype's members: a "constructor" column wrote "function Object() …".
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('when a column is named %s, then it is a custom attribute of that key, empty here', (name) => {
    const { names, read } = exportColumns(['name', name], [name]);
    expect(names).toEqual(['name', name]);
    const contact = { name: 'Ana', custom_attributes: {} } as unknown as ContactPayload;
    expect(read.map((r) => r(contact))).toEqual(['Ana', undefined]);
  });

  it('when no columns are asked for, then the default ones are exported', () => {
    expect(exportColumns(undefined, []).names).toEqual(['id', 'name', 'email', 'phone_number', 'identifier', 'labels']);
  });

  it('when names differ in case from a standard column or a definition, then the column takes the canonical name, as the import matches headers', () => {
    expect(exportColumns(['EMAIL', 'Score', 'Phone_Number'], ['score']).names).toEqual(['email', 'score', 'phone_number']);
  });

  // From a black-box read (2026-12-05): writes keep " region" as sent, and the export trimmed the
  // name to "region" and called it unknown while listing " region" among the keys.
  it('when a key has spaces at an end, then the name as the key is picks it; other names are still trimmed', () => {
    expect(exportColumns([' region', 'trail ', ' name '], [' region', 'trail ']).names).toEqual([' region', 'trail ', 'name']);
  });

  it('when two definitions differ only in case, then an exact name picks its own', () => {
    expect(exportColumns(['Plan', 'plan'], ['plan', 'Plan']).names).toEqual(['Plan', 'plan']);
  });

  it('when a name repeats, in any case, then it is exported once, where it first appears', () => {
    expect(exportColumns(['name', 'email', 'NAME', ' name ', 'score', 'SCORE'], ['score']).names).toEqual(['name', 'email', 'score']);
  });

  it.each([
    [['nonexistent_attr'], [], /unknown column "nonexistent_attr"; the accepted columns are the standard ones \(id, name, .*custom_attributes\); the account has no custom attribute definitions/],
    [['name', 'x', 'Y', 'x'], ['score', 'plan'], /unknown columns "x", "Y"; .* and the account's custom attribute keys: score, plan$/],
    [['a.b'], [], /unknown column "a.b"/],
  ])('when the columns are %j and the account defines %j, then they are refused naming what is unknown and what is accepted', (requested, keys, message) => {
    expect(refusal(requested, keys)).toMatch(message);
  });

  it('when only blank names are given, then they are refused', () => {
    expect(refusal([' ', ''])).toMatch(/at least one column/);
  });
});
