import type { estypes } from '@elastic/elasticsearch';
import { missingSortField, tiedTextField, type ContactSort } from './contact-sort';
import type { DecodedCursor } from './cursor';

/*
 * Reading a page from inside a tie. A text sort with few distinct values (country, city, a company
 * or a custom list) ties hundreds of thousands of contacts on one value, which the contact id
 * orders. Elasticsearch skips contacts that cannot enter a page only by the first sort value, so a
 * cursor inside such a tie compared every contact of it again: at a million contacts a page of
 * `-country` 100,000 deep took 30-40 ms, against 5-9 ms for the first. When the page a cursor ends
 * tied on one value, the cursor carries the mean gap between its ids; the next page first asks for
 * that value with ids in a window of four pages' worth of such gaps (pages of the size asked for
 * now, which need not be the cursor's: the benchmark walks 1,000 a page, then asks for 50) past
 * the cursor, which Elasticsearch answers from the id's points index in a few milliseconds. Those hits are the page only if the window held a
 * whole page and the hit after it: every other contact of the tie lies past the window, and
 * every other value sorts after the tie. Otherwise (the tie ends, or its ids thin out) the page is
 * read as before, in a second round trip. The contacts without the sort field are such a tie too,
 * whatever the field's type: every sort puts them last, ordered by id alone.
 */
const TIE_WINDOW_PAGES = 4;

/** Ids within TIE_WINDOW_PAGES pages' worth of a tie's id gap past a page's last id, never fewer than a page and one. */
const windowWidth = (gap: number, perPage: number) => Math.max(Math.ceil(TIE_WINDOW_PAGES * gap * perPage), perPage + 1);

/** The id windowWidth past `id` in `order`: where a window starting at `id` ends. */
export const idAhead = (id: number, gap: number, perPage: number, order: 'asc' | 'desc') => (order === 'asc' ? id + windowWidth(gap, perPage) : id - windowWidth(gap, perPage));

/**
 * What the contacts of a tie that a page's sort values (its id last) lie in share: one text of a
 * text sort, or the lack of the sort's field. Every sort puts the contacts without the field last,
 * ordered by id alone: a tester's pages 95,000 deep among the 28% of 98,000 contacts without a last
 * activity took 1.7-2.1x the first page.
 */
function tieOf(sort: ContactSort, values: readonly unknown[]): { filter: estypes.QueryDslQueryContainer[] } | { must_not: estypes.QueryDslQueryContainer[] } | undefined {
  const field = tiedTextField(sort);
  if (field && typeof values[0] === 'string') return { filter: [{ term: { [field]: values[0] } }] };
  const missing = missingSortField(sort, values);
  return missing ? { must_not: [{ exists: { field: missing } }] } : undefined;
}

/** The condition of a cursor's tie window (the tie and an id range), when the cursor carries a tie gap. */
export function tieWindow(sort: ContactSort, perPage: number, cursor: DecodedCursor | undefined): estypes.QueryDslQueryContainer | undefined {
  if (cursor?.tieGap === undefined) return undefined;
  const tie = tieOf(sort, cursor.values);
  if (!tie) return undefined;
  const range = idsPast(cursor.values[cursor.values.length - 1] as number, cursor.tieGap, perPage, sort.order);
  if (!range) return undefined;
  return { bool: 'filter' in tie ? { filter: [...tie.filter, range] } : { ...tie, filter: [range] } };
}

/**
 * The ids within windowWidth past `id` in `order`, bounded on both sides: with one bound only,
 * Elasticsearch gathers every id on the far side of it (at a million, a page by search_after and
 * an upper bound took 7-9 ms against 4.6-5 with both).
 */
export function idsPast(id: number, tieGap: number, perPage: number, order: 'asc' | 'desc'): estypes.QueryDslQueryContainer | undefined {
  // Wide enough for a page and the extra hit even when the ids of the tie are consecutive.
  const width = windowWidth(tieGap, perPage);
  // Only this service signs cursors, but a window past the ids a long holds would be refused by Elasticsearch.
  if (!Number.isSafeInteger(id + width) || !Number.isSafeInteger(id - width)) return undefined;
  return { range: { id: order === 'asc' ? { gt: id, lte: id + width } : { lt: id, gte: id - width } } };
}

/** The mean gap between the ids of a page whose contacts all lie in one tie (see tieOf). */
export function tieGapOf(sort: ContactSort, shown: estypes.SearchHit<unknown>[]): number | undefined {
  if (shown.length < 2) return undefined;
  const first = shown[0].sort!;
  const last = shown[shown.length - 1].sort!;
  const tied = tiedTextField(sort) && typeof first[0] === 'string' ? first[0] === last[0] : !!missingSortField(sort, first) && !!missingSortField(sort, last);
  if (!tied) return undefined;
  return Math.abs((last[last.length - 1] as number) - (first[first.length - 1] as number)) / (shown.length - 1);
}

/** The ids up to `bound` in `order`: where a read from one end of a tie (or of the order) stops. */
export const idsUpTo = (bound: number, order: 'asc' | 'desc'): estypes.QueryDslQueryContainer => ({ range: { id: order === 'asc' ? { lte: bound } : { gte: bound } } });

/**
 * Where the next read of the same tie by id alone from the same end can stop: the id of the hit
 * after a page read so (`hits`, sorted by id in `order`), and a margin of windowWidth past it.
 * Undefined when the tie held no more than the page.
 */
export function idBoundAfter(hits: estypes.SearchHit<unknown>[], perPage: number, order: 'asc' | 'desc'): number | undefined {
  if (hits.length <= perPage) return undefined;
  const ids = hits.map((hit) => Number(hit._id));
  const bound = idAhead(ids[perPage], Math.abs(ids[perPage] - ids[0]) / perPage, perPage, order);
  return Number.isSafeInteger(bound) ? bound : undefined;
}
