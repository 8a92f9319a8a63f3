import type { Client } from '@elastic/elasticsearch';
import type { ContactModel } from '../records/contact.model';
import type { PendingSync, PendingSyncModel } from '../records/pending-sync.model';
import { deleteMarks } from '../records/pending-writes';
import { pagesOf } from '../shared/pages-of';
import { findContactsBehindIndex } from './index-drift';
import type { PlacementView } from './index-placements';
import type { SyncScheduler } from './sync-queue';

const PAGE = 1000;

export interface SweepDeps {
  pending: PendingSyncModel;
  contacts: ContactModel;
  es: Client;
  placements: { current(): Promise<PlacementView> };
  scheduler: SyncScheduler;
  /** Writes younger than this are left to their own sync jobs. */
  graceMs: number;
}

/**
 * Re-queues the contacts of pending writes older than the grace time that the index does not
 * hold yet (their job was lost to a Redis outage, or failed every retry while Elasticsearch
 * was down), and drops the markers of those it does hold. It reads the pending_sync collection
 * as a stream, a page of markers at a time, so its cost and memory follow what is pending,
 * never the number of contacts. Answers how many contacts it re-queued.
 */
export async function sweepPendingContacts(deps: SweepDeps): Promise<number> {
  const upTo = new Date(Date.now() - deps.graceMs);
  let queued = 0;
  const markers = deps.pending.find({ at: { $lt: upTo } }).lean<PendingSync[]>().cursor({ batchSize: PAGE });
  for await (const page of pagesOf<PendingSync>(markers, PAGE)) queued += await settle(deps, page);
  return queued;
}

async function settle(deps: SweepDeps, markers: PendingSync[]): Promise<number> {
  const contacts = await deps.contacts.find({ _id: { $in: markers.map((m) => m._id) } }, { _id: 1, account_id: 1, version: 1, deleted: 1 }).lean();
  const view = await deps.placements.current();
  const behind = new Set(await findContactsBehindIndex(deps.es, view.writes, contacts));
  if (behind.size) await deps.scheduler.schedule([...behind]);
  // The rest are in the index as MongoDB has them (or purged): their markers are done with. A
  // marker ahead of its contact is a write that failed after marking it. Deleted only as read,
  // so a marker a new write has just raised stays.
  const done = markers.filter((m) => !behind.has(Number(m._id)));
  await deleteMarks(deps.pending, done);
  return behind.size;
}
