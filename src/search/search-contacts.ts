import { errors as esErrors, type Client, type estypes } from '@elastic/elasticsearch';
import { withAvailability, type ContactPayload } from '../records/contact.presenter';
import { UnavailableError, ValidationError } from '../shared/errors';
import { sortToString, toSearchSort, type ContactSort } from './contact-sort';
import { decodeCursor, encodeCursor } from './cursor';

export type SearchQuery = estypes.QueryDslQueryContainer;

export interface PageRequest {
  sort: ContactSort;
  perPage: number;
  page?: number;
  after?: string;
}

export interface ContactPage {
  contacts: ContactPayload[];
  count: number;
  nextCursor: string | null;
}

// from/size pages stop here (Elasticsearch's max_result_window); deeper pages go by cursor.
export const MAX_PAGED_WINDOW = 10000;

/** Wraps transport failures so callers answer 503 instead of 500 while Elasticsearch is away. */
export async function callSearch<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof esErrors.ConnectionError || err instanceof esErrors.TimeoutError || err instanceof esErrors.NoLivingConnectionsError) {
      throw new UnavailableError('search is unavailable right now; try again shortly');
    }
    throw err;
  }
}

interface WalkOptions {
  batchSize: number;
  keepAlive: string;
  source: string[] | false;
}

/**
 * Every document of the index the query matches, in id order, a batch of hits at a time: a
 * point in time keeps the view consistent while search_after walks it (documents changed
 * meanwhile, by a bulk action for one, are neither skipped nor repeated), so memory stays flat
 * at any size. Not scoped to an account: account-facing code walks through createContactSearch.
 */
export async function* walkIndex<T>(es: Client, index: string, query: SearchQuery | undefined, options: WalkOptions): AsyncGenerator<estypes.SearchHit<T>[]> {
  let pitId = (await callSearch(() => es.openPointInTime({ index, keep_alive: options.keepAlive }))).id;
  let searchAfter: estypes.SortResults | undefined;
  try {
    for (;;) {
      const res = await callSearch(() =>
        es.search<T>({
          pit: { id: pitId, keep_alive: options.keepAlive },
          query,
          sort: [{ id: { order: 'asc' } }],
          size: options.batchSize,
          search_after: searchAfter,
          track_total_hits: false,
          _source: options.source,
        }),
      );
      pitId = res.pit_id ?? pitId;
      const hits = res.hits.hits;
      if (hits.length) yield hits;
      if (hits.length < options.batchSize) return;
      searchAfter = hits[hits.length - 1].sort;
    }
  } finally {
    await es.closePointInTime({ id: pitId }).catch(() => undefined);
  }
}

/**
 * The one place that runs searches over contacts. The account condition is added here and
 * nowhere else, so no caller can forget it.
 */
export function createContactSearch({ es, index }: { es: Client; index: string }) {
  const scoped = (accountId: number, query?: SearchQuery): SearchQuery => ({
    bool: { filter: [{ term: { account_id: String(accountId) } }, ...(query ? [query] : [])] },
  });

  async function count(accountId: number, query?: SearchQuery): Promise<number> {
    const res = await callSearch(() => es.count({ index, query: scoped(accountId, query) }));
    return res.count;
  }

  async function page(accountId: number, query: SearchQuery | undefined, request: PageRequest): Promise<ContactPage> {
    const sortName = sortToString(request.sort);
    const searchAfter = request.after ? decodeCursor(request.after, sortName) : undefined;
    const from = searchAfter ? 0 : ((request.page ?? 1) - 1) * request.perPage;
    if (from + request.perPage > MAX_PAGED_WINDOW) {
      throw new ValidationError(
        `page ${request.page} reaches past the first ${MAX_PAGED_WINDOW} contacts; page deeper with meta.next_cursor and ?after=`,
        'page',
      );
    }
    // One extra hit tells whether a next page exists. The exact count is its own request:
    // counting inside the search would stop Elasticsearch from skipping non-competitive hits.
    const [res, total] = await Promise.all([
      callSearch(() =>
        es.search<{ payload: ContactPayload }>({
          index,
          query: scoped(accountId, query),
          sort: toSearchSort(request.sort),
          size: request.perPage + 1,
          from,
          search_after: searchAfter as estypes.SortResults | undefined,
          track_total_hits: false,
          _source: ['payload'],
        }),
      ),
      count(accountId, query),
    ]);
    const hits = res.hits.hits;
    const shown = hits.slice(0, request.perPage);
    const last = shown[shown.length - 1];
    return {
      contacts: shown.map((hit) => withAvailability(hit._source!.payload)),
      count: total,
      nextCursor: hits.length > request.perPage && last?.sort ? encodeCursor(sortName, last.sort as never) : null,
    };
  }

  /**
   * Exact counts of many queries in ONE request (_msearch, size 0): the segment counts of an
   * account. A query that fails answers null, the others still count.
   */
  async function countMany(accountId: number, queries: SearchQuery[]): Promise<(number | null)[]> {
    if (!queries.length) return [];
    const searches = queries.flatMap((query) => [{ index }, { query: scoped(accountId, query), size: 0, track_total_hits: true }]);
    const res = await callSearch(() => es.msearch({ searches }));
    return res.responses.map((r) => ('hits' in r && r.hits.total !== undefined ? (typeof r.hits.total === 'number' ? r.hits.total : r.hits.total.value) : null));
  }

  /** Every contact of the account the query matches, a batch of hits at a time (see walkIndex). */
  function walk<T>(accountId: number, query: SearchQuery | undefined, options: WalkOptions): AsyncGenerator<estypes.SearchHit<T>[]> {
    return walkIndex<T>(es, index, scoped(accountId, query), options);
  }

  /** Every matching contact id, a batch at a time (bulk actions). */
  async function* matchingIds(accountId: number, query: SearchQuery | undefined, batchSize = 1000): AsyncGenerator<number[]> {
    for await (const hits of walk(accountId, query, { batchSize, keepAlive: '5m', source: false })) yield hits.map((hit) => Number(hit._id));
  }

  /** Every matching contact's payload, a batch at a time (export). */
  async function* scan(accountId: number, query: SearchQuery | undefined, options: { batchSize?: number; keepAlive?: string } = {}): AsyncGenerator<ContactPayload[]> {
    const batches = walk<{ payload: ContactPayload }>(accountId, query, {
      batchSize: options.batchSize ?? 1000,
      keepAlive: options.keepAlive ?? '2m',
      source: ['payload'],
    });
    for await (const hits of batches) yield hits.map((hit) => withAvailability(hit._source!.payload));
  }

  /** Makes every write the index has acknowledged visible to the next search. */
  const refresh = async () => {
    await callSearch(() => es.indices.refresh({ index }));
  };

  return { page, count, countMany, matchingIds, refresh, scoped, scan };
}

export type ContactSearch = ReturnType<typeof createContactSearch>;
