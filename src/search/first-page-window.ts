import type { estypes } from '@elastic/elasticsearch';
import { firstPageField, isPresentSortValue, missingSortField, sortFieldOf, sortToString, type ContactSort } from './contact-sort';
import { idAhead, idsUpTo, tieGapOf } from './tie-window';

/*
 * Reading a first page from where the last one ended. Elasticsearch finds the first page of a text
 * sort by comparing the account's contacts until nothing left can enter it, which is cheap when
 * the contacts that can lie early in the index and dear when they lie late or tie: sorted by
 * company, the first page is the lowest ids of the hundreds of thousands of contacts at the first
 * company (15-25 ms at a million), and by descending email 13-20 ms; by a date, which
 * Elasticsearch cuts short by the field's points, it still took 2.5-2.9 ms, against 1.0-1.1 ms
 * from the window.
 *
 * The last first page of the same account, sort and query says where the page ends: the search
 * remembers the sort values of the hit after it. The next first page asks only for the contacts
 * that sort up to there: the values before that one, and at that value the ids up to a margin past
 * its id (a few pages' worth of the gaps between the page's ids when the whole page tied on the value). That set is a
 * prefix of the sort's order, so when it holds a page and the hit after it, they are exactly the
 * first page and that hit, whatever was written since: a contact that now sorts earlier is in it;
 * deleted ones leave it short, and then the page is read as before, in a second round trip.
 */
export type FirstPageEnd =
  | {
      /** The first sort value of the hit after the page (for an email, its numeric key). */
      value: string | number;
      /** Contacts at that value belong to the window up to this id (ascending) or from it (descending). */
      bound: number;
    }
  | {
      /** The field the hit after the page lacks: the page reached the contacts without it, last in the order. */
      missing: string;
      /** Contacts without the field belong to the window up to this id (ascending) or from it (descending). */
      bound: number;
    };

/** Where a first page ended: read from its hits and the one after them. */
export function firstPageEndOf(sort: ContactSort, perPage: number, hits: estypes.SearchHit<unknown>[]): FirstPageEnd | undefined {
  if (hits.length <= perPage) return undefined;
  const values = hits[perPage].sort!;
  const id = values[values.length - 1] as number;
  const bound = idAhead(id, tieGapOf(sort, hits) ?? 0, perPage, sort.order);
  const missing = missingSortField(sort, values);
  if (missing) return { missing, bound };
  const value = values[0];
  if (!firstPageField(sort) || !isPresentSortValue(sort, value)) return undefined;
  return { value, bound };
}

/**
 * The contacts that sort up to a first page's end (with its margin), as searches whose hits, one
 * after the other, are a prefix of the sort's order. A page that reached the contacts without the
 * field is two: every contact with it (few, or the page would have ended among them), then those
 * without it up to the bound. A list sorted by last activity of an imported base, where no contact
 * has any, compared every contact of the account for its first page (21-35 ms inside
 * Elasticsearch at a million, against 4-8 ms for the second search). One condition as a
 * disjunction of the two measured no faster.
 */
export function firstPageWindow(sort: ContactSort, end: FirstPageEnd): estypes.QueryDslQueryContainer[] {
  const asc = sort.order === 'asc';
  const upToBound = idsUpTo(end.bound, sort.order);
  if ('missing' in end) {
    const exists = { exists: { field: end.missing } };
    return [exists, { bool: { must_not: [exists], filter: [upToBound] } }];
  }
  const { field, keyed } = firstPageField(sort)!;
  // A key orders before the text and the id: everything up to the key is a prefix already.
  if (keyed) return [{ range: { [field]: asc ? { lte: end.value } : { gte: end.value } } }];
  return [
    {
      bool: {
        should: [
          { range: { [field]: asc ? { lt: end.value } : { gt: end.value } } },
          { bool: { filter: [{ term: { [field]: end.value } }, upToBound] } },
        ],
        minimum_should_match: 1,
      },
    },
  ];
}

// A query's text is part of its key: the longest filters the limits allow are not remembered, so
// that 1,000 keys stay within a few megabytes.
const MAX_KEY_LENGTH = 4096;

/** The ends of the last first pages, by account, sort and query; the oldest forgotten beyond `limit`. */
export function createFirstPageEnds(limit = 1000) {
  const ends = new Map<string, FirstPageEnd>();
  // Every sort: any may end a first page among the contacts without its field. The field is part
  // of the key: a custom attribute deleted and defined again sorts by another field under the same
  // name, and the end of a text's page read as a number's answered 500 until a restart, or the
  // old field's holders came first, as if they held the new one.
  const keyOf = (accountId: number, sort: ContactSort, query: unknown) => `${accountId} ${sortToString(sort)} ${sortFieldOf(sort)} ${JSON.stringify(query ?? null)}`;
  return {
    recall(accountId: number, sort: ContactSort, query: unknown): FirstPageEnd | undefined {
      return ends.get(keyOf(accountId, sort, query));
    },
    /** What a first page read: where it ended, or nothing to remember. */
    learn(accountId: number, sort: ContactSort, query: unknown, end: FirstPageEnd | undefined): void {
      const key = keyOf(accountId, sort, query);
      ends.delete(key);
      if (!end || key.length > MAX_KEY_LENGTH) return;
      ends.set(key, end);
      if (ends.size > limit) ends.delete(ends.keys().next().value!);
    },
  };
}
