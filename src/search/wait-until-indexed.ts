import type { PendingSyncModel } from '../records/pending-sync.model';

/**
 * Waits until none of these contacts is marked pending (pending_sync, read by _id): the index
 * holds what was written to them. Answers false when `timeoutMs` passes first (the sync is
 * behind, or Elasticsearch away: the marks stay for the sync and the sweep).
 */
export async function waitUntilIndexed(pending: PendingSyncModel, ids: number[], options: { timeoutMs: number; pollMs?: number }): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  let left = ids.map(String);
  while (left.length) {
    const marked = await pending.find({ _id: { $in: left } }, { _id: 1 }).lean();
    if (!marked.length) return true;
    if (Date.now() >= deadline) return false;
    left = marked.map((mark) => mark._id);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
  }
  return true;
}
