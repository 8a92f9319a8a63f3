import { z } from 'zod';
import { acceptingAlso } from '../shared/documented-input';
import { foldForIndex } from '../records/custom-attribute-fields';
import { ValidationError } from '../shared/errors';
import { CUSTOM_SORT_PREFIX, DEFAULT_SORT, parseSort, SORT_FIELDS, SORT_KEY_ALIASES } from './contact-sort';
import type { ContactPage, PageRequest } from './search-contacts';
import { labelTitleOf, labelTitleProblem } from '../shared/label-title';

export const DEFAULT_PER_PAGE = 15;

type WholeNumberBounds = { min: number; tooSmall: string; max?: number; tooLarge?: string };

/**
 * A whole number of the query string: digits only, so that `1e3`, `0x10` or `2.5` is a 422 naming
 * the parameter rather than a page nobody asked for (z.coerce.number reads `1e3` as 1000 and `0x10`
 * as 16). Its message says what is wrong (zod's reads "expected number, received NaN").
 */
function wholeNumber(name: string, bounds: WholeNumberBounds) {
  const error = `${name} must be a whole number, given once`;
  // Past 2^53 digits no longer name one number: such a page is too large, not "not a whole number".
  // Checked first: zod's int() also refuses what is not a safe integer, with the message above.
  const tooLarge = bounds.tooLarge ?? `${name} is too large`;
  return z.coerce.number({ error }).max(bounds.max ?? Number.MAX_SAFE_INTEGER, tooLarge).int({ error }).min(bounds.min, bounds.tooSmall);
}

// A JSON number is taken as it is (and checked whole); anything else but digits (a - before them
// too, so `page=-1` says "starts at 1") is no number: a body's `true` was page 1 and `[2]` page 2.
const digitsOnly = (value: unknown) => (value === undefined || typeof value === 'number' || (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) ? value : Number.NaN);

export const queryWholeNumber = (name: string, bounds: WholeNumberBounds) => z.preprocess(digitsOnly, wholeNumber(name, bounds).optional());

export const queryWholeNumberOr = (fallback: number, name: string, bounds: WholeNumberBounds) =>
  z.preprocess(digitsOnly, wholeNumber(name, bounds).default(fallback));

// Documented only (blank is the default, + is ascending): the check is parseSort's, whose 422 names the keys it knows.
const SORT_PATTERN = `^\\s*([-+]?(${[...Object.keys(SORT_FIELDS), ...Object.keys(SORT_KEY_ALIASES)].join('|')}|${CUSTOM_SORT_PREFIX.replace('.', '\\.')}.+))?\\s*$`;

/** A string that `isNothing` reads as no value is absent: the schema sees undefined. */
const absentWhen = <T extends z.ZodType>(isNothing: (text: string) => boolean, schema: T) =>
  acceptingAlso(z.preprocess((value) => (typeof value === 'string' && isNothing(value) ? undefined : value), schema), { const: '', description: 'the same as absent' });

/**
 * A paging parameter given blank (`page=`, `after=`) is absent, as a blank sort is the default and
 * Rails (Chatwoot's) reads a blank page as the first: a client may send `after=${cursor ?? ''}`.
 * Coerced, a blank page was 0 and answered "page starts at 1".
 */
export const blankAsAbsent = <T extends z.ZodType>(schema: T) => absentWhen((text) => !text.trim(), schema);

/**
 * An optional search text: blank as every optional list parameter is, and so is one that folds
 * to nothing (only spaces, invisible characters or lone accents, `q=%E2%80%8B`): it was a 422
 * `q must not be empty` where a blank `q` is absent.
 */
export const optionalSearchText = (schema: z.ZodType<string | undefined>) => absentWhen((text) => !foldForIndex(text).length, schema);

// `page=last`: the list's last page, at any depth (read backwards from the end, not counted from the start).
const lastOr = (value: unknown) => (typeof value === 'string' && value.trim().toLowerCase() === 'last' ? 'last' : value);

/** `page`: a page number from 1, or `last`. */
export const pageParam = blankAsAbsent(
  z.preprocess(
    lastOr,
    z.union([z.literal('last'), queryWholeNumber('page', { min: 1, tooSmall: 'page starts at 1' })], { error: 'page must be a whole number or last, given once' }),
  ),
);

const oneCursor = (param: string, from: string) => blankAsAbsent(z.string(`${param} must be one cursor (${from}), given once`).min(1).optional());

/** Sort and paging parameters of every contact list (list, search, filter, segment run). */
export const pageQuery = z.object({
  // `sort=name&sort=-name` said "expected string, received array".
  sort: z
    .string('sort must be one sort key, given once')
    .optional()
    .meta({ pattern: SORT_PATTERN })
    .describe(`a sort key, ascending, or with a leading - descending: ${Object.keys(SORT_FIELDS).join(', ')}, or ${CUSTOM_SORT_PREFIX}<key>; default ${DEFAULT_SORT} (company is company_name, Chatwoot's older name for it)`),
  page: pageParam.describe('page number, from 1 (the default), or last: the last page at any depth (meta.current_page says its number); not with after or before'),
  per_page: blankAsAbsent(
    queryWholeNumber('per_page', { min: 1, tooSmall: 'per_page must be at least 1' }).describe(`page size, default ${DEFAULT_PER_PAGE}, at most MAX_PER_PAGE (500 unless configured)`),
  ),
  // `after=x&after=y` said "Invalid input: expected string, received array".
  after: oneCursor('after', 'meta.next_cursor').describe('a cursor (meta.next_cursor): the page that follows it'),
  before: oneCursor('before', 'meta.prev_cursor').describe('a cursor (meta.prev_cursor): the page that precedes it, going back from a deep page or the last'),
});

/** `labels[]` of every contact list (list, search, filter, segment run): label titles, repeated for more. */
export const labelsParam = z.union([z.string(), z.array(z.string())], 'labels must be label titles, as labels[]=vip (repeated for more)').optional();

// `labels[]`: contacts holding any of them (labels are stored lowercased). A value may also list
// several separated by commas, as Chatwoot's tagged_with reads `labels=a,b` (a title holds no comma).
// A blank `labels=` narrows nothing, as Chatwoot's `params[:labels].present?` reads it, and so does
// a blank `labels[]=` (which listed no contact: the two spellings of "no label" disagreed). A title
// that no label can have is a 422, as everywhere else labels are named; it listed nothing with a 200.
// As many as a contact, a bulk action or an export takes: a body may hold tens of thousands, which
// Elasticsearch refused past its own terms limit, naming the filter instead of the labels.
const MAX_LABELS = 100;

export function labelFilter(raw: string | string[] | undefined) {
  const given = (raw === undefined ? [] : [raw].flat().flatMap((value) => value.split(','))).filter((title) => title.trim());
  if (given.length > MAX_LABELS) throw new ValidationError(`labels may name at most ${MAX_LABELS} labels (${given.length} given)`, 'labels');
  const labels = given.map((raw) => {
    const title = labelTitleOf(raw);
    const problem = labelTitleProblem(title, raw);
    if (problem) throw new ValidationError(`labels: ${problem}`, 'labels');
    return title;
  });
  return labels.length ? { terms: { labels } } : undefined;
}

/** Sort and paging as every contact list takes them (list, filter, segment run). */
export function toPageRequest(query: z.infer<typeof pageQuery>, maxPerPage: number): PageRequest {
  const perPage = query.per_page ?? DEFAULT_PER_PAGE;
  if (perPage > maxPerPage) throw new ValidationError(`per_page must be at most ${maxPerPage} (limit MAX_PER_PAGE)`, 'per_page');
  if (query.after !== undefined && query.before !== undefined) {
    throw new ValidationError('give after or before, not both: after reads the page that follows its cursor, before the one that precedes its own', 'before');
  }
  // A page past the first beside a cursor would be left unread: the cursor decides where the page
  // starts. Page 1 is the default, which a client that keeps its first request's query sends on.
  if (query.page !== undefined && query.page !== 1) {
    if (query.after !== undefined) throw new ValidationError('give page or after, not both: after continues from its cursor, page counts from the first page', 'page');
    if (query.before !== undefined) throw new ValidationError('give page or before, not both: before goes back from its cursor, page counts from the first page', 'page');
  }
  const sort = parseSort(query.sort);
  if (query.page === 'last') return { sort, perPage, last: true };
  return { sort, perPage, page: query.page ?? 1, after: query.after, before: query.before };
}

export function toListResponse(page: ContactPage, request: PageRequest) {
  return {
    meta: {
      count: page.count,
      current_page: page.pageNumber ?? (request.after || request.before ? null : (request.page ?? 1)),
      next_cursor: page.nextCursor,
      prev_cursor: page.prevCursor,
      // has_more: Chatwoot's search answers it (and its clients page on it); a next page exists exactly when a cursor to it does.
      has_more: page.nextCursor !== null,
    },
    payload: page.contacts,
  };
}
