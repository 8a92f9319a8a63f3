import type { estypes } from '@elastic/elasticsearch';
import { sortToString, tiedTextField, type ContactSort } from './contact-sort';
import type { DecodedCursor } from './cursor';

/*
 * Reading a page from inside a tie. A text sort with few distinct values (country, city, a company
 * or a custom list) ties hundreds of thousands of contacts on one value, which the contact id
 * orders. Elasticsearch skips contacts that cannot enter a page only by the first sort value, so a
 * cursor inside such a tie compared every contact of it again: at a million contacts a page of
 * `-country` 100,000 deep took 30-40 ms, against 5-9 ms for the first. When the page a cursor ends
 * tied on one value, the cursor carries the span of its ids; the next page first asks for that
 * value with ids in a window of a few such spans past the cursor, which Elasticsearch answers from
 * the id's points index in a few milliseconds. Those hits are the page only if the window held a
 * whole page and the hit after it: every other contact of the tie lies past the window, and
 * every other value sorts after the tie. Otherwise (the tie ends, or its ids thin out) the page is
 * read as before, in a second round trip.
 */
const TIE_WINDOW_SPANS = 4;

/** Ids within TIE_WINDOW_SPANS spans of a page's last id, never fewer than a page and one. */
const windowWidth = (span: number, perPage: number) => Math.max(TIE_WINDOW_SPANS * span, perPage + 1);

/** The condition of a cursor's tie window (value and id range), when the cursor carries a tie span. */
export function tieWindow(sort: ContactSort, perPage: number, cursor: DecodedCursor | undefined): estypes.QueryDslQueryContainer | undefined {
  const field = tiedTextField(sort);
  if (!field || cursor?.tieSpan === undefined) return undefined;
  const [value, id] = cursor.values as [unknown, number];
  if (typeof value !== 'string') return undefined;
  // Wide enough for a page and the extra hit even when the ids of the tie are consecutive.
  const width = windowWidth(cursor.tieSpan, perPage);
  const ids = sort.order === 'asc' ? { gt: id, lte: id + width } : { lt: id, gte: id - width };
  return { bool: { filter: [{ term: { [field]: value } }, { range: { id: ids } }] } };
}

/** The span of ids of a page whose contacts all tie on a text sort's value (see tieWindow). */
export function tieSpanOf(sort: ContactSort, shown: estypes.SearchHit<unknown>[]): number | undefined {
  if (!tiedTextField(sort) || shown.length < 2) return undefined;
  const [value, firstId] = shown[0].sort as [unknown, number];
  const [lastValue, lastId] = shown[shown.length - 1].sort as [unknown, number];
  if (typeof value !== 'string' || value !== lastValue) return undefined;
  return Math.abs(lastId - firstId);
}

/*
 * The first page of such a sort reads its whole first tie the same way: sorted by company, the
 * first page is the lowest ids of the hundreds of thousands of contacts at the first company (15
 * ms at a million, against 2-5 for a date sort). Nothing says beforehand which value comes first,
 * but the last first page of the same sort and query does: the search remembers the value it tied
 * on and where its ids ended (FirstTies), and the next first page asks for that value with ids up
 * to a window past them, beside whether any contact sorts before that value now. The hits are the
 * page only if none does and the window held a whole page and the hit after it: the tie's other
 * contacts lie past the window. Otherwise the page is read as before, in a second round trip.
 */
export interface FirstTie {
  value: string;
  /** The window's end: ids up to it (ascending) or from it (descending). */
  bound: number;
}

/**
 * The first tie a first page read, when all its hits, the one after the page too, tie on a text
 * sort's value: a tie that ends within the page would send every next first page to a second search.
 */
export function firstTieOf(sort: ContactSort, perPage: number, hits: estypes.SearchHit<unknown>[]): FirstTie | undefined {
  const span = hits.length > perPage ? tieSpanOf(sort, hits) : undefined;
  if (span === undefined) return undefined;
  const [value, lastId] = hits[hits.length - 1].sort as [string, number];
  const width = windowWidth(span, perPage);
  return { value, bound: sort.order === 'asc' ? lastId + width : lastId - width };
}

/** The window of a remembered first tie, and the contacts that would sort before it. */
export function firstTieQueries(sort: ContactSort, tie: FirstTie): { window: estypes.QueryDslQueryContainer; before: estypes.QueryDslQueryContainer } {
  const field = tiedTextField(sort)!;
  const asc = sort.order === 'asc';
  return {
    window: { bool: { filter: [{ term: { [field]: tie.value } }, { range: { id: asc ? { lte: tie.bound } : { gte: tie.bound } } }] } },
    // Contacts missing the field sort last either way: never before the tie.
    before: { range: { [field]: asc ? { lt: tie.value } : { gt: tie.value } } },
  };
}

/** The first ties of the last first pages, by account, sort and query; the oldest forgotten beyond `limit`. */
export function createFirstTies(limit = 1000) {
  const ties = new Map<string, FirstTie>();
  const keyOf = (accountId: number, sort: ContactSort, query: unknown) => `${accountId} ${sortToString(sort)} ${JSON.stringify(query ?? null)}`;
  return {
    recall(accountId: number, sort: ContactSort, query: unknown): FirstTie | undefined {
      return tiedTextField(sort) ? ties.get(keyOf(accountId, sort, query)) : undefined;
    },
    /** What a first page showed: its tie, or nothing to remember. */
    learn(accountId: number, sort: ContactSort, query: unknown, tie: FirstTie | undefined): void {
      if (!tiedTextField(sort)) return;
      const key = keyOf(accountId, sort, query);
      ties.delete(key);
      if (!tie) return;
      ties.set(key, tie);
      if (ties.size > limit) ties.delete(ties.keys().next().value!);
    },
  };
}

export type FirstTies = ReturnType<typeof createFirstTies>;
