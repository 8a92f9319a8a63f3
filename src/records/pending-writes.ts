import { duplicateIndexes } from '../shared/duplicate-key';
import type { PendingSync, PendingSyncModel } from './pending-sync.model';

/**
 * Marks writes pending, before they are made. Most contacts have no mark yet, so the marks go in
 * as one unordered insert; those that exist are raised to the new version one by one. A mark
 * can go between the two (the index caught up with the version it held), so raising upserts it;
 * of two upserts racing to make one mark, one is refused as a duplicate and raises it next round.
 */
export async function markPending(pending: PendingSyncModel, entries: { id: string; accountId: number; version: number }[]): Promise<void> {
  if (!entries.length) return;
  const at = new Date();
  let existing: Set<number>;
  try {
    await pending.collection.insertMany(
      entries.map((e) => ({ _id: e.id, account_id: e.accountId, version: e.version, at })) as never[],
      { ordered: false },
    );
    return;
  } catch (err) {
    existing = duplicateIndexes(err);
  }
  let raise = entries.filter((_, i) => existing.has(i));
  for (let round = 1; ; round++) {
    try {
      await pending.bulkWrite(
        raise.map((e) => ({ updateOne: { filter: { _id: e.id }, update: { $max: { version: e.version }, $set: { account_id: e.accountId, at } }, upsert: true } })),
        { ordered: false },
      );
      return;
    } catch (err) {
      const refused = duplicateIndexes(err);
      if (round === 3) throw err;
      raise = raise.filter((_, i) => refused.has(i));
    }
  }
}

/**
 * Deletes the marks `keep` does not claim, each only as it was read (a mark a new write raised
 * meanwhile stays). Marks are grouped by version and time, so this is a few deletes by _id $in,
 * not one filter that compares every mark with every other.
 */
export async function deleteMarks(pending: PendingSyncModel, marks: Pick<PendingSync, '_id' | 'version' | 'at'>[]): Promise<void> {
  const groups = new Map<string, { version: number; at: Date; ids: string[] }>();
  for (const mark of marks) {
    const key = `${mark.version}:${mark.at.getTime()}`;
    const group = groups.get(key) ?? { version: mark.version, at: mark.at, ids: [] };
    group.ids.push(mark._id);
    groups.set(key, group);
  }
  for (const { version, at, ids } of groups.values()) await pending.deleteMany({ _id: { $in: ids }, version, at });
}

/** Once the index holds these versions: deletes the marks at or below them. */
export async function clearPending(pending: PendingSyncModel, indexed: { _id: string; version: number }[]): Promise<void> {
  if (!indexed.length) return;
  const version = new Map(indexed.map((c) => [c._id, c.version]));
  const marks = await pending.find({ _id: { $in: [...version.keys()] } }).lean();
  await deleteMarks(pending, marks.filter((m) => m.version <= version.get(m._id)!));
}
