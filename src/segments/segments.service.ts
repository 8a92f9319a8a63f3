import type { DefinitionRef } from '../records/custom-attribute-fields';
import { narrowedBy, type ContactPage, type ContactSearch, type PageRequest, type SearchQuery } from '../search/search-contacts';
import { MAPPING_VERSION } from '../search/contacts-index';
import { NotFoundError, ValidationError } from '../shared/errors';
import type { AccountRecords } from '../shared/account-records';
import type { IdAllocator } from '../shared/id-allocator';
import { inChunks } from '../shared/id-lists';
import { buildSegmentQuery, isNoCondition, mayNameCustomAttributes, namesCompanyAlias, sanitizeFilterPayload } from '../search/build-segment-query';
import type { QueryLimits } from '../search/query-limits';
import { renameLabelInFilter } from './rename-label-in-filter';
import { toSegmentPayload } from './segment.presenter';
import type { Segment, SegmentModel } from './segment.model';
import type { SegmentInput } from './segments.schemas';

export interface SegmentsServiceDeps {
  segments: SegmentModel;
  /** The account's segments by id (account_links), so that listing them is two reads by _id. */
  listed: AccountRecords<Segment>;
  nextIds: IdAllocator;
  search: Pick<ContactSearch, 'countMany'>;
  /** The contact list (resolves custom attribute sorts, adds the account condition). */
  contacts: {
    list(accountId: number, query: SearchQuery | undefined, request: PageRequest, field?: string): Promise<ContactPage>;
    search(accountId: number, q: string, request: PageRequest, within?: SearchQuery): Promise<ContactPage>;
  };
  definitionsOf(accountId: number): Promise<DefinitionRef[]>;
  /** What one filter may cost; every filter compiled here (filter, segments, bulk actions, export) is held to them. */
  limits?: QueryLimits;
  /** Segments one account may hold (SEGMENTS_MAX): with_counts runs them all in one request. */
  maxSegments?: number;
}

export const DEFAULT_MAX_SEGMENTS = 1000;

/** What narrows a filter's or a segment's contacts further, as on the list: a labels condition and a search text. */
export interface Within {
  labels?: SearchQuery;
  q?: string;
}

// Every segment of the account is read for the list and counted for with_counts: one of the
// largest filters the query limits allow (2,000 values of 255 characters) took 0.9 MB, and 40 of
// them made a 60 MB list that doubled the API's memory.
const SEGMENT_MAX_FILTER_BYTES = 64 * 1024;
// And all of them together: a thousand segments of 64 KiB each made a 65 MB list (6 s, the API's
// memory 400 MB → 850 MB, two with_counts at once 1.4 GB), found by a black-box read of bounded cost.
export const SEGMENTS_MAX_TOTAL_BYTES = 4 * 1024 * 1024;

const filterBytes = (payload: unknown) => Buffer.byteLength(JSON.stringify(payload) ?? '');

/** The filter as a segment stores it, refused (422) when too big to store. */
function storedFilter(payload: unknown): unknown {
  const stored = sanitizeFilterPayload(payload);
  const bytes = filterBytes(stored);
  if (bytes > SEGMENT_MAX_FILTER_BYTES) {
    throw new ValidationError(
      `the filter takes ${bytes.toLocaleString('en-US')} bytes as JSON; a segment's may take at most ${SEGMENT_MAX_FILTER_BYTES.toLocaleString('en-US')} (run a larger one with POST /contacts/filter)`,
      'query.payload',
    );
  }
  return stored;
}

export function createSegmentsService({ segments, listed, nextIds, search, contacts, definitionsOf, limits, maxSegments = DEFAULT_MAX_SEGMENTS }: SegmentsServiceDeps) {
  /** The filter's query, and the definitions it was compiled with (undefined: it read none). */
  async function compiledWith(accountId: number, payload: unknown, at?: string): Promise<{ query: SearchQuery; definitions?: DefinitionRef[] }> {
    // Most filters name standard attributes only: they compile without reading the definitions.
    const definitions = mayNameCustomAttributes(payload) ? await definitionsOf(accountId) : undefined;
    return { query: buildSegmentQuery(payload, definitions ?? [], limits, at), definitions };
  }

  async function compile(accountId: number, payload: unknown, at?: string): Promise<SearchQuery> {
    return (await compiledWith(accountId, payload, at)).query;
  }

  /**
   * Run once a compiled query is stored. A definition's removal marks the account's segments
   * stale (markStale) after it hides the definition, so a query compiled from the definitions
   * read before and stored after that mark kept the removed attribute's slot as current (a
   * later definition in that slot would then answer for it). Read again after the store: either
   * the removal is seen here, or its mark comes after the store.
   */
  async function staleIfDefinitionsMoved(accountId: number, id: number, used: DefinitionRef[] | undefined): Promise<void> {
    if (!used || JSON.stringify(await definitionsOf(accountId)) === JSON.stringify(used)) return;
    await segments.updateOne({ _id: id, account_id: accountId }, { $set: { mapping_version: 0 } });
  }

  async function find(accountId: number, id: number): Promise<Segment> {
    const segment = await segments.findOne({ _id: id, account_id: accountId }).lean();
    if (!segment) throw new NotFoundError('custom filter', id);
    return segment;
  }

  /**
   * The stored query, recompiled from the stored filter when it was compiled for another
   * mapping version or marked stale (a custom attribute definition it may use was removed).
   */
  async function queryOf(segment: Segment): Promise<SearchQuery> {
    const current = segment.mapping_version === MAPPING_VERSION;
    // A segment naming `company` is compiled for each run: its meaning follows the definitions
    // (namesCompanyAlias), and a stored query ran company_name after the filter had moved on.
    if (current && !namesCompanyAlias(segment.query.payload)) return JSON.parse(segment.compiled_query) as SearchQuery;
    let compiled: Awaited<ReturnType<typeof compiledWith>>;
    try {
      // Named where the segment holds its items, as its create and update name them (it said payload[0]).
      compiled = await compiledWith(segment.account_id, segment.query.payload, 'query.payload');
    } catch (err) {
      if (err instanceof ValidationError) throw new ValidationError(`custom filter ${segment._id} no longer compiles: ${err.message}`, err.field);
      throw err;
    }
    if (current) return compiled.query;
    const res = await segments.updateOne(
      { _id: segment._id, account_id: segment.account_id, updated_at: segment.updated_at },
      { $set: { compiled_query: JSON.stringify(compiled.query), mapping_version: MAPPING_VERSION } },
    );
    if (res.modifiedCount) await staleIfDefinitionsMoved(segment.account_id, segment._id, compiled.definitions);
    return compiled.query;
  }

  /**
   * A page of the filter's contacts, narrowed as a list is: by `labels[]` (any of them, a further
   * condition of the query) and by a search text `q` (only its matches).
   */
  function page(accountId: number, query: SearchQuery | undefined, request: PageRequest, within: Within, field: string): Promise<ContactPage> {
    const narrowed = narrowedBy(query, within.labels);
    return within.q === undefined ? contacts.list(accountId, narrowed, request, field) : contacts.search(accountId, within.q, request, narrowed);
  }

  /**
   * Refuses a filter that would take the account's segments past SEGMENTS_MAX_TOTAL_BYTES
   * together (`replacing`: the segment it is to replace). Read from the segments themselves:
   * two writes at the same moment may both pass at the limit, which bounds the cost all the same.
   */
  async function checkRoom(accountId: number, filter: unknown, replacing?: Segment): Promise<void> {
    const bytes = filterBytes(filter);
    if (replacing && bytes <= filterBytes(replacing.query.payload)) return;
    const others = (await listed.all(accountId)).reduce((sum, s) => (s._id === replacing?._id ? sum : sum + filterBytes(s.query.payload)), 0);
    if (others + bytes > SEGMENTS_MAX_TOTAL_BYTES) {
      throw new ValidationError(
        `the account's segments would take ${(others + bytes).toLocaleString('en-US')} bytes of filters together (as JSON); they may take at most ${SEGMENTS_MAX_TOTAL_BYTES.toLocaleString('en-US')}: delete segments or make their filters smaller`,
        'query.payload',
      );
    }
  }

  return {
    compile,

    /** Runs a filter payload (POST /contacts/filter) with the list's sort and paging; with `labels` or `q`, only its contacts holding them or matching that search. */
    async filter(accountId: number, payload: unknown, request: PageRequest, within: Within = {}): Promise<ContactPage> {
      // No condition is the whole list, as Chatwoot answers it (a saved segment and a bulk action still need one).
      return page(accountId, isNoCondition(payload) ? undefined : await compile(accountId, payload), request, within, 'payload');
    },

    async list(accountId: number, options: { filterType?: string; withCounts?: boolean } = {}) {
      if (options.filterType && options.filterType !== 'contact') return [];
      const all = await listed.all(accountId);
      if (!options.withCounts) return all.map((s) => toSegmentPayload(s));
      const queries = await Promise.all(all.map((s) => queryOf(s).catch((err) => (err instanceof ValidationError ? null : Promise.reject(err)))));
      const runnable = queries.map((q, i) => ({ q, i })).filter((x): x is { q: SearchQuery; i: number } => x.q !== null);
      const counts = await search.countMany(accountId, runnable.map((x) => x.q));
      const byIndex = new Map(runnable.map((x, j) => [x.i, counts[j]]));
      return all.map((s, i) => toSegmentPayload(s, byIndex.get(i) ?? null));
    },

    async show(accountId: number, id: number) {
      return toSegmentPayload(await find(accountId, id));
    },

    async create(accountId: number, input: SegmentInput) {
      // Counted from the account's list (an id left by a crash counts until it is unlisted); two
      // creates at the same moment may both pass at the limit, which bounds the cost all the same.
      if ((await listed.ids(accountId)).length >= maxSegments) {
        throw new ValidationError(`an account holds at most ${maxSegments} segments (limit SEGMENTS_MAX); delete one first`);
      }
      // Named as the body holds it: errors said `payload[0]` of the segment's `query.payload[0]`.
      const compiled = await compiledWith(accountId, input.query.payload, 'query.payload');
      const filter = storedFilter(input.query.payload);
      await checkRoom(accountId, filter);
      const [id] = await nextIds('segments');
      const now = new Date();
      const doc: Segment = {
        _id: id,
        account_id: accountId,
        name: input.name,
        filter_type: 'contact',
        query: { payload: filter },
        compiled_query: JSON.stringify(compiled.query),
        mapping_version: MAPPING_VERSION,
        created_at: now,
        updated_at: now,
      };
      await listed.listed(accountId, id);
      await segments.create(doc);
      await staleIfDefinitionsMoved(accountId, id, compiled.definitions);
      return toSegmentPayload(doc);
    },

    async update(accountId: number, id: number, input: Partial<SegmentInput>) {
      const found = await find(accountId, id);
      const set: Partial<Segment> = {};
      if (input.name !== undefined && input.name !== found.name) set.name = input.name;
      let used: DefinitionRef[] | undefined;
      if (input.query !== undefined) {
        // Compiled even when it is the stored filter: a filter naming a definition deleted since is refused as on a create.
        const compiled = await compiledWith(accountId, input.query.payload, 'query.payload');
        const payload = storedFilter(input.query.payload);
        if (JSON.stringify(payload) !== JSON.stringify(found.query.payload)) {
          await checkRoom(accountId, payload, found);
          used = compiled.definitions;
          set.compiled_query = JSON.stringify(compiled.query);
          set.query = { payload };
          set.mapping_version = MAPPING_VERSION;
        }
      }
      // Nothing to change writes nothing and leaves updated_at as it was, as Rails saves no record without changes.
      if (!Object.keys(set).length) return toSegmentPayload(found);
      set.updated_at = new Date();
      const updated = await segments.findOneAndUpdate({ _id: id, account_id: accountId }, { $set: set }, { new: true }).lean();
      if (!updated) throw new NotFoundError('custom filter', id);
      await staleIfDefinitionsMoved(accountId, id, used);
      return toSegmentPayload(updated);
    },

    async remove(accountId: number, id: number): Promise<void> {
      const res = await segments.deleteOne({ _id: id, account_id: accountId });
      if (!res.deletedCount) throw new NotFoundError('custom filter', id);
      await listed.unlisted(accountId, id);
    },

    /** The stored query of a segment (for running it, exporting it, bulk actions on it). */
    async queryOfSegment(accountId: number, id: number): Promise<SearchQuery> {
      return queryOf(await find(accountId, id));
    },

    async run(accountId: number, id: number, request: PageRequest, within: Within = {}): Promise<ContactPage> {
      return page(accountId, await queryOf(await find(accountId, id)), request, within, 'id');
    },

    /**
     * A label renamed: every segment of the account whose filter names the old title in a
     * `labels` condition names the new one, filter and query, each write conditional on the
     * segment as read (one edited meanwhile is read again). Safe to run twice.
     */
    async renameLabel(accountId: number, from: string, to: string): Promise<void> {
      for (const chunk of inChunks(await listed.ids(accountId))) {
        for (const read of await segments.find({ _id: { $in: chunk }, account_id: accountId }).lean()) {
          let segment: Segment | null = read;
          for (let tries = 0; segment && tries < 5; tries++) {
            const payload = renameLabelInFilter(segment.query.payload, from, to);
            if (payload === segment.query.payload) break;
            const set: Partial<Segment> = { query: { payload }, updated_at: new Date() };
            let used: DefinitionRef[] | undefined;
            try {
              const compiled = await compiledWith(accountId, payload);
              used = compiled.definitions;
              Object.assign(set, { compiled_query: JSON.stringify(compiled.query), mapping_version: MAPPING_VERSION });
            } catch (err) {
              // A filter that no longer compiles for another reason says so when it is run.
              if (!(err instanceof ValidationError)) throw err;
              set.mapping_version = 0;
            }
            const res = await segments.updateOne({ _id: segment._id, account_id: accountId, updated_at: segment.updated_at }, { $set: set });
            if (res.modifiedCount) {
              await staleIfDefinitionsMoved(accountId, segment._id, used);
              break;
            }
            segment = await segments.findOne({ _id: segment._id, account_id: accountId }).lean();
          }
        }
      }
    },

    /** Makes every segment of the account recompile before its next run. */
    async markStale(accountId: number): Promise<void> {
      for (const chunk of inChunks(await listed.ids(accountId))) {
        await segments.updateMany({ _id: { $in: chunk }, account_id: accountId }, { $set: { mapping_version: 0 } });
      }
    },
  };
}

export type SegmentsService = ReturnType<typeof createSegmentsService>;
