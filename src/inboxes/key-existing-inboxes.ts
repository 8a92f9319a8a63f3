import { duplicateIndexes } from '../shared/duplicate-key';
import type { Logger } from '../shared/logger';
import { runOnce } from '../shared/run-once';
import type { InboxKeyModel } from './inbox-key.model';
import type { Inbox, InboxModel } from './inbox.model';

const MIGRATION_ID = 'inbox-keys';
const LEGACY_INDEX = 'inbox_identifier_1';
const BATCH = 1000;

/**
 * Databases written before inboxes were found through inbox_keys found them by a unique index on
 * inbox_identifier. Writes, once, the key of every inbox, then drops that index. Safe to run again
 * after a crash: a key already there is kept. It reads the inboxes once, in full; a marker in
 * `migrations` says it is done, after which a start costs one read by _id.
 */
export async function keyExistingInboxes(models: { inboxes: InboxModel; inboxKeys: InboxKeyModel }, logger: Logger): Promise<number> {
  return runOnce(models.inboxes.db, MIGRATION_ID, 0, async () => {
    let keyed = 0;
    let batch: { _id: string; inbox_id: number }[] = [];
    const flush = async () => {
      if (batch.length) await models.inboxKeys.collection.insertMany(batch as never[], { ordered: false }).catch(duplicateIndexes);
      keyed += batch.length;
      batch = [];
    };
    for await (const inbox of models.inboxes.find({}, { inbox_identifier: 1 }).lean().cursor() as AsyncIterable<Pick<Inbox, '_id' | 'inbox_identifier'>>) {
      batch.push({ _id: inbox.inbox_identifier, inbox_id: inbox._id });
      if (batch.length === BATCH) await flush();
    }
    await flush();
    const indexes = await models.inboxes.collection.indexes().catch(() => []);
    if (indexes.some((index) => index.name === LEGACY_INDEX)) await models.inboxes.collection.dropIndex(LEGACY_INDEX);
    if (keyed) logger.info({ inboxes: keyed }, 'inboxes keyed by their identifier');
    return keyed;
  });
}
