import type { Client } from '@elastic/elasticsearch';
import type { ContactModel } from '../records/contact.model';
import { findContactsBehindIndex } from './index-drift';
import type { SweepStateModel } from './sweep-state.model';
import type { SyncScheduler } from './sync-queue';

const STATE_ID = 'contacts';
const PAGE = 1000;

/**
 * Finds contacts written since the watermark whose index version is behind MongoDB's (their
 * job was lost to a Redis outage, or failed every retry while Elasticsearch was down), queues
 * them again, and moves the watermark up to the oldest one still behind. Contacts younger
 * than `graceMs` are left to their own jobs.
 */
export async function sweepUnsyncedContacts(deps: {
  contacts: ContactModel;
  sweepState: SweepStateModel;
  es: Client;
  index: string;
  scheduler: SyncScheduler;
  graceMs: number;
  /** Where a first sweep starts; older contacts are the reconcile command's job. */
  firstLookbackMs?: number;
}): Promise<number> {
  const upTo = new Date(Date.now() - deps.graceMs);
  const state = await deps.sweepState.findById(STATE_ID).lean();
  const from = state?.watermark ?? new Date(upTo.getTime() - (deps.firstLookbackMs ?? 3600_000));
  // One pass, no server-side sort: FerretDB cannot sort from an index, so a sorted, paged scan
  // would read the whole collection once per page.
  const written = await deps.contacts
    .find({ updated_at: { $gte: from, $lt: upTo } }, { _id: 1, version: 1, deleted: 1, updated_at: 1 })
    .lean();
  let oldestBehind: Date | undefined;
  let queued = 0;
  for (let i = 0; i < written.length; i += PAGE) {
    const page = written.slice(i, i + PAGE);
    const behind = new Set(await findContactsBehindIndex(deps.es, deps.index, page));
    if (!behind.size) continue;
    await deps.scheduler.schedule([...behind]);
    queued += behind.size;
    for (const c of page) {
      if (behind.has(Number(c._id)) && (!oldestBehind || c.updated_at < oldestBehind)) oldestBehind = c.updated_at;
    }
  }

  const watermark = oldestBehind ?? upTo;
  await deps.sweepState.updateOne({ _id: STATE_ID }, { $set: { watermark } }, { upsert: true });
  return queued;
}
