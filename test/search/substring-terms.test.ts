import { MAX_SUFFIX_LENGTH, searchSuffixes, suffixPrefix } from '../../src/search/substring-terms';

const contains = (value: string, needle: string) => {
  const terms = searchSuffixes({ name: value });
  const prefix = suffixPrefix('name', needle);
  return prefix !== undefined && terms.some((t) => t.startsWith(prefix));
};

describe('substring terms', () => {
  it('when a value is indexed, then every substring of it is a prefix of one of its tagged suffixes, and nothing else is', () => {
    const value = 'jose perez';
    for (let i = 0; i < value.length; i++) for (let j = i + 1; j <= value.length; j++) expect(contains(value, value.slice(i, j))).toBe(true);
    for (const needle of ['jp', 'zj', 'perez ', 'e:jose', 'joseperez']) expect(contains(value, needle)).toBe(false);
  });

  it('when fields are tagged, then a substring of one field does not match another', () => {
    const terms = searchSuffixes({ name: 'ana', email: 'bob@x.io' });
    expect(terms.some((t) => t.startsWith(suffixPrefix('name', 'bob')!))).toBe(false);
    expect(terms.some((t) => t.startsWith(suffixPrefix('email', 'bob')!))).toBe(true);
  });

  it('when a value is long, then substrings starting late are still found and suffixes are cut', () => {
    const value = `${'a'.repeat(200)}needle${'b'.repeat(40)}`;
    expect(contains(value, 'needle')).toBe(true);
    expect(Math.max(...searchSuffixes({ name: value }).map((t) => t.length))).toBe(MAX_SUFFIX_LENGTH + 2);
    expect(suffixPrefix('name', 'x'.repeat(MAX_SUFFIX_LENGTH + 1))).toBeUndefined();
  });

  it('when a value holds characters outside the BMP, then suffixes start at characters, not halves of them', () => {
    const terms = searchSuffixes({ name: 'a😀b名' });
    expect(terms.sort()).toEqual(['n:a😀b名', 'n:b名', 'n:名', 'n:😀b名'].sort());
    expect(contains('a😀b名', '😀b')).toBe(true);
  });
});
