// What one filter or search may ask of Elasticsearch. The index is shared by every account, so a
// query's cost follows what the whole index holds, not the caller's contacts: a `*x*` wildcard
// walks the field's whole term dictionary and reads the postings of every term it matches,
// across all accounts. These limits keep one request's cost bounded whatever its payload; each
// is a setting (src/config.ts, named in the 422 that enforces it) with the default below.

export interface QueryLimits {
  /** Conditions in one filter, groups included (FILTER_MAX_CONDITIONS). */
  maxConditions: number;
  /** Values of one condition (FILTER_MAX_VALUES). */
  maxValuesPerCondition: number;
  /** Values of all conditions of one filter together (FILTER_MAX_TOTAL_VALUES). */
  maxTotalValues: number;
  /** contains, does_not_contain and starts_with values of one filter: each is a prefix or wildcard query (FILTER_MAX_SUBSTRING_VALUES). */
  maxSubstringValues: number;
  /**
   * Of those, the ones that match broadly (FILTER_MAX_WILDCARDS): wildcards, which walk a
   * field's whole term dictionary (contains on a field without indexed suffixes, or a needle
   * longer than the suffixes), and contains needles shorter than minWildcardLength on a field
   * with suffixes, which match a suffix at nearly every position of every value.
   */
  maxWildcards: number;
  /** Shortest wildcard needle: a shorter one matches most terms of the field, in every account; on a suffix field it counts as broad instead (FILTER_MIN_WILDCARD_LENGTH). */
  minWildcardLength: number;
  /** Longest contains / starts_with value, and the longest search `q` (FILTER_MAX_SUBSTRING_LENGTH). */
  maxSubstringLength: number;
}

export const DEFAULT_QUERY_LIMITS: Readonly<QueryLimits> = Object.freeze({
  maxConditions: 200,
  maxValuesPerCondition: 1000,
  maxTotalValues: 2000,
  maxSubstringValues: 20,
  maxWildcards: 10,
  minWildcardLength: 2,
  maxSubstringLength: 255,
});

/** The setting behind each limit, as the 422s name them. */
export const LIMIT_SETTINGS: Readonly<Record<keyof QueryLimits, string>> = Object.freeze({
  maxConditions: 'FILTER_MAX_CONDITIONS',
  maxValuesPerCondition: 'FILTER_MAX_VALUES',
  maxTotalValues: 'FILTER_MAX_TOTAL_VALUES',
  maxSubstringValues: 'FILTER_MAX_SUBSTRING_VALUES',
  maxWildcards: 'FILTER_MAX_WILDCARDS',
  minWildcardLength: 'FILTER_MIN_WILDCARD_LENGTH',
  maxSubstringLength: 'FILTER_MAX_SUBSTRING_LENGTH',
});
