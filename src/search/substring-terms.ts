// Substring matching without a scan. Lucene finds terms by prefix through its term dictionary,
// but a leading wildcard (`*acme*`) must walk every term of the field, for every account in the
// index. A substring of a value is a prefix of one of its suffixes, so the search document holds
// every suffix of the fields with many distinct values (name, email, phone, identifier), tagged by
// field ("n:" name, "e:" email …) in one keyword field, and `contains` becomes a prefix query on
// "<tag><value>": exact, and as cheap as a prefix. Fields with few distinct values (city, company)
// keep the wildcard: their term dictionaries are small. Measured at 100,000 contacts, the suffixes
// make the index about 4 times larger (87 MB instead of 23 MB): see the README (Filters).

export const SUFFIX_TAGS = {
  name: 'n:',
  email: 'e:',
  phone_number: 'p:',
  identifier: 'i:',
} as const;

export type SuffixField = keyof typeof SUFFIX_TAGS;

/**
 * Suffixes start anywhere in the first MAX_SUFFIX_STARTS characters of the folded value. Folding
 * can make a value longer (`ß` is `ss`, `ﷺ` 18 characters), so this is four times a standard
 * field's 255 characters: at 256, the last word of a 40-character name of such characters was
 * found by no search, and `does_not_contain` kept it. Only a value made mostly of such characters
 * folds longer; the cap keeps one from adding more than this many terms per field to the index.
 */
export const MAX_SUFFIX_STARTS = 1024;
/** Suffixes are cut at this length: a longer needle falls back to a wildcard query. */
export const MAX_SUFFIX_LENGTH = 32;

export function searchSuffixes(values: Partial<Record<SuffixField, string>>): string[] {
  const out = new Set<string>();
  for (const [field, value] of Object.entries(values) as [SuffixField, string | undefined][]) {
    if (!value) continue;
    const chars = [...value];
    // Most values have no character outside the BMP: then a string slice is the same suffix,
    // without building an array per suffix (this runs for every contact the import indexes).
    const simple = chars.length === value.length;
    for (let i = 0; i < Math.min(chars.length, MAX_SUFFIX_STARTS); i++) {
      out.add(SUFFIX_TAGS[field] + (simple ? value.slice(i, i + MAX_SUFFIX_LENGTH) : chars.slice(i, i + MAX_SUFFIX_LENGTH).join('')));
    }
  }
  return [...out];
}

/** The term a substring query on the field looks for by prefix; undefined when the needle is too long. */
export function suffixPrefix(field: SuffixField, needle: string): string | undefined {
  return [...needle].length <= MAX_SUFFIX_LENGTH ? SUFFIX_TAGS[field] + needle : undefined;
}

export const isSuffixField = (field: string): field is SuffixField => Object.prototype.hasOwnProperty.call(SUFFIX_TAGS, field);
