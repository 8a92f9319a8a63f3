import type { ContactWriter } from '../contacts/contact-writer';
import type { RemoveManyOptions } from '../contacts/contacts.service';
import type { Contact } from '../records/contact.model';
import { normalizeLabels } from '../labels/labels.service';
import type { ContactSearch, SearchQuery } from '../search/search-contacts';
import { ForbiddenError, messageForCaller, NotFoundError, UnavailableError, ValidationError } from '../shared/errors';
import type { IdAllocator } from '../shared/id-allocator';
import type { Logger } from '../shared/logger';
import { withTimeout } from '../shared/queues';
import { isStoreAway } from '../shared/resume-when-store-back';
import { sanitizeFilterPayload } from '../search/build-segment-query';
import type { BulkAction, BulkActionModel } from './bulk-action.model';
import { toBulkActionPayload } from './bulk-action.presenter';
import { segmentOf, type BulkActionInput } from './bulk-actions.schemas';

/** A selection of up to this many contacts (ids, or a filter's or segment's count) is done within the request; anything larger runs as a job. */
export const INLINE_LIMIT = 100;
/**
 * How long a running action may go without a write before its job is taken for lost: a run
 * writes after every batch, and waits at most BULK_INDEX_WAIT_MS (30 s) on the index between.
 */
export const RUNNING_LEFT_FOR_MS = 5 * 60_000;
const BATCH = 1000;

/** Contacts the action goes through at once; a filter's with its query and the version its point in time holds each at. */
interface Batch {
  ids: number[];
  filter?: { query: SearchQuery; snapshot: ReadonlyMap<number, number> };
}

export interface BulkJob {
  id: number;
}

export interface BulkActionsDeps {
  bulkActions: BulkActionModel;
  nextIds: IdAllocator;
  writer: Pick<ContactWriter, 'liveAmong' | 'writeMany' | 'writeChosen'>;
  /** Deletes the live contacts among `ids` that `choose` keeps, telling `beforeWrite` which they are first; answers those deleted. */
  removeContacts(accountId: number, ids: number[], options: Pick<RemoveManyOptions, 'beforeWrite' | 'choose'>): Promise<number[]>;
  search: Pick<ContactSearch, 'matchingContacts' | 'matchingVersions' | 'count' | 'refresh'>;
  /** Indexes these contacts as read from MongoDB (indexWritten): what the index refuses is left to the sync. */
  indexContacts(accountId: number, docs: Contact[]): Promise<void>;
  /** Whether the index holds what was written to these contacts, waiting a bounded time for it (waitUntilIndexed). */
  waitIndexed(ids: number[]): Promise<boolean>;
  labels: { ensureLabels(accountId: number, titles: string[]): Promise<void> };
  segments: {
    compile(accountId: number, payload: unknown): Promise<SearchQuery>;
    queryOfSegment(accountId: number, id: number): Promise<SearchQuery>;
  };
  enqueue: (job: BulkJob) => Promise<unknown>;
  logger: Logger;
}

export function createBulkActionsService(deps: BulkActionsDeps) {
  const { bulkActions, logger } = deps;

  /**
   * The contacts of a filter's batch that match it still. The walk reads a point in time taken
   * when the job began: a contact an agent took out of the filter since (the PATCH answered
   * seconds before the job reached it) was deleted with the rest. One at the version the point in
   * time holds it at matches; one changed since is asked again of the index, once it holds the
   * contact's version: left alone when it no longer matches, or when the index cannot say.
   */
  async function stillMatching(accountId: number, live: Contact[], { query, snapshot }: NonNullable<Batch['filter']>): Promise<Contact[]> {
    const changed = live.filter((contact) => contact.version !== snapshot.get(Number(contact._id)));
    if (!changed.length) return live;
    // Indexed here as read (external versions: a newer one indexed meanwhile stays), then
    // refreshed: the sync may not have got to them, nor a refresh shown them.
    await deps.indexContacts(accountId, changed);
    await deps.search.refresh();
    const seen = await deps.search.matchingVersions(accountId, query, changed.map((contact) => Number(contact._id)));
    // A contact the index refused to take at the version read is not known to match.
    const matches = (contact: Contact) => (seen.get(Number(contact._id)) ?? -1) >= contact.version;
    const gone = new Set(changed.filter((contact) => !matches(contact)));
    return live.filter((contact) => !gone.has(contact));
  }

  /**
   * One batch: the account's live contacts among `ids` (a filter's: those that match it still),
   * each changed by one update conditional on its version, then re-synced. Answers how many
   * contacts it changed.
   */
  async function apply(action: BulkAction, { ids, filter }: Batch): Promise<number> {
    const accountId = action.account_id;
    const choose = filter && ((found: Contact[]) => stillMatching(accountId, found, filter));
    if (action.delete) {
      // The contacts service's own removal: notes, identities and conversations go with them.
      return (await deps.removeContacts(accountId, ids, { beforeWrite: (liveIds) => recordInFlight(action, liveIds), choose })).length;
    }
    const read = await deps.writer.liveAmong(accountId, ids);
    const live = choose ? await choose(read) : read;
    if (!live.length) return 0;
    // Labels are created once a contact of the account is there to carry them (not for ids that
    // name none), and before any contact carries them: every label on a contact is an account label.
    if (action.add_labels.length) await deps.labels.ensureLabels(accountId, action.add_labels);
    const changing = live.filter((contact) => !isDone(action, contact));
    if (changing.length) await recordInFlight(action, changing.map((contact) => Number(contact._id)));
    // Counted from the write, not the read: a contact deleted in between is not changed. Chosen by
    // a filter, each is written only as it was when it matched (writeChosen).
    const update = { addToSet: { labels: action.add_labels }, pull: { labels: action.remove_labels } };
    const changed = choose
      ? (await deps.writer.writeChosen(accountId, changing, update, { choose, applies: (contact) => !isDone(action, contact) })).length
      : await deps.writer.writeMany(accountId, changing, update);
    // And after: a label deleted meanwhile is taken again (see ensureLabels).
    if (action.add_labels.length) await deps.labels.ensureLabels(accountId, action.add_labels);
    return changed;
  }

  /** Whether the contact already carries what the action adds and none of what it removes. */
  const isDone = (action: BulkAction, contact: { labels?: string[] }) => {
    const held = contact.labels ?? [];
    return action.add_labels.every((t) => held.includes(t)) && !action.remove_labels.some((t) => held.includes(t));
  };

  const recordInFlight = (action: BulkAction, ids: number[]) => bulkActions.updateOne({ _id: action._id }, { $set: { in_flight: ids } });

  /**
   * A run that died between a batch's write and its count left the batch's contacts recorded:
   * those now changed as the action changes them (deleted, for a delete) were changed by that run.
   * Without this, the run that takes over found them done and `changed` fell short by the batch.
   */
  async function countInFlight(action: BulkAction): Promise<void> {
    const ids = action.in_flight ?? [];
    if (!ids.length) return;
    const live = await deps.writer.liveAmong(action.account_id, ids);
    const done = action.delete ? ids.length - live.length : live.filter((contact) => isDone(action, contact)).length;
    await bulkActions.updateOne({ _id: action._id }, { $inc: { changed: done }, $unset: { in_flight: 1 } });
  }

  async function* batchesOf(action: BulkAction): AsyncGenerator<Batch> {
    if (action.selection.ids) {
      for (let i = 0; i < action.selection.ids.length; i += BATCH) yield { ids: action.selection.ids.slice(i, i + BATCH) };
      return;
    }
    const query = JSON.parse(action.compiled_query!) as SearchQuery;
    for await (const found of deps.search.matchingContacts(action.account_id, query, BATCH)) {
      yield { ids: found.map((c) => c.id), filter: { query, snapshot: new Map(found.map((c) => [c.id, c.version])) } };
    }
  }

  /** `inline`: within the request, where nothing tries it again (a job is: a store away leaves it running). */
  async function run(id: number, { inline = false } = {}): Promise<void> {
    const action = await bulkActions.findById(id).lean();
    if (!action || action.status === 'completed') return;
    // `processed` is not reset: a run that takes up one stopped midway (its worker killed) walks
    // the selection from the start, and the progress shown must never go back (it read 2000/8000,
    // then 1000/8000). Each batch raises it only past what an earlier run reached ($max).
    await bulkActions.updateOne({ _id: id }, { $set: { status: 'running', updated_at: new Date() } });
    await countInFlight(action);
    let processed = 0;
    // A job says `completed` once what it wrote is searchable, as an import does: a script that
    // waited for it and then counted the segment found part of the contacts (2,103 of 2,862) for
    // a second or two. Each batch's contacts are indexed by the background sync; a batch is
    // confirmed two batches later (by then indexed, so the job rarely waits, and it never runs
    // far ahead of the sync), the last ones at the end, then the index is refreshed. A wait
    // that times out (the sync behind, Elasticsearch away) ends the waiting: the marks stay for
    // the sync and the sweep, and the job completes as before.
    const unconfirmed: number[][] = [];
    let indexBehind = false;
    const confirm = async (ids: number[]) => {
      if (indexBehind || (await deps.waitIndexed(ids))) return;
      indexBehind = true;
      logger.warn({ bulkActionId: id }, 'bulk action: the index is behind its writes; it completes without waiting for them to be searchable');
    };
    try {
      for await (const batch of batchesOf(action)) {
        const { ids } = batch;
        const changed = await apply(action, batch);
        processed += ids.length;
        // Added up over runs, not reset: a run after a failed one finds the contacts changed
        // before already changed and does not count them again.
        await bulkActions.updateOne({ _id: id }, { $set: { updated_at: new Date() }, $max: { processed }, $inc: { changed }, $unset: { in_flight: 1 } });
        if (inline) continue;
        unconfirmed.push(ids);
        if (unconfirmed.length > 2) await confirm(unconfirmed.shift()!);
      }
      for (const ids of unconfirmed) await confirm(ids);
      if (!inline && !indexBehind) await deps.search.refresh().catch((err: unknown) => logger.warn({ err, bulkActionId: id }, 'bulk action completed without a refresh: its last contacts become searchable at the next one'));
      // Done, the whole selection was gone through. A run that takes up one stopped midway (its
      // worker killed) walks only what its filter still matches: contacts it deleted, or took
      // out of the filter, are not walked again, so its own count can fall short of the total.
      const through = Math.max(processed, action.total);
      await bulkActions.updateOne({ _id: id }, { $set: { status: 'completed', processed: through, finished_at: new Date(), updated_at: new Date() } });
    } catch (err) {
      // A store away: the job is tried again, and queued again while it stays away
      // (resumeWhenStoreBack), so the action stays running; it is not failed half done.
      if (isStoreAway(err) && !inline) throw err;
      logger.warn({ err, bulkActionId: id }, 'bulk action failed');
      await bulkActions.updateOne({ _id: id }, { $set: { status: 'failed', error: messageForCaller(err), finished_at: new Date(), updated_at: new Date() } });
      throw err;
    }
  }

  return {
    run,

    /**
     * Queues again the jobs of actions still queued or running (a job lost with Redis: a Redis
     * without persistence restarted, and a 202's action stayed `queued` for good; found by a
     * black-box fault audit): when a worker starts, when Redis comes back, and at every sweep. It
     * reads every account's unfinished actions, which are few. An action run within its request
     * (at most INLINE_LIMIT contacts) is not its job. A job Redis still holds is left as it is.
     * A running action written within RUNNING_LEFT_FOR_MS is left alone: its job may be lost
     * while the process that runs it goes on, and a second run would go through the same
     * contacts beside it. Answers how many were queued.
     */
    async requeueUnfinished(): Promise<number> {
      const unfinished = await bulkActions.find({ status: { $in: ['queued', 'running'] }, total: { $gt: INLINE_LIMIT } }, { _id: 1, status: 1, updated_at: 1 }).lean();
      const since = Date.now() - RUNNING_LEFT_FOR_MS;
      const stalled = unfinished.filter((a) => a.status === 'queued' || a.updated_at.getTime() < since);
      for (const { _id } of stalled) await deps.enqueue({ id: _id });
      return stalled.length;
    },

    async create(accountId: number, role: string, input: BulkActionInput) {
      if (input.action_name === 'delete' && role !== 'administrator') throw new ForbiddenError('only administrators may delete contacts');
      const add = normalizeLabels(input.labels?.add ?? []);
      const remove = normalizeLabels(input.labels?.remove ?? []);
      // Added and removed at once would be removed (the batch applies both), yet counted as changed.
      const both = add.filter((title) => remove.includes(title));
      if (both.length) throw new ValidationError(`labels ${both.map((t) => JSON.stringify(t)).join(', ')} cannot be both added and removed`, 'labels');
      let compiled: SearchQuery | null = null;
      const segmentId = segmentOf(input);
      if (input.payload !== undefined) compiled = await deps.segments.compile(accountId, input.payload);
      else if (segmentId !== undefined) compiled = await deps.segments.queryOfSegment(accountId, segmentId);

      const ids = input.ids ? [...new Set(input.ids)] : undefined;
      const total = ids ? ids.length : await deps.search.count(accountId, compiled!, input.payload !== undefined ? 'payload' : 'custom_filter_id');
      const [id] = await deps.nextIds('bulk_actions');
      const now = new Date();
      const doc: BulkAction = {
        _id: id,
        account_id: accountId,
        status: 'queued',
        add_labels: add,
        remove_labels: remove,
        delete: input.action_name === 'delete',
        selection: ids ? { ids } : input.payload !== undefined ? { payload: sanitizeFilterPayload(input.payload) } : { custom_filter_id: segmentId },
        compiled_query: compiled ? JSON.stringify(compiled) : null,
        total,
        processed: 0,
        changed: 0,
        error: null,
        created_at: now,
        updated_at: now,
        finished_at: null,
      };
      await bulkActions.create(doc);

      if (total <= INLINE_LIMIT) {
        await run(id, { inline: true });
        return { inline: true, action: toBulkActionPayload((await bulkActions.findById(id).lean())!) };
      }
      try {
        await withTimeout(deps.enqueue({ id }), 2000, 'queueing the bulk action');
      } catch (err) {
        await bulkActions.updateOne({ _id: id }, { $set: { status: 'failed', error: 'could not be queued', finished_at: new Date() } });
        logger.warn({ err, bulkActionId: id }, 'bulk action not queued');
        throw new UnavailableError('the job queue is unavailable right now; try again shortly');
      }
      return { inline: false, action: toBulkActionPayload(doc) };
    },

    async show(accountId: number, id: number) {
      const action = await bulkActions.findOne({ _id: id, account_id: accountId }).lean();
      if (!action) throw new NotFoundError('bulk action', id);
      return toBulkActionPayload(action);
    },
  };
}

export type BulkActionsService = ReturnType<typeof createBulkActionsService>;
