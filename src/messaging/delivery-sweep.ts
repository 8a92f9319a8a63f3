import { pagesOf } from '../shared/pages-of';
import type { Queue } from '../shared/queues';
import { deliveryJobId, type DeliveryJob } from './delivery.processor';
import type { MessageModel } from './message.model';
import type { PendingDelivery, PendingDeliveryModel } from './pending-delivery.model';

const PAGE = 1000;
/** Longer than any request takes between writing a message's mark and the message itself. */
const UNWRITTEN_MS = 10 * 60_000;

export interface DeliverySweepDeps {
  pending: PendingDeliveryModel;
  messages: MessageModel;
  deliveryQueue: Queue.Queue<DeliveryJob>;
  /** Messages younger than this are left to the job their request queued. */
  graceMs: number;
}

/**
 * Hands back to the queue the outgoing messages still queued after the grace time whose job is
 * gone: Redis lost it (restarted without its data), or the API process died between recording
 * the message and queueing it. A job still waiting, delayed for a retry or running is left alone
 * (one job id per message, so a message is never delivered by two jobs at once); one that failed
 * without settling its message (the store was away on its last attempt) is retried. The marks of
 * messages no longer queued are dropped. Reads pending_deliveries a page at a time: its cost
 * follows the messages in flight, never the messages kept. Answers how many it queued again.
 */
export async function sweepPendingDeliveries(deps: DeliverySweepDeps): Promise<number> {
  const upTo = new Date(Date.now() - deps.graceMs);
  let queued = 0;
  // pending_deliveries holds the messages in flight only: a scan of it is what the sweep is for.
  const marks = deps.pending.find({ at: { $lt: upTo } }).lean<PendingDelivery[]>().cursor({ batchSize: PAGE });
  for await (const page of pagesOf<PendingDelivery>(marks, PAGE)) queued += await settle(deps, page);
  return queued;
}

async function settle(deps: DeliverySweepDeps, marks: PendingDelivery[]): Promise<number> {
  const found = await deps.messages.find({ _id: { $in: marks.map((m) => m._id) } }, { _id: 1, status: 1 }).lean();
  const written = new Set(found.map((m) => m._id));
  const queued = new Set(found.filter((m) => m.status === 'queued').map((m) => m._id));
  // A mark is written before its message (messaging.service.ts), so one whose message is not
  // there may be a request's between its two writes, whatever the grace: dropped then, the
  // message was written after it without a mark, and a lost job left it queued for good (a
  // sweep racing a send, found by the investigation of a flaky test). Such a mark is dropped as
  // never written only once no request can still be writing it; a settled message's at once.
  const unwrittenBefore = Date.now() - UNWRITTEN_MS;
  const settled = marks.filter((m) => (written.has(m._id) ? !queued.has(m._id) : m.at.getTime() < unwrittenBefore));
  // Deleted only as read: a mark the sweep or a request has just written again stays.
  if (settled.length) await deps.pending.bulkWrite(settled.map((m) => ({ deleteOne: { filter: { _id: m._id, at: m.at } } })));
  let requeued = 0;
  for (const id of queued) if (await ensureJob(deps.deliveryQueue, id)) requeued += 1;
  // Checked now: the next sweeps leave them for the grace time again.
  const now = new Date();
  if (queued.size) await deps.pending.bulkWrite([...queued].map((id) => ({ updateOne: { filter: { _id: id }, update: { $set: { at: now } } } })));
  return requeued;
}

/** Queues the message's job unless it is still in the queue; answers whether it queued it. */
async function ensureJob(queue: Queue.Queue<DeliveryJob>, messageId: number): Promise<boolean> {
  const job = await queue.getJob(deliveryJobId(messageId));
  const state = job ? await job.getState() : undefined;
  if (job && state === 'failed') {
    await job.retry();
    return true;
  }
  if (job && state !== 'completed') return false;
  // Completed without settling its message, or gone: a job of the same id is queued afresh.
  if (job) await job.remove();
  await queue.add({ messageId }, { jobId: deliveryJobId(messageId) });
  return true;
}
