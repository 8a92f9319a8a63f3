import type { estypes } from '@elastic/elasticsearch';
import { foldForIndex } from '../custom-attributes/custom-attribute-fields';
import { MAX_SUFFIX_LENGTH, suffixPrefix, type SuffixField } from '../search/substring-terms';
import { ValidationError } from '../shared/errors';

const PHONE_LIKE = /^[+\d\s\-.()]+$/;
const FIELDS: SuffixField[] = ['name', 'email', 'phone_number', 'identifier'];

/**
 * `GET /contacts/search?q=`: a substring of name, email, phone or identifier, ignoring case and
 * accents: one prefix query per field on the indexed suffixes (see substring-terms.ts), never a
 * scan of the contacts.
 */
export function buildTextSearchQuery(q: string): estypes.QueryDslQueryContainer {
  const text = [...foldForIndex(q)].slice(0, MAX_SUFFIX_LENGTH).join('');
  if (!text.length) throw new ValidationError('q must not be empty', 'q');
  const queries: estypes.QueryDslQueryContainer[] = FIELDS.map((field) => ({ prefix: { search_suffixes: { value: suffixPrefix(field, text)! } } }));
  // "612 34-56" finds +34612345678: phones are indexed without separators.
  const digits = text.replace(/[\s\-.()]/g, '');
  if (PHONE_LIKE.test(text) && /\d/.test(text) && digits !== text) {
    queries.push({ prefix: { search_suffixes: { value: suffixPrefix('phone_number', digits)! } } });
  }
  return { bool: { should: queries, minimum_should_match: 1 } };
}
