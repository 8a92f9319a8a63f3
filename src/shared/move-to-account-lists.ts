import type { Model } from 'mongoose';
import { duplicateIndexes } from './duplicate-key';
import type { Logger } from './logger';
import { runOnce } from './run-once';

/**
 * Moves, once, records that were one document each (found by account_id) into one document per
 * account (see account-list-store.ts), then drops the old collection. Safe to run again after a
 * crash: an account whose document exists already was moved by an earlier run (and may have
 * changed since), so it is left alone. The old collection is read once, in full; a marker in
 * `migrations` says it is done, after which a start costs one read by _id.
 */
export async function moveToAccountLists(
  target: Model<{ _id: number; version: number }>,
  options: { legacyCollection: string; field: string; marker: string; logger: Logger },
): Promise<{ accounts: number; items: number }> {
  return runOnce(target.db, options.marker, { accounts: 0, items: 0 }, async () => {
    const legacy = target.db.collection<{ _id: number; account_id: number }>(options.legacyCollection);
    const byAccount = new Map<number, { _id: number; account_id: number }[]>();
    for await (const record of legacy.find({})) {
      const list = byAccount.get(record.account_id) ?? [];
      list.push(record);
      byAccount.set(record.account_id, list);
    }
    let accounts = 0;
    let items = 0;
    if (byAccount.size) {
      const moved = new Set((await target.find({ _id: { $in: [...byAccount.keys()] } }, { _id: 1 }).lean()).map((doc) => doc._id));
      const todo = [...byAccount].filter(([accountId]) => !moved.has(accountId));
      // Another process starting at the same time may move the same accounts: its documents stand.
      const docs = todo.map(([accountId, records]) => ({ _id: accountId, version: 1, [options.field]: records.sort((a, b) => a._id - b._id) }));
      if (docs.length) await target.collection.insertMany(docs as never[], { ordered: false }).catch(duplicateIndexes);
      accounts = todo.length;
      items = todo.reduce((n, [, records]) => n + records.length, 0);
      options.logger.info({ collection: options.legacyCollection, accounts, items }, 'records moved to one document per account');
    }
    // Absent from a database created after the move; left behind, it would only take space.
    await legacy.drop().catch(() => undefined);
    return { accounts, items };
  });
}
