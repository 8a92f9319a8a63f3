import type { estypes } from '@elastic/elasticsearch';
import { foldForIndex } from '../custom-attributes/custom-attribute-fields';
import { MAX_SUFFIX_LENGTH } from '../search/contact-search-doc';
import { ValidationError } from '../shared/errors';

const PHONE_LIKE = /^[+\d\s\-.()]+$/;

/**
 * `GET /contacts/search?q=`: a substring of name, email, phone or identifier, ignoring case and
 * accents. Each value's suffixes are indexed (search_suffixes), and a substring is a prefix of
 * some suffix: one prefix query over the term dictionary, never a scan of the contacts.
 */
export function buildTextSearchQuery(q: string): estypes.QueryDslQueryContainer {
  const text = foldForIndex(q).slice(0, MAX_SUFFIX_LENGTH);
  if (!text.length) throw new ValidationError('q must not be empty', 'q');
  const prefixes = new Set([text]);
  // "612 34-56" finds +34612345678: phones are indexed without separators.
  if (PHONE_LIKE.test(text) && /\d/.test(text)) prefixes.add(text.replace(/[\s\-.()]/g, ''));
  const queries = [...prefixes].filter(Boolean).map((value) => ({ prefix: { search_suffixes: { value } } }));
  return queries.length === 1 ? queries[0] : { bool: { should: queries, minimum_should_match: 1 } };
}
