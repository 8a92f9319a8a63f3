import type { estypes } from '@elastic/elasticsearch';
import { looksLikePhone, stripPhoneSeparators } from '../records/contact-fields';
import { foldForIndex } from '../records/custom-attribute-fields';
import { escapeWildcard } from './build-segment-query';
import { DEFAULT_QUERY_LIMITS, LIMIT_SETTINGS, type QueryLimits } from './query-limits';
import { suffixPrefix, type SuffixField } from './substring-terms';
import { ValidationError } from '../shared/errors';

type Query = estypes.QueryDslQueryContainer;

const FIELDS: SuffixField[] = ['name', 'email', 'phone_number', 'identifier'];

/** A substring of one field: a prefix query on its indexed suffixes, or a wildcard for a needle longer than they are. */
function substringOf(field: SuffixField, needle: string): Query {
  const term = suffixPrefix(field, needle);
  return term ? { prefix: { search_suffixes: { value: term } } } : { wildcard: { [field]: { value: `*${escapeWildcard(needle)}*` } } };
}

/**
 * `GET /contacts/search?q=`: a substring of name, email, phone or identifier, ignoring case and
 * accents: one prefix query per field on the indexed suffixes (see substring-terms.ts), never a
 * scan of the contacts.
 */
export function buildTextSearchQuery(q: string, limits: Pick<QueryLimits, 'maxSubstringLength'> = DEFAULT_QUERY_LIMITS): Query {
  const text = foldForIndex(q);
  if (!text.length) throw new ValidationError('q has nothing to search for: it is empty, or holds only spaces, invisible characters or accents', 'q');
  // A needle longer than the suffixes is a wildcard on four fields with a term per contact.
  const length = [...text].length;
  if (length > limits.maxSubstringLength) {
    throw new ValidationError(`q is ${length} characters; it holds at most ${limits.maxSubstringLength} (limit ${LIMIT_SETTINGS.maxSubstringLength})`, 'q');
  }
  const queries = FIELDS.map((field) => substringOf(field, text));
  // "612 34-56" finds +34612345678: phones are indexed without separators.
  const digits = stripPhoneSeparators(text);
  if (looksLikePhone(text) && /\d/.test(digits) && digits !== text) queries.push(substringOf('phone_number', digits));
  return { bool: { should: queries, minimum_should_match: 1 } };
}
