import { errors as esErrors, type Client, type estypes } from '@elastic/elasticsearch';
import { withAvailability, type ContactPayload } from '../records/contact.presenter';
import { UnavailableError, ValidationError } from '../shared/errors';
import { missingSortField, missingSortValues, neverMissing, sortFieldOf, sortToString, sortValueTypes, toSearchSort, type ContactSort } from './contact-sort';
import { searchRouting, type IndexTarget, type PlacementView } from './index-placements';
import { decodeCursor, encodeCursor, listKeyOf, type CursorParam, type DecodedCursor } from './cursor';
import { versionOfIndexName } from './contacts-index';
import { createFirstPageEnds, firstPageEndOf, firstPageWindow } from './first-page-window';
import { idBoundAfter, idsPast, idsUpTo, tieGapOf, tieWindow } from './tie-window';
import { valueGapOf, valueWindow } from './value-window';
import { textBand, textBandPrefixOf, textBandRungsOf } from './text-band';

export type SearchQuery = estypes.QueryDslQueryContainer;

/** The query that `query` narrows further by `also` (a labels condition, a filter), when there is one. */
export function narrowedBy(query: SearchQuery, also: SearchQuery | undefined): SearchQuery;
export function narrowedBy(query: SearchQuery | undefined, also: SearchQuery | undefined): SearchQuery | undefined;
export function narrowedBy(query: SearchQuery | undefined, also: SearchQuery | undefined): SearchQuery | undefined {
  if (!query) return also;
  return also ? { bool: { filter: [query, also] } } : query;
}

export interface PageRequest {
  sort: ContactSort;
  perPage: number;
  page?: number;
  /** The page that follows this cursor. */
  after?: string;
  /** The page that precedes this cursor. */
  before?: string;
  /** The last page (page=last). */
  last?: boolean;
}

export interface ContactPage {
  contacts: ContactPayload[];
  count: number;
  nextCursor: string | null;
  /** A cursor of the page's first contact, for `before`: null when no contact precedes the page. */
  prevCursor: string | null;
  /** The page's number where the request did not give it: the last page's. */
  pageNumber?: number;
}

// from/size pages stop here (Elasticsearch's max_result_window); deeper pages go by cursor.
export const MAX_PAGED_WINDOW = 10000;

// A search that timed out or found Elasticsearch away is worth retrying only once it has had
// time to drain what it was doing; sooner, the same request meets the same load.
export const SEARCH_RETRY_AFTER_SECONDS = 5;
// The client waits this much longer than Elasticsearch's own `timeout`, which is checked while
// hits are collected, so that Elasticsearch's own answer (timed_out) usually comes first; the
// client's limit catches what that check does not cover (rewriting a query, a hung node).
const CLIENT_GRACE_MS = 1000;

export interface SearchCall {
  /** How long one search may run (SEARCH_TIMEOUT_MS); without it, the client's own timeout applies. */
  timeoutMs?: number;
  /** The input the query came from, named by a 422 when Elasticsearch refuses the query. */
  field?: string;
}

// Causes by which Elasticsearch refuses a query for what it holds, not for its own state, the
// most telling first: a search that fails on every shard reports a generic root cause
// (query_shard_exception) and the specific one (too_many_clauses) only under its shards.
const INPUT_FAULTS: [type: string, what: string][] = [
  ['too_many_clauses', 'the query has more clauses than Elasticsearch allows (indices.query.bool.max_clause_count); use fewer conditions or values'],
  ['too_many_nested_clauses', 'the query has more clauses than Elasticsearch allows (indices.query.bool.max_clause_count); use fewer conditions or values'],
  ['too_complex_to_determinize_exception', 'a contains or starts_with value is too complex to match; use a shorter one'],
  ['parse_exception', 'Elasticsearch could not parse a value of the query'],
  ['number_format_exception', 'Elasticsearch could not read a number of the query'],
  ['x_content_parse_exception', 'Elasticsearch could not parse the query'],
  ['parsing_exception', 'Elasticsearch could not parse the query'],
  ['illegal_argument_exception', 'Elasticsearch refused a value of the query'],
  ['query_shard_exception', 'Elasticsearch refused the query'],
];

interface EsCause {
  type?: string;
  reason?: string;
  caused_by?: EsCause;
  root_cause?: EsCause[];
  failed_shards?: { reason?: EsCause }[];
}

/** Every cause an Elasticsearch error body names: the error, its root causes, its shards' failures, and what each was caused by. */
function causesOf(error: EsCause | undefined): EsCause[] {
  if (!error) return [];
  const tops = [error, ...(error.root_cause ?? []), ...(error.failed_shards ?? []).flatMap((shard) => (shard.reason ? [shard.reason] : []))];
  return tops.flatMap((top) => {
    const chain: EsCause[] = [];
    for (let cause: EsCause | undefined = top; cause && chain.length < 20; cause = cause.caused_by) chain.push(cause);
    return chain;
  });
}

/**
 * A refusal caused by the request (a 400, or a known input fault at any status): a 422 naming
 * the input and what was refused. A cursor's values that do not parse name `after`.
 */
function inputRejection(error: EsCause | undefined, statusCode: number | undefined, field: string): ValidationError | undefined {
  const causes = causesOf(error);
  const fault = INPUT_FAULTS.find(([type]) => causes.some((c) => c.type === type));
  if (!fault && statusCode !== 400) return undefined;
  const cause = (fault && causes.find((c) => c.type === fault[0])) ?? causes[causes.length - 1] ?? {};
  const reason = (cause.reason ?? '').slice(0, 300);
  const named = causes.some((c) => /search_after/i.test(c.reason ?? '')) ? 'after' : field;
  return new ValidationError(`${fault?.[1] ?? 'Elasticsearch refused the query'}${reason ? ` (${reason})` : ''}`, named);
}

// Elasticsearch busy (429) or without the shards to answer (a node gone, 503): worth a retry.
const BUSY_STATUSES = new Set([429, 502, 503, 504]);
const unavailableError = () => new UnavailableError('search is unavailable right now; try again shortly', SEARCH_RETRY_AFTER_SECONDS);

const timedOutError = (call: SearchCall) =>
  new UnavailableError(
    `the search ran longer than ${call.timeoutMs ?? 'the client allows'} ms (SEARCH_TIMEOUT_MS) and was stopped; narrow the filter or try again shortly`,
    SEARCH_RETRY_AFTER_SECONDS,
  );

/**
 * The one wrapper of every search: Elasticsearch away → 503; a search past its time (the
 * client's timeout, or Elasticsearch answering timed_out with partial hits, which must never
 * pass for the answer) → 503 with Retry-After; a query refused for its input → 422;
 * Elasticsearch busy or short of shards (a node lost with no copy of its shards elsewhere),
 * or an answer some of whose shards failed (its hits and counts would be the others') → 503.
 */
export async function callSearch<T>(run: () => Promise<T>, call: SearchCall = {}): Promise<T> {
  let res: T;
  try {
    res = await run();
  } catch (err) {
    if (err instanceof esErrors.TimeoutError) throw timedOutError(call);
    if (err instanceof esErrors.ConnectionError || err instanceof esErrors.NoLivingConnectionsError) throw unavailableError();
    if (err instanceof esErrors.ResponseError) {
      const rejection = inputRejection((err.body as { error?: EsCause } | undefined)?.error, err.statusCode, call.field ?? 'payload');
      if (rejection) throw rejection;
      if (BUSY_STATUSES.has(err.statusCode ?? 0)) throw unavailableError();
      throw err;
    }
    throw err;
  }
  if ((res as { timed_out?: unknown } | undefined)?.timed_out === true) throw timedOutError(call);
  if ((res as { _shards?: { failed?: number } } | undefined)?._shards?.failed) throw partOfTheIndexAway();
  return res;
}

/** A search some of whose shards failed: its hits and counts are those of the others, not the answer. */
const partOfTheIndexAway = () =>
  new UnavailableError('part of the index did not answer (a search node lost, or busy); try again shortly', SEARCH_RETRY_AFTER_SECONDS);

/**
 * One answer of an _msearch, held to the same rules as callSearch: a failed search is a 422
 * when its input caused it, else an error; a timed-out one a 503.
 */
function msearchItem<T>(item: estypes.MsearchResponseItem<T>, call: SearchCall): estypes.MsearchMultiSearchItem<T> {
  if ('error' in item) {
    const rejection = inputRejection(item.error as EsCause, item.status, call.field ?? 'payload');
    if (rejection) throw rejection;
    if (BUSY_STATUSES.has(item.status)) throw unavailableError();
    throw new Error(`search failed (${item.status}): ${item.error.type}: ${item.error.reason ?? ''}`);
  }
  if (item.timed_out) throw timedOutError(call);
  if (item._shards.failed) throw partOfTheIndexAway();
  return item;
}

/** Elasticsearch's `timeout` of a search body and the client's request options for it. */
function timeLimits(timeoutMs: number | undefined) {
  return {
    body: timeoutMs === undefined ? {} : { timeout: `${timeoutMs}ms` },
    options: timeoutMs === undefined ? undefined : { requestTimeout: timeoutMs + CLIENT_GRACE_MS },
  };
}

/** A contact as an index holds it: its id and the version it was indexed at. */
export interface IndexedVersion {
  id: number;
  version: number;
}

interface WalkOptions {
  batchSize: number;
  keepAlive: string;
  source: string[] | false;
  /** Each page's time limit (see callSearch); a walk that times out stops with a 503, it never skips. */
  call?: SearchCall;
  /** One account's routing: the walk reads only the shard that holds its documents. */
  routing?: string;
  /** The order of the walk: a list's sort (which ends with the id, so it is total); by id when absent. */
  sort?: estypes.SortCombinations[];
  /**
   * The field `sort` puts the documents without it last by, ordered by id alone (`order`): the
   * walk reads those by id once it has read the others by the sort. Each batch deep among them
   * by the whole sort compared all of them again (at a million contacts 37-64 ms a page of 50,
   * against 8 for the first), which an id order skips by the id's points.
   */
  lastWithout?: { field: string; order: 'asc' | 'desc' };
  /** Each hit with its _version (the contact's version it was indexed at). */
  version?: boolean;
}

/**
 * Every document of the index the query matches, in id order (or `sort`), a batch of hits at a time: a
 * point in time keeps the view consistent while search_after walks it (documents changed
 * meanwhile, by a bulk action for one, are neither skipped nor repeated), so memory stays flat
 * at any size. Not scoped to an account: account-facing code walks through createContactSearch.
 */
export async function* walkIndex<T>(es: Client, index: string, query: SearchQuery | undefined, options: WalkOptions): AsyncGenerator<estypes.SearchHit<T>[]> {
  const call = options.call ?? {};
  const limits = timeLimits(call.timeoutMs);
  const { lastWithout } = options;
  const legs: { query: SearchQuery | undefined; sort: estypes.SortCombinations[] }[] = lastWithout
    ? [
        { query: { bool: { filter: [...(query ? [query] : []), { exists: { field: lastWithout.field } }] } }, sort: options.sort! },
        { query: { bool: { filter: query ? [query] : [], must_not: [{ exists: { field: lastWithout.field } }] } }, sort: [{ id: { order: lastWithout.order } }] },
      ]
    : [{ query, sort: options.sort ?? [{ id: { order: 'asc' } }] }];
  // One point in time for every leg: a document that gains or loses the field meanwhile comes once.
  let pitId = (await callSearch(() => es.openPointInTime({ index, keep_alive: options.keepAlive, routing: options.routing }, limits.options), call)).id;
  try {
    for (const leg of legs) {
      let searchAfter: estypes.SortResults | undefined;
      for (;;) {
        const res = await callSearch(
          () =>
            es.search<T>(
              {
                pit: { id: pitId, keep_alive: options.keepAlive },
                query: leg.query,
                sort: leg.sort,
                size: options.batchSize,
                search_after: searchAfter,
                track_total_hits: false,
                _source: options.source,
                ...(options.version ? { version: true } : {}),
                ...limits.body,
              },
              limits.options,
            ),
          call,
        );
        pitId = res.pit_id ?? pitId;
        const hits = res.hits.hits;
        if (hits.length) yield hits;
        if (hits.length < options.batchSize) break;
        searchAfter = hits[hits.length - 1].sort;
      }
    }
  } finally {
    await es.closePointInTime({ id: pitId }).catch(() => undefined);
  }
}

export interface ContactSearchOptions {
  es: Client;
  /** The shared alias. */
  index: string;
  /** The index each account's searches read: the shared alias, or the account's own index. */
  placements: { current(): Promise<PlacementView> };
  /** Signs and checks the paging cursors (CURSOR_SECRET). */
  cursorSecret: string;
  /** How long one search may run (SEARCH_TIMEOUT_MS). */
  timeoutMs: number;
  /** False while the process has not yet made sure of the index (Elasticsearch away since it started); searches answer 503 meanwhile. */
  indexReady?: () => boolean;
}

/**
 * The one place that runs searches over contacts. The account condition is added here and
 * nowhere else, so no caller can forget it; so are the time limit of every search and the
 * mapping of Elasticsearch's refusals to 422/503 (callSearch).
 */
export function createContactSearch({ es, index, placements, cursorSecret, timeoutMs, indexReady = () => true }: ContactSearchOptions) {
  const scoped = (accountId: number, query?: SearchQuery): SearchQuery => ({
    bool: { filter: [{ term: { account_id: String(accountId) } }, ...(query ? [query] : [])] },
  });
  // Every search here is of one account: in the shared alias it asks only the shard that holds
  // the account; in the account's own index, every shard of it.
  const located = async (accountId: number) => {
    // The alias may not exist yet: a 503 to retry, not the 500 of index_not_found.
    if (!indexReady()) throw unavailableError();
    const target = (await placements.current()).read(accountId);
    return { index: target.index, routing: searchRouting(target, accountId) };
  };
  const limits = timeLimits(timeoutMs);
  const firstPageEnds = createFirstPageEnds();
  // Where the last reads from the end of the contacts without a sort's field ended, by account,
  // sort and query (pageBackward): their first pages, in the reversed order.
  const lastPageEnds = createFirstPageEnds();
  // The exact count of the account's contacts the query matches, as a search body (a size-0
  // search rather than _count, which takes no time limit): for a count, a page and segment counts.
  const countBody = (accountId: number, query?: SearchQuery) => ({ query: scoped(accountId, query), size: 0, track_total_hits: true, ...limits.body });
  const totalOf = (total: number | estypes.SearchTotalHits) => (typeof total === 'number' ? total : total.value);

  /** `field` names the input the query came from when Elasticsearch refuses it. */
  async function count(accountId: number, query?: SearchQuery, field?: string): Promise<number> {
    const at = await located(accountId);
    const res = await callSearch(() => es.search({ ...at, ...countBody(accountId, query) }, limits.options), { timeoutMs, field });
    return totalOf(res.hits.total ?? 0);
  }

  /** One _msearch of the account's index (the page and its count in one round trip): each answer held to callSearch's rules. */
  async function searchAll(at: { index: string; routing?: string }, bodies: object[], call: SearchCall) {
    const { responses } = await callSearch(
      () => es.msearch<{ payload: ContactPayload }>({ index: at.index, searches: bodies.flatMap((body) => [{ routing: at.routing }, body]) }, limits.options),
      call,
    );
    return responses.map((item) => msearchItem(item, call));
  }

  /**
   * A cursor of `hit` for this list, or a 422 when the index was rebuilt with another mapping
   * version since `cursor` was made: a reindex to another version may fold texts, and so order
   * them, otherwise, and going on from the old order would miss or repeat the contacts that moved
   * (a tester's walk by name missed 14 names wrapped in direction marks). A rebuild of the same
   * version keeps the order.
   */
  function cursorAt(request: PageRequest, accountId: number, hit: estypes.SearchHit<unknown> | undefined, shown: estypes.SearchHit<{ payload: ContactPayload }>[], cursor?: DecodedCursor, param: CursorParam = 'after') {
    const indexVersion = hit ? versionOfIndexName(hit._index) : undefined;
    if (cursor?.indexVersion !== undefined && indexVersion !== undefined && indexVersion !== cursor.indexVersion) {
      throw new ValidationError(
        `${param} was made before the search index was rebuilt with another mapping (v${cursor.indexVersion}, now v${indexVersion}), which may order contacts otherwise: start the walk again without ${param}`,
        param,
      );
    }
    if (!hit?.sort) return null;
    const nearest = hit === shown[0] ? shown : [...shown].reverse();
    const hints = {
      tieGap: tieGapOf(request.sort, shown),
      valueGap: valueGapOf(request.sort, shown),
      bandPrefix: textBandPrefixOf(request.sort, shown),
      bandRungs: textBandRungsOf(request.sort, nearest),
    };
    return encodeCursor(cursorSecret, sortToString(request.sort), hit.sort as never, hints, listKeyOf(accountId), indexVersion);
  }

  /**
   * The last page, or the page before a cursor: the list read backwards from the end or from the
   * cursor, and turned round. Backwards, the contacts without the sort field come first, ordered by
   * id alone: they are read by id (Elasticsearch skips by the id's points; by the whole sort it
   * would compare every one of them, as they all tie on the field) beside the count, then, when
   * they leave room on the page, those with the field by the opposite sort. One extra hit tells whether a page
   * precedes it. The last page holds what is left after the full pages before it (count modulo
   * per_page), so that going back from it lands on the numbered pages a walk from the first would.
   * Not limited by the window of numbered pages: search_after.
   */
  async function pageBackward(accountId: number, query: SearchQuery | undefined, request: PageRequest, field?: string): Promise<ContactPage> {
    const { sort } = request;
    const cursor = request.before ? decodeCursor(cursorSecret, request.before, sortToString(sort), sortValueTypes(sort), listKeyOf(accountId), 'before') : undefined;
    const call = { timeoutMs, field };
    const at = await located(accountId);
    const size = request.perPage + 1;
    const has = { exists: { field: sortFieldOf(sort) } };
    const backwards: ContactSort = { ...sort, order: sort.order === 'asc' ? 'desc' : 'asc' };
    let hits: estypes.SearchHit<{ payload: ContactPayload }>[];
    let total: number;
    if (cursor ? !missingSortField(sort, cursor.values) : neverMissing(sort)) {
      // A cursor among the contacts with the field: the page after it in the opposite order, among
      // them, as a list's page is read (with the windows its hints allow; the hints hold both ways).
      // From the end of a sort whose field every contact holds, so: the first page of the opposite
      // order (asking first for the contacts without the field cost a round trip: at a million,
      // 1.12-1.18x the first page, against 0.99-1.03x).
      const read = await readInOrder(accountId, at, backwards, request.perPage, { query: narrowedBy(has, query), countQuery: query, cursor, from: 0 }, call);
      hits = read.hits;
      total = read.total!;
    } else {
      // From the end, or a cursor among the contacts without the field: the rest of those by id,
      // then the contacts with it from the other end, by the opposite sort (missing values last).
      // Sorted with the missing values first, Elasticsearch could skip nothing: 24-40 ms a page at a
      // million, against 3-5. Past a cursor, first within a few pages' worth of the cursor's tie gap,
      // as a forward page inside a tie is read (at a million, 100,000 from the end of -email, by
      // search_after alone 12-13 ms, in the window 4.6-5); then, if the window held too few, by
      // search_after on the id (a range over most of the index took 10-30 ms to gather). From the
      // end, first up to where the last read from the end ended, as a list's first page is read
      // (at a million, by -phone_number, 5.6-7.3 ms in Elasticsearch for the whole tie, 3.2-3.4 up to there).
      const id = cursor?.values[cursor.values.length - 1] as number;
      const fromEnd = cursor ? undefined : lastPageEnds.recall(accountId, backwards, query);
      const window = cursor
        ? cursor.tieGap !== undefined ? idsPast(id, cursor.tieGap, request.perPage, backwards.order) : undefined
        : fromEnd && idsUpTo(fromEnd.bound, backwards.order);
      const without = (near: SearchQuery | undefined) => ({
        query: scoped(accountId, narrowedBy({ bool: { must_not: [has], filter: near ? [near] : [] } }, query)),
        sort: [{ id: { order: backwards.order } }],
        size,
        ...(cursor && !near ? { search_after: [id] } : {}),
        track_total_hits: false,
        _source: ['payload'],
        ...limits.body,
      });
      const [withoutField, counted] = await searchAll(at, [without(window), countBody(accountId, query)], call);
      total = totalOf(counted.hits.total ?? 0);
      let missing = withoutField.hits.hits;
      // The window held fewer than a page and one: the rest of those contacts lie past it, or there are no more.
      if (window && missing.length < size) [{ hits: { hits: missing } }] = await searchAll(at, [without(undefined)], call);
      if (!cursor) {
        const bound = idBoundAfter(missing, request.perPage, backwards.order);
        lastPageEnds.learn(accountId, backwards, query, bound === undefined ? undefined : { missing: sortFieldOf(sort), bound });
      }
      // The contacts without the field answer the sort values the whole sort would have given them.
      const place = missingSortValues(sort);
      hits = missing.map((hit) => ({ ...hit, sort: [...place, Number(hit._id)] }));
      // Those with the field only when the others leave room (a second round trip): read beside
      // them every time, by -company_name they cost 15-20 ms of a page that never showed one (the
      // first page of company ties hundreds of thousands of contacts). Read as a list's first page
      // is, from the window where the last one ended.
      if (hits.length < size) {
        const rest = await readInOrder(accountId, at, backwards, request.perPage - hits.length, { query: narrowedBy(has, query), countQuery: false, from: 0 }, call);
        hits = [...hits, ...rest.hits];
      }
    }
    const kept = request.last ? total % request.perPage || request.perPage : request.perPage;
    const shown = hits.slice(0, kept).reverse();
    const prevCursor = hits.length > kept ? cursorAt(request, accountId, shown[0], shown, cursor, 'before') : null;
    // Going back from a cursor, the contacts after the page are the cursor's own and those after it.
    const nextCursor = request.last ? null : cursorAt(request, accountId, shown[shown.length - 1], shown, cursor, 'before');
    return {
      contacts: shown.map((hit) => withAvailability(hit._source!.payload)),
      count: total,
      nextCursor,
      prevCursor,
      ...(request.last ? { pageNumber: Math.max(1, Math.ceil(total / request.perPage)) } : {}),
    };
  }

  /**
   * The hits of a page in `sort`'s order (perPage, and one more but on the window's last page) and,
   * unless `countQuery` is `false` (a caller that already counted), the exact count of `countQuery`:
   * a list's page, or (in the reversed order, among the contacts with the sort field) the page
   * before a cursor.
   */
  async function readInOrder(
    accountId: number,
    at: { index: string; routing?: string },
    sort: ContactSort,
    perPage: number,
    { query, countQuery, cursor, from }: { query: SearchQuery | undefined; countQuery: SearchQuery | undefined | false; cursor?: DecodedCursor; from: number },
    call: SearchCall,
  ) {
    const searchAfter = cursor?.values;
    // One extra hit tells whether a next page exists, except on the window's last page, which
    // Elasticsearch would refuse one more hit: there the exact count tells. The count is its own search:
    // counting inside the page's search would stop Elasticsearch from skipping non-competitive
    // hits. Both go in one _msearch: one round trip, and Elasticsearch runs them side by side.
    const askExtra = from + perPage < MAX_PAGED_WINDOW;
    const size = perPage + (askExtra ? 1 : 0);
    const pageBody = (pageQuery: SearchQuery | undefined, after?: estypes.SortResults) => ({
      query: scoped(accountId, pageQuery),
      sort: toSearchSort(sort),
      size,
      from,
      search_after: after,
      track_total_hits: false,
      _source: ['payload'],
      ...limits.body,
    });
    const search = (bodies: object[]) => searchAll(at, bodies, call);

    // The page and the exact count, in one round trip. A cursor inside a long tie tries the tie
    // first, a cursor of a numeric sort the band of values after it, one of a text sort the texts
    // that share its start, and a first page the window where the last first page of its sort and
    // query ended. The tie window holds only contacts after the cursor; the others are narrowed
    // by search_after as the plain search is. A window may be several searches, whose hits one
    // after the other are a prefix of the order (firstPageWindow).
    const firstPage = !cursor && from === 0 && askExtra;
    const firstEnd = firstPage ? firstPageEnds.recall(accountId, sort, query) : undefined;
    const tie = askExtra ? tieWindow(sort, perPage, cursor) : undefined;
    const one = askExtra ? (tie ?? valueWindow(sort, perPage, cursor) ?? textBand(sort, cursor, perPage)) : undefined;
    const windows = one ? [one] : firstEnd && firstPageWindow(sort, firstEnd);
    const after = tie ? undefined : (searchAfter as estypes.SortResults);
    const counted = countQuery !== false;
    const pages = await search([...(windows ? windows.map((w) => pageBody(narrowedBy(w, query), after)) : [pageBody(query, after)]), ...(counted ? [countBody(accountId, countQuery)] : [])]);
    const total = counted ? totalOf(pages.pop()!.hits.total ?? 0) : undefined;
    let hits = pages.flatMap((p) => p.hits.hits).slice(0, size);
    if (windows && hits.length < size) [{ hits: { hits } }] = await search([pageBody(query, searchAfter as estypes.SortResults)]);
    if (firstPage) firstPageEnds.learn(accountId, sort, query, firstPageEndOf(sort, perPage, hits));
    return { hits, total, askExtra };
  }

  async function page(accountId: number, query: SearchQuery | undefined, request: PageRequest, field?: string): Promise<ContactPage> {
    if (request.last || request.before) return pageBackward(accountId, query, request, field);
    const cursor = request.after ? decodeCursor(cursorSecret, request.after, sortToString(request.sort), sortValueTypes(request.sort), listKeyOf(accountId)) : undefined;
    const searchAfter = cursor?.values;
    const from = searchAfter ? 0 : ((request.page ?? 1) - 1) * request.perPage;
    if (from + request.perPage > MAX_PAGED_WINDOW) {
      // A page past the last contact is an empty page, as Chatwoot answers a script that walks the
      // pages until one comes back empty; only one that holds contacts past the window needs the cursor.
      const total = await count(accountId, query, field);
      if (total <= from) return { contacts: [], count: total, nextCursor: null, prevCursor: null };
      throw new ValidationError(
        `page ${request.page} reaches past the first ${MAX_PAGED_WINDOW} contacts; page deeper with meta.next_cursor and ?after=, or back from page=last with meta.prev_cursor and ?before=`,
        'page',
      );
    }
    const at = await located(accountId);
    const read = await readInOrder(accountId, at, request.sort, request.perPage, { query, countQuery: query, cursor, from }, { timeoutMs, field });
    const { hits, askExtra } = read;
    const total = read.total!;
    const shown = hits.slice(0, request.perPage);
    const next = cursorAt(request, accountId, shown[shown.length - 1], shown, cursor);
    return {
      contacts: shown.map((hit) => withAvailability(hit._source!.payload)),
      count: total,
      nextCursor: (askExtra ? hits.length > request.perPage : total > from + shown.length) ? next : null,
      // A page read from a cursor or past the first has contacts before it (the cursor's own, at least).
      prevCursor: cursor || from > 0 ? cursorAt(request, accountId, shown[0], shown, cursor) : null,
    };
  }

  /**
   * Exact counts of many queries in ONE request (_msearch, size 0): the segment counts of an
   * account. A query that fails or runs out of time answers null, the others still count.
   */
  async function countMany(accountId: number, queries: SearchQuery[]): Promise<(number | null)[]> {
    if (!queries.length) return [];
    const at = await located(accountId);
    const searches = queries.flatMap((query) => [at, countBody(accountId, query)]);
    const res = await callSearch(() => es.msearch({ searches }, limits.options), { timeoutMs });
    return res.responses.map((r) =>
      'hits' in r && !r.timed_out && !r._shards.failed && r.hits.total !== undefined ? totalOf(r.hits.total) : null,
    );
  }

  /**
   * Every contact of the account the query matches, a batch of hits at a time (see walkIndex), in
   * the index its searches read, or in `target` (reconcile of the index an account moves to).
   */
  async function* walk<T>(accountId: number, query: SearchQuery | undefined, options: WalkOptions, target?: IndexTarget): AsyncGenerator<estypes.SearchHit<T>[]> {
    const at = target ? { index: target.index, routing: searchRouting(target, accountId) } : await located(accountId);
    yield* walkIndex<T>(es, at.index, scoped(accountId, query), { ...options, call: { timeoutMs }, routing: at.routing });
  }

  /** Every matching contact id, a batch at a time (bulk actions, reconcile). */
  async function* matchingIds(accountId: number, query: SearchQuery | undefined, batchSize = 1000, target?: IndexTarget): AsyncGenerator<number[]> {
    for await (const hits of walk(accountId, query, { batchSize, keepAlive: '5m', source: false }, target)) yield hits.map((hit) => Number(hit._id));
  }

  /**
   * Every matching contact, a batch at a time, with the version the point in time holds it at
   * (the index's external version is the contact's): a bulk action knows which contacts changed
   * since it began, whose match it checks again (matchingVersions).
   */
  async function* matchingContacts(accountId: number, query: SearchQuery, batchSize = 1000): AsyncGenerator<IndexedVersion[]> {
    for await (const hits of walk(accountId, query, { batchSize, keepAlive: '5m', source: false, version: true })) {
      yield hits.map((hit) => ({ id: Number(hit._id), version: hit._version! }));
    }
  }

  /** Which of these contacts match the query now (as last refreshed), at the version the index holds each. */
  async function matchingVersions(accountId: number, query: SearchQuery, ids: number[]): Promise<Map<number, number>> {
    if (!ids.length) return new Map();
    const at = await located(accountId);
    const body = { query: scoped(accountId, { bool: { filter: [query, { ids: { values: ids.map(String) } }] } }), size: ids.length, version: true, _source: false, track_total_hits: false, ...limits.body };
    const res = await callSearch(() => es.search({ ...at, ...body }, limits.options), { timeoutMs });
    return new Map(res.hits.hits.map((hit) => [Number(hit._id), hit._version!]));
  }

  /** Every matching contact's payload, a batch at a time, by id or in a list's order (export). */
  async function* scan(accountId: number, query: SearchQuery | undefined, options: { batchSize?: number; keepAlive?: string; sort?: ContactSort } = {}): AsyncGenerator<ContactPayload[]> {
    const batches = walk<{ payload: ContactPayload }>(accountId, query, {
      batchSize: options.batchSize ?? 1000,
      keepAlive: options.keepAlive ?? '2m',
      source: ['payload'],
      sort: options.sort && toSearchSort(options.sort),
      lastWithout: options.sort && { field: sortFieldOf(options.sort), order: options.sort.order },
    });
    for await (const hits of batches) yield hits.map((hit) => withAvailability(hit._source!.payload));
  }

  /** Makes every write the index has acknowledged visible to the next search. */
  const refresh = async () => {
    const own = (await placements.current()).ownIndices();
    await callSearch(() => es.indices.refresh({ index: [index, ...own] }));
  };

  return { page, count, countMany, matchingIds, matchingContacts, matchingVersions, refresh, scoped, scan };
}

export type ContactSearch = ReturnType<typeof createContactSearch>;
