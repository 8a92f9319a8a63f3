import type { estypes } from '@elastic/elasticsearch';
import { isPresentSortNumber, valueWindowField, type ContactSort } from './contact-sort';
import type { DecodedCursor } from './cursor';

/*
 * Reading a page after a cursor from a band of values. Sorted by a number (the phone number, a
 * date, an email's numeric key), the page after a cursor is the contacts whose value comes next;
 * Elasticsearch finds them by comparing contacts in index order until nothing left can enter the
 * page, which is cheap when the next values lie early in the index and dear when they lie late:
 * at a million contacts a page 100,000 deep by phone number or descending email took 10-13 ms,
 * against 4-5 for the first page. The cursor carries the mean gap between the values of its page;
 * the next page first asks for the contacts after the cursor whose value lies within four pages'
 * worth of such gaps (pages of the size asked for now) of it, which the field's points index
 * answers in a millisecond or two. Those contacts are
 * a prefix of what follows the cursor — every other one has a value past the band, or none, and
 * sorts after them — so when the band holds a page and the hit after it, they are exactly the
 * page. Otherwise (the values thin out, or the band reaches the contacts without a value) the
 * page is read as before, in a second round trip.
 */
const VALUE_WINDOW_PAGES = 4;

/** The band of values after a cursor (see above), when the cursor carries the gap between values. */
export function valueWindow(sort: ContactSort, perPage: number, cursor: DecodedCursor | undefined): estypes.QueryDslQueryContainer | undefined {
  const field = valueWindowField(sort);
  const value = cursor?.values[0];
  if (!field || !cursor?.valueGap || !isPresentSortNumber(sort, value)) return undefined;
  const width = Math.ceil(VALUE_WINDOW_PAGES * cursor.valueGap * perPage);
  if (!Number.isSafeInteger(value + width) || !Number.isSafeInteger(value - width)) return undefined;
  return { range: { [field]: sort.order === 'asc' ? { gte: value, lte: value + width } : { lte: value, gte: value - width } } };
}

/** The mean gap between the first sort values of a page (see valueWindow), when they are numbers of the contacts' own. */
export function valueGapOf(sort: ContactSort, shown: estypes.SearchHit<unknown>[]): number | undefined {
  if (!valueWindowField(sort) || shown.length < 2) return undefined;
  const first = shown[0].sort?.[0];
  const last = shown[shown.length - 1].sort?.[0];
  if (!isPresentSortNumber(sort, first) || !isPresentSortNumber(sort, last)) return undefined;
  const span = Math.abs(last - first);
  return span > 0 && Number.isSafeInteger(span) ? span / (shown.length - 1) : undefined;
}
