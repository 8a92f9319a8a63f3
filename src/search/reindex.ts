import type { Client } from '@elastic/elasticsearch';
import { forceMergeToOneSegment } from './force-merge';
import type { Contact, ContactModel } from '../records/contact.model';
import type { DefinitionStore } from '../records/custom-attribute-definitions';
import type { Logger } from '../shared/logger';
import { exemptBecause } from '../shared/id-only-guard';
import { createMetrics } from '../shared/metrics';
import { createContactIndexer, type IndexOutcome } from './contact-indexer';
import { createContactsIndex, CURRENT_MAPPING, MAPPING_VERSION, versionedIndexName } from './contacts-index';
import { deleteFromIndex, findOrphans } from './index-drift';
import { fixedView, type PlacementView } from './index-placements';
import { walkIndex } from './search-contacts';

// Writers' clocks may run behind this one: contacts written this long before the copy started
// are indexed again after the swap too.
const CLOCK_SKEW_MS = 60_000;
// A write reaches the old index this long after its updated_at at most, as far as the passes
// right before the swap look back (a later one is caught up after the swap, in step 4).
const SYNC_LAG_MS = 10_000;
// The passes right before the swap go on until one takes less than this, or this many ran.
const SHORT_PASS_MS = 1_000;
const MAX_PASSES = 3;

export interface ReindexReport {
  /** The indices the alias pointed to before. */
  from: string[];
  /** The index built and now behind the alias. */
  to: string;
  /** Contacts copied from MongoDB into the new index. */
  copied: number;
  /** Live contacts of accounts with an index of their own, read and not copied (they stay where they are). */
  inOwnIndex: number;
  /** Contacts written while the copy ran, indexed again: before the swap into the new index, and after it through the alias (counted in both). */
  caughtUp: number;
  /** Documents of contacts deleted and purged while the copy ran, removed from the new index. */
  orphans: number;
  failed: { id: number; reason: string }[];
  deletedOld: boolean;
}

type Phase = 'copy' | 'swap' | 'catch-up' | 'orphans' | 'done';

/**
 * Builds a new index with the current mapping from MongoDB (the source of truth) and moves the
 * alias to it in one atomic alias update, while the API and the sync worker keep running
 * against the alias: searches never see a half-built index, and what was written during the
 * copy is indexed again after the swap (external versions make a repeat harmless). The old
 * index is kept for a rollback unless `deleteOld`.
 */
export async function reindexContacts(
  deps: {
    contacts: ContactModel;
    definitions: Pick<DefinitionStore, 'ofAccounts'>;
    es: Client;
    alias: string;
    shards: number;
    replicas: number;
    logger: Logger;
    /** The accounts with an index of their own are not copied: their index is moved apart (move-account). */
    placements: { current(): Promise<PlacementView> };
    /** Indexes through the alias, as the sync worker does; used once the alias has moved. */
    indexContacts: (ids: number[]) => Promise<IndexOutcome>;
  },
  options: { batchSize?: number; deleteOld?: boolean; onProgress?: (phase: Phase, report: ReindexReport) => void | Promise<void> } = {},
): Promise<ReindexReport> {
  const { contacts, es, alias } = deps;
  const batchSize = options.batchSize ?? 1000;
  if (!(await es.indices.existsAlias({ name: alias }))) throw new Error(`the alias "${alias}" does not exist: start the service once to create it`);
  const from = Object.keys(await es.indices.getAlias({ name: alias }));
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 17);
  const to = `${versionedIndexName(alias, MAPPING_VERSION)}-${stamp}`;
  const report: ReindexReport = { from, to, copied: 0, inOwnIndex: 0, caughtUp: 0, orphans: 0, failed: [], deletedOld: false };
  const progress = async (phase: Phase) => options.onProgress?.(phase, report);
  const recordFailed = ({ failed }: IndexOutcome) => {
    for (const [id, reason] of failed) report.failed.push({ id, reason });
  };

  await createContactsIndex(es, to, { shards: deps.shards, replicas: deps.replicas });
  // No refreshes while it is built: nobody searches it yet. And merges of adjacent segments only
  // (Lucene's LogByteSizeMergePolicy, "time_based"), so that every segment holds a run of the copy
  // (MongoDB's natural order, the order contacts were created) and the force merge lays those runs
  // out as Elasticsearch's ShuffleForcedMergePolicy always does, oldest and newest in turn: a
  // layout that follows the copy, where the runs' ends are where segments were flushed. Under the
  // tiered policy segments held runs merged in whatever order it chose (and sort timings were
  // 1.5-2x apart between two reindexes of the same data; README, Benchmark).
  await es.indices.putSettings({ index: to, settings: { index: { refresh_interval: '-1', 'merge.policy.type': 'time_based' } } });
  const since = new Date(Date.now() - CLOCK_SKEW_MS);

  // 1. Copy every live contact. The copy's writes are not sync lag: its metrics go nowhere.
  // Only the accounts written to the shared alias (one moving away still is): the placements
  // are read for each batch, so an account that moves meanwhile is copied or not as it stands.
  const copyTarget = { index: to, byAccount: true };
  const copyPlacements = {
    async current(): Promise<PlacementView> {
      const live = await deps.placements.current();
      return { ...fixedView(copyTarget), writes: (accountId) => (live.writes(accountId).some((t) => t.byAccount) ? [copyTarget] : []), outdated: live.outdated };
    },
  };
  const copier = createContactIndexer({ contacts, definitions: deps.definitions, es, placements: copyPlacements, logger: deps.logger, metrics: createMetrics() });
  const copy = async (batch: Contact[]) => {
    // Counted by what the copy writes: an account with its own index was counted as copied.
    const view = await copyPlacements.current();
    const shared = batch.filter((contact) => view.writes(contact.account_id).length > 0);
    recordFailed(await copier.write(shared));
    report.copied += shared.length;
    report.inOwnIndex += batch.length - shared.length;
    await progress('copy');
  };
  let batch: Contact[] = [];
  // One streaming pass over the whole collection: reading every contact once is the job.
  const everyContact = contacts.find({ deleted: false }).comment(exemptBecause('reindex copies every contact in one pass'));
  for await (const contact of everyContact.lean().cursor({ batchSize })) {
    batch.push(contact);
    if (batch.length >= batchSize) {
      await copy(batch);
      batch = [];
    }
  }
  if (batch.length) await copy(batch);
  await es.indices.putSettings({ index: to, settings: { index: { refresh_interval: CURRENT_MAPPING.settings.index.refresh_interval } } });
  // A search visits every segment of its shard; bulk loading leaves dozens of them. Merged
  // before it takes traffic (at a million contacts, 18 segments merged into one took a sorted
  // page from 7–9 ms to 4 ms inside Elasticsearch, and a count from 9 ms to 0 — README, Benchmark).
  // Minutes at millions of contacts: a task, polled until done (force-merge.ts).
  await forceMergeToOneSegment(es, to);
  // Back to the default policy for the index's life: updates leave deleted documents in old
  // segments, which the tiered policy reclaims and the adjacent one is slow to.
  await es.indices.putSettings({ index: to, settings: { index: { 'merge.policy.type': null } } });
  await es.indices.refresh({ index: to });

  // 2. What was written during the copy, indexed into the new index before it takes traffic, so
  // that searches after the swap do not miss it (counts would dip until step 4). The old index is
  // refreshed first: a write indexed into it but not yet refreshed is not in a walk of it.
  const writtenSince = async function* (start: Date) {
    await es.indices.refresh({ index: from.join(',') });
    for await (const hits of walkIndex(es, from.join(','), { range: { updated_at: { gte: start.getTime() } } }, { batchSize, keepAlive: '5m', source: false })) {
      yield hits.map((hit) => Number(hit._id));
    }
  };
  const catchUp = async (start: Date) => {
    for await (const ids of writtenSince(start)) {
      // Live ones only: the sync worker removes the deleted ones through the alias after the swap.
      recordFailed(await copier.write((await copier.read(ids)).filter((contact) => !contact.deleted)));
      report.caughtUp += ids.length;
      await progress('catch-up');
    }
  };
  let passStart = Date.now();
  await catchUp(since);
  // A contact copied and then deleted and purged during the copy has no MongoDB document left
  // to catch up from, nor a document in the old index: the new index's documents with no contact
  // behind them are found and deleted, before the swap (or searches after it would show the
  // deleted contacts until step 5) and again after it, for the deletes made meanwhile. Counted
  // once each in `orphans` (a document deleted is not found again).
  const removeOrphans = async () => {
    await es.indices.refresh({ index: to });
    for await (const hits of walkIndex(es, to, undefined, { batchSize, keepAlive: '5m', source: false })) {
      const orphans = new Set(await findOrphans(contacts, hits.map((hit) => hit._id!)));
      report.orphans += orphans.size;
      // Each deleted with the routing it was indexed with (its account's).
      report.failed.push(...(await deleteFromIndex(es, to, hits.filter((hit) => orphans.has(hit._id!)).map((hit) => ({ id: hit._id!, routing: hit._routing! })))));
      await progress('orphans');
    }
    await es.indices.refresh({ index: to });
  };
  await removeOrphans();

  // 2b. What was written during step 2 and the orphan pass (minutes at millions of contacts),
  // caught up again right before the swap, in passes from the last one's start until one is
  // short: what the sync puts into the old index after the last pass is in the new one only
  // once step 4 reaches it, and searches meanwhile missed it (a black-box read of 2026-12-05
  // saw 14 contacts gone from a list for 2 s after a swap).
  for (let pass = 0; pass < MAX_PASSES; pass += 1) {
    const started = Date.now();
    await catchUp(new Date(passStart - SYNC_LAG_MS));
    passStart = started;
    if (Date.now() - started < SHORT_PASS_MS) break;
  }
  await es.indices.refresh({ index: to });

  // 3. One atomic alias update: from now on every read and write goes to the new index.
  await es.indices.updateAliases({
    actions: [...from.map((index) => ({ remove: { index, alias } })), { add: { index: to, alias, is_write_index: true } }],
  });
  await progress('swap');

  // 4. What was written since step 2 began: the sync worker indexed it into the old index, which
  // finds it (MongoDB is read by _id only); it is read again from MongoDB and indexed through
  // the alias. A bulk request that resolved the alias before the swap may still be landing in
  // the old index: blocking its writes waits for those in flight (and fails later ones, whose
  // jobs are retried through the alias, now the new index), and the refresh in the walk makes
  // them visible to it. The block is lifted afterwards, for a rollback.
  await es.indices.addBlock({ index: from.join(','), block: 'write' });
  try {
    for await (const ids of writtenSince(since)) {
      recordFailed(await deps.indexContacts(ids));
      report.caughtUp += ids.length;
      await progress('catch-up');
    }
  } finally {
    await es.indices.putSettings({ index: from.join(','), settings: { index: { blocks: { write: false } } } });
  }

  // 5. Contacts deleted and purged since the first orphan pass: orphans again.
  await removeOrphans();

  if (options.deleteOld && from.length) {
    await es.indices.delete({ index: from });
    report.deletedOld = true;
  }
  await progress('done');
  return report;
}
