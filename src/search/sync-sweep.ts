import type { Client } from '@elastic/elasticsearch';
import type { ContactModel } from '../contacts/contact.model';
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
  let from = state?.watermark ?? new Date(upTo.getTime() - (deps.firstLookbackMs ?? 3600_000));
  let oldestBehind: Date | undefined;
  let queued = 0;
  let lastId = '';

  for (;;) {
    const page = await deps.contacts
      .find(
        { $or: [{ updated_at: { $gt: from, $lt: upTo } }, { updated_at: from, _id: { $gt: lastId } }] },
        { _id: 1, version: 1, deleted: 1, updated_at: 1 },
      )
      .sort({ updated_at: 1, _id: 1 })
      .limit(PAGE)
      .lean();
    if (!page.length) break;
    const behind = new Set(await findContactsBehindIndex(deps.es, deps.index, page));
    if (behind.size) {
      await deps.scheduler.schedule([...behind]);
      queued += behind.size;
      oldestBehind ??= page.find((c) => behind.has(Number(c._id)))!.updated_at;
    }
    const last = page[page.length - 1];
    from = last.updated_at;
    lastId = last._id;
    if (page.length < PAGE) break;
  }

  const watermark = oldestBehind ?? upTo;
  await deps.sweepState.updateOne({ _id: STATE_ID }, { $set: { watermark } }, { upsert: true });
  return queued;
}
