import type { Client } from '@elastic/elasticsearch';
import type { ContactModel } from '../records/contact.model';
import type { DefinitionStore } from '../records/custom-attribute-definitions';
import type { Logger } from '../shared/logger';
import { createMetrics } from '../shared/metrics';
import { createContactIndexer, type IndexOutcome } from './contact-indexer';
import { forceMergeToOneSegment } from './force-merge';
import { createContactsIndex, MAPPING_VERSION, versionedIndexName } from './contacts-index';
import { deleteFromIndex, indexVersions } from './index-drift';
import { fixedView, searchRouting, type IndexPlacements, type IndexTarget } from './index-placements';
import type { ReconcileOptions, ReconcileReport } from './reconcile';
import { walkIndex } from './search-contacts';

export type MovePhase = 'dual-writes' | 'copy' | 'reconcile' | 'catch-up' | 'reads' | 'writes' | 'cleanup' | 'done';

export interface MoveReport {
  account: number;
  from: string;
  to: string;
  /** An earlier move of this account that stopped midway, finished by this one. */
  resumed: boolean;
  /** Contacts copied from MongoDB into the new index. */
  copied: number;
  /** The new index compared with MongoDB after the copy (README, "An account's own index"). */
  reconcile?: ReconcileReport;
  /** Contacts the old index held and the new one lacked after the copy and its reconcile, indexed then. */
  missing: number;
  /** Documents removed from the shared alias afterwards (an own index left behind is deleted whole). */
  removed: number;
  failed: { id: number; reason: string }[];
}

export interface MoveDeps {
  es: Client;
  /** The shared alias. */
  alias: string;
  placements: IndexPlacements;
  contacts: ContactModel;
  definitions: Pick<DefinitionStore, 'ofAccounts'>;
  logger: Logger;
  /** Indexes contacts through the placements, as the sync worker does (to both indices while the account moves). */
  indexContacts: (ids: number[]) => Promise<IndexOutcome>;
  /** Reconcile of the account in one index (the composition root's). */
  reconcile: (accountId: number, options: ReconcileOptions, target: IndexTarget) => Promise<ReconcileReport>;
  /** Waits until every process has seen a placement change (placements.settleMs). */
  settle?: () => Promise<void>;
}

export class MoveRefused extends Error {}

/**
 * Moves one account's contacts to an index of their own (`toOwn`, `shards` primaries, spread by
 * contact id) or back to the shared alias, while the API and the workers keep running:
 *
 * 1. every write of the account goes to both indices (searches still read the old one);
 * 2. its contacts are copied from MongoDB, by the ids the old index holds, into the new one,
 *    which is then merged to one segment per shard;
 * 3. the new index is reconciled with MongoDB (what was written or deleted during the copy: its
 *    documents against MongoDB's versions), then the old index's ids are looked up in it: one it
 *    lacks (a write of a process that had not yet seen step 1) is indexed again;
 * 4. searches read the new index; 5. writes go to it alone; 6. the old copy is removed.
 *
 * Each step waits until every process has seen the one before (`settle`). A move that stops
 * midway (a crash, a failed copy) leaves the account written to both indices and read from
 * one, which is always whole: the same call finishes it.
 */
export async function moveAccount(
  deps: MoveDeps,
  accountId: number,
  options: { toOwn: boolean; shards?: number; replicas?: number; batchSize?: number; onProgress?: (phase: MovePhase, report: MoveReport) => void } = { toOwn: true },
): Promise<MoveReport> {
  const { es, alias, placements } = deps;
  const settle = deps.settle ?? (() => new Promise<void>((resolve) => setTimeout(resolve, placements.settleMs)));
  const targetOf = (index: string): IndexTarget => ({ index, byAccount: index === alias });
  const stored = await placements.of(accountId);
  const resumed = stored?.writes.length === 2;
  let from: string;
  let to: string;
  if (resumed) {
    [from, to] = stored!.writes;
  } else {
    from = stored?.read ?? alias;
    if (!options.toOwn && from === alias) throw new MoveRefused(`account ${accountId} is in the shared index already`);
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 17);
    to = options.toOwn ? `${versionedIndexName(`${alias}_account_${accountId}`, MAPPING_VERSION)}-${stamp}` : alias;
    if (options.toOwn) await createContactsIndex(es, to, { shards: options.shards ?? 1, replicas: options.replicas ?? 0 });
    await placements.set(accountId, { read: from, writes: [from, to] });
  }
  const report: MoveReport = { account: accountId, from, to, resumed, copied: 0, missing: 0, removed: 0, failed: [] };
  const progress = (phase: MovePhase) => options.onProgress?.(phase, report);
  const source = targetOf(from);
  const destination = targetOf(to);
  const ofAccount = { term: { account_id: String(accountId) } };
  /** The account's documents in an index (ids and routing), a batch at a time. */
  const documentsIn = (target: IndexTarget) =>
    walkIndex(es, target.index, ofAccount, { batchSize: options.batchSize ?? 1000, keepAlive: '5m', source: false, routing: searchRouting(target, accountId) });

  if (!resumed || stored!.read === from) {
    // 1. From here on no process writes the account to the old index alone.
    progress('dual-writes');
    await settle();

    // 2. The copy: the ids from the old index, the contacts from MongoDB (the source of truth,
    // and the current mapping's documents whatever the old index was built with).
    const copyTo = { current: async () => fixedView(destination) };
    const copier = createContactIndexer({ contacts: deps.contacts, definitions: deps.definitions, es, placements: copyTo, logger: deps.logger, metrics: createMetrics(), versionType: 'external_gte' });
    await es.indices.refresh({ index: from });
    for await (const hits of documentsIn(source)) {
      const live = (await copier.read(hits.map((hit) => Number(hit._id)))).filter((c) => !c.deleted && c.account_id === accountId);
      const { failed } = await copier.write(live);
      for (const [id, reason] of failed) report.failed.push({ id, reason });
      report.copied += live.length;
      progress('copy');
    }
    if (report.failed.length) throw new MoveRefused(`${report.failed.length} contacts could not be copied (first: ${report.failed[0].reason}); run the move again to finish it`);
    // Merged before it takes traffic, as a reindex does: the bulk copy leaves dozens of segments
    // per shard, and a search visits every one.
    if (to !== alias) await forceMergeToOneSegment(es, to);

    // 3. What changed during the copy, then what the old index holds and the new one lacks.
    progress('reconcile');
    await es.indices.refresh({ index: [from, to] });
    const reconciling = (r: ReconcileReport) => {
      report.reconcile = r;
      progress('reconcile');
    };
    report.reconcile = await deps.reconcile(accountId, { quick: true, onProgress: reconciling }, destination);
    report.failed.push(...report.reconcile.failed);
    await es.indices.refresh({ index: [from, to] });
    for await (const hits of documentsIn(source)) {
      const held = await indexVersions(es, destination, hits.map((hit) => ({ _id: hit._id!, account_id: accountId })));
      const lacking = hits.map((hit) => Number(hit._id)).filter((id) => !held.has(String(id)));
      progress('catch-up');
      if (!lacking.length) continue;
      report.missing += lacking.length;
      const { failed } = await deps.indexContacts(lacking);
      for (const [id, reason] of failed) report.failed.push({ id, reason });
    }
    if (report.failed.length) throw new MoveRefused(`${report.failed.length} contacts could not be brought up to date in the new index (first: ${report.failed[0].reason}); run the move again to finish it`);

    // 4. Searches read the new index.
    await placements.set(accountId, { read: to, writes: [from, to] });
    progress('reads');
    await settle();
  }

  // 5. Writes go to the new index alone; the old one is no longer read by anyone.
  if (to === alias) await placements.clear(accountId);
  else await placements.set(accountId, { read: to, writes: [to] });
  progress('writes');
  await settle();

  // 6. The old copy goes: the account's documents from the shared alias, or the old own index whole.
  progress('cleanup');
  if (from === alias) {
    // By id, a batch at a time (the local Elasticsearch has no delete-by-query: no reindex module).
    await es.indices.refresh({ index: from });
    for await (const hits of documentsIn(source)) {
      const held = await indexVersions(es, source, hits.map((hit) => ({ _id: hit._id!, account_id: accountId })));
      const gone = hits.filter((hit) => held.has(hit._id!)).map((hit) => ({ id: hit._id!, routing: hit._routing!, version: held.get(hit._id!)! }));
      const failed = await deleteFromIndex(es, from, gone);
      report.failed.push(...failed);
      report.removed += gone.length - failed.length;
      progress('cleanup');
    }
    await es.indices.refresh({ index: from });
  } else {
    report.removed = await countIn(es, source, accountId);
    await es.indices.delete({ index: from, ignore_unavailable: true });
  }
  progress('done');
  return report;
}

async function countIn(es: Client, target: IndexTarget, accountId: number): Promise<number> {
  const res = await es.count({ index: target.index, routing: searchRouting(target, accountId), query: { term: { account_id: String(accountId) } } });
  return res.count;
}
