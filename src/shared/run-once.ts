import type { Connection } from 'mongoose';

/**
 * Runs a one-time migration unless the marker `id` in `migrations` says it is done, then sets the
 * marker. Answers what `work` answered, or `skipped` when it had run before: after the first
 * start, each later one costs a read by _id. `work` must be safe to run again (a crash before
 * the marker runs it again at the next start).
 */
export async function runOnce<T>(conn: Connection, id: string, skipped: T, work: () => Promise<T>): Promise<T> {
  const migrations = conn.collection<{ _id: string; done_at: Date }>('migrations');
  if (await migrations.findOne({ _id: id })) return skipped;
  const result = await work();
  await migrations.updateOne({ _id: id }, { $set: { done_at: new Date() } }, { upsert: true });
  return result;
}
