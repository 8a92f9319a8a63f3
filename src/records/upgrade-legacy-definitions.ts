import { duplicateIndexes } from '../shared/duplicate-key';
import type { Logger } from '../shared/logger';
import type { CustomAttributeDefinition, CustomAttributeSetModel } from './custom-attribute-definition.model';

const MIGRATION_ID = 'custom-attribute-sets';
export const LEGACY_COLLECTION = 'custom_attribute_definitions';

/**
 * Databases written before an account's definitions were one document held them one document
 * each, found by account_id. Moves them, once, into custom_attribute_sets (one document per
 * account) and drops the old collection. Safe to run again after a crash: an account whose set
 * exists already was moved by an earlier run (and may have changed since), so it is left alone.
 * A marker in `migrations` says it is done, after which a start costs one read by _id.
 */
export async function upgradeLegacyDefinitions(sets: CustomAttributeSetModel, logger: Logger): Promise<{ accounts: number; definitions: number }> {
  const db = sets.db;
  const migrations = db.collection<{ _id: string; done_at: Date }>('migrations');
  if (await migrations.findOne({ _id: MIGRATION_ID })) return { accounts: 0, definitions: 0 };
  const legacy = db.collection<CustomAttributeDefinition>(LEGACY_COLLECTION);
  // The old collection is small (at most 100 definitions an account) and read once, in full.
  const byAccount = new Map<number, CustomAttributeDefinition[]>();
  for await (const def of legacy.find({})) {
    const list = byAccount.get(def.account_id) ?? [];
    list.push(def);
    byAccount.set(def.account_id, list);
  }
  let accounts = 0;
  let definitions = 0;
  if (byAccount.size) {
    const moved = await sets.find({ _id: { $in: [...byAccount.keys()] } }, { _id: 1 }).lean();
    const done = new Set(moved.map((set) => set._id));
    const todo = [...byAccount].filter(([accountId]) => !done.has(accountId));
    // Another process starting at the same time may move the same accounts: its sets stand.
    const docs = todo.map(([accountId, defs]) => ({ _id: accountId, version: 1, definitions: defs.sort((a, b) => a._id - b._id) }));
    if (docs.length) await sets.collection.insertMany(docs as never[], { ordered: false }).catch(duplicateIndexes);
    accounts = todo.length;
    definitions = todo.reduce((n, [, defs]) => n + defs.length, 0);
    logger.info({ accounts, definitions }, 'custom attribute definitions moved to one document per account');
  }
  // Absent from a database created after this change; left behind, it would only take space.
  await legacy.drop().catch(() => undefined);
  await migrations.updateOne({ _id: MIGRATION_ID }, { $set: { done_at: new Date() } }, { upsert: true });
  return { accounts, definitions };
}
