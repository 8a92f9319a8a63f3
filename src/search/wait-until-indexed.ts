import type { ContactModel } from '../records/contact.model';
import type { PendingSyncModel } from '../records/pending-sync.model';

/**
 * Waits until none of these contacts is marked pending (pending_sync, read by _id): the index
 * holds what was written to them. Answers false when `timeoutMs` passes first (the sync is
 * behind, or Elasticsearch away: the marks stay for the sync and the sweep).
 *
 * For contacts read live before their write: one no longer in MongoDB was deleted meanwhile and
 * purged once the index dropped it, so it is not waited for: a bulk label job racing a bulk delete
 * of part of its selection waited the whole timeout (30 s) for the marks its writes made after
 * the purge. The write's own sync job drops those marks (README, How sync works), but nothing
 * here needs to wait for it.
 */
export async function waitUntilIndexed(
  pending: PendingSyncModel,
  contacts: Pick<ContactModel, 'find'>,
  ids: number[],
  options: { timeoutMs: number; pollMs?: number },
): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  let left = ids.map(String);
  while (left.length) {
    const marked = (await pending.find({ _id: { $in: left } }, { _id: 1 }).lean()).map((mark) => mark._id);
    if (!marked.length) return true;
    const present = new Set((await contacts.find({ _id: { $in: marked } }, { _id: 1 }).lean()).map((c) => String(c._id)));
    left = marked.filter((id) => present.has(id));
    if (!left.length) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
  }
  return true;
}
