import { pagesOf } from '../shared/pages-of';
import type { ContactInbox, ContactInboxModel } from '../inboxes/contact-inbox.model';
import { contactInboxKeyId, type ContactInboxKeyModel } from '../inboxes/contact-inbox-key.model';
import { inboxLinksId } from '../inboxes/contact-inbox-store';
import { contactLinksId } from '../records/contact-links';
import { duplicateIndexes } from '../shared/duplicate-key';
import { exemptBecause } from '../shared/id-only-guard';
import type { IdListModel } from '../shared/id-lists';
import type { Logger } from '../shared/logger';
import { runOnce } from '../shared/run-once';
import type { Conversation, ConversationModel } from './conversation.model';
import type { MessageModel } from './message.model';

const MIGRATION_ID = 'contact-links';
const BATCH = 1000;

/** The secondary indexes the records had before they were read by _id only. */
const LEGACY_INDEXES: [keyof Models, string][] = [
  ['contactInboxes', 'inbox_id_1_source_id_1'],
  ['contactInboxes', 'account_id_1_contact_id_1'],
  ['conversations', 'account_id_1_contact_id_1'],
  ['messages', 'account_id_1_contact_id_1'],
];

interface Models {
  contactInboxes: ContactInboxModel;
  contactInboxKeys: ContactInboxKeyModel;
  contactLinks: IdListModel;
  inboxLinks: IdListModel;
  conversations: ConversationModel;
  messages: MessageModel;
}

const addTo = (listId: string, accountId: number, ids: number[]) => ({
  updateOne: { filter: { _id: listId }, update: { $addToSet: { ids: { $each: ids } }, $setOnInsert: { account_id: accountId } }, upsert: true },
});

/** One statement per list, for a batch of records. */
function listWrites<T extends { _id: number; account_id: number }>(batch: T[], listOf: (record: T) => string) {
  const lists = new Map<string, { accountId: number; ids: number[] }>();
  for (const record of batch) {
    const listId = listOf(record);
    const list = lists.get(listId) ?? { accountId: record.account_id, ids: [] };
    list.ids.push(record._id);
    lists.set(listId, list);
  }
  return [...lists].map(([listId, { accountId, ids }]) => addTo(listId, accountId, ids));
}

/**
 * Databases written before contact inboxes and conversations were read by _id only found them
 * by secondary indexes. Builds, once, what reads them by _id now: each contact inbox's key
 * (`<inbox>:<source_id>`), its contact's and its inbox's lists, each conversation's contact's
 * list; then drops the old indexes (the unique one would refuse the short-lived second record
 * that two racing first visits write). Safe to run again after a crash: keys are inserted once
 * and lists are sets. It reads each collection once, in full, and then never again: a marker in
 * `migrations` says it is done, after which a start costs one read by _id.
 */
export async function linkExistingRecords(models: Models, logger: Logger): Promise<{ contactInboxes: number; conversations: number }> {
  return runOnce(models.contactLinks.db, MIGRATION_ID, { contactInboxes: 0, conversations: 0 }, async () => {
    const reason = exemptBecause('the one-time migration to contact_links reads every record once');
    let contactInboxes = 0;
    let conversations = 0;

    const everyContactInbox = models.contactInboxes.find({}).comment(reason).lean().cursor({ batchSize: BATCH }) as AsyncIterable<ContactInbox>;
    for await (const batch of pagesOf(everyContactInbox, BATCH)) {
      // The old unique index held one record per pair: a key already there was inserted by an earlier run.
      const keys = batch.map((ci) => ({ _id: contactInboxKeyId(ci.inbox_id, ci.source_id), account_id: ci.account_id, contact_inbox_id: ci._id, created_at: ci.created_at }));
      await models.contactInboxKeys.collection.insertMany(keys as never[], { ordered: false }).catch(duplicateIndexes);
      await models.contactLinks.bulkWrite(listWrites(batch, (ci) => contactLinksId(ci.contact_id, 'contact_inboxes')), { ordered: false });
      await models.inboxLinks.bulkWrite(listWrites(batch, (ci) => inboxLinksId(ci.inbox_id, ci._id)), { ordered: false });
      contactInboxes += batch.length;
    }

    const everyConversation = models.conversations.find({}, { account_id: 1, contact_id: 1 }).comment(reason).lean().cursor({ batchSize: BATCH }) as AsyncIterable<Conversation>;
    for await (const batch of pagesOf(everyConversation, BATCH)) {
      await models.contactLinks.bulkWrite(listWrites(batch, (c) => contactLinksId(c.contact_id, 'conversations')), { ordered: false });
      conversations += batch.length;
    }

    for (const [model, name] of LEGACY_INDEXES) {
      const collection = models[model].collection;
      const indexes = await collection.indexes().catch(() => []);
      if (indexes.some((index) => index.name === name)) await collection.dropIndex(name);
    }
    if (contactInboxes || conversations) logger.info({ contactInboxes, conversations }, 'contact inboxes and conversations listed by _id');
    return { contactInboxes, conversations };
  });
}
