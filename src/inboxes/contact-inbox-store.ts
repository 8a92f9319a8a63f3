import { randomBytes } from 'node:crypto';
import { contactLinksId } from '../records/contact-links';
import { isDuplicateKey } from '../shared/duplicate-key';
import type { IdAllocator } from '../shared/id-allocator';
import { byList, inChunks, type IdLists } from '../shared/id-lists';
import type { ContactInbox, ContactInboxModel } from './contact-inbox.model';
import { contactInboxKeyId, type ContactInboxKeyModel } from './contact-inbox-key.model';
import type { Inbox } from './inbox.model';

export interface ContactInboxStoreDeps {
  contactInboxes: ContactInboxModel;
  keys: ContactInboxKeyModel;
  /** `<contact>:contact_inboxes` → the contact's contact inbox ids. */
  contactLinks: IdLists;
  /** `<inbox>:<block>` → the inbox's contact inbox ids in that block of ids (at most INBOX_BLOCK each). */
  inboxLinks: IdLists;
  nextIds: IdAllocator;
  /** The highest contact inbox id handed out so far: how far an inbox's blocks may go. */
  highestId: () => Promise<number>;
}

/**
 * An inbox's contact inboxes are listed in blocks of this many ids, so that no document grows
 * without bound when an inbox has millions of visitors; removing an inbox walks the blocks.
 */
export const INBOX_BLOCK = 1000;
export const inboxLinksId = (inboxId: number, contactInboxId: number) => `${inboxId}:${Math.floor(contactInboxId / INBOX_BLOCK)}`;
const ROUNDS = 5;

/**
 * Contact inboxes, read and written by _id only. Three documents point at a contact inbox: its
 * key (`<inbox>:<source_id>`, unique, for the visitor's session), its contact's list and its
 * inbox's list. Writes go in an order where a crash between two leaves nothing that blocks: the
 * lists first (a listed id that names nothing is skipped by readers), then the record, then the
 * key that makes it reachable; removal deletes the record before its key, so a key whose record
 * is missing is known to be stale and is taken over at once.
 */
export function createContactInboxStore({ contactInboxes, keys, contactLinks, inboxLinks, nextIds, highestId }: ContactInboxStoreDeps) {
  const contactList = (contactId: number) => contactLinksId(contactId, 'contact_inboxes');
  const keyOf = (ci: Pick<ContactInbox, 'inbox_id' | 'source_id'>) => contactInboxKeyId(ci.inbox_id, ci.source_id);

  /** The contact inbox its key names, if it is still the one holding that pair. */
  async function named(inboxId: number, sourceId: string): Promise<{ keyFound: boolean; contactInboxId?: number; record: ContactInbox | null }> {
    const key = await keys.findById(contactInboxKeyId(inboxId, sourceId)).lean();
    if (!key) return { keyFound: false, record: null };
    const record = await contactInboxes.findById(key.contact_inbox_id).lean();
    const holds = !!record && record.inbox_id === inboxId && record.source_id === sourceId;
    return { keyFound: true, contactInboxId: key.contact_inbox_id, record: holds ? record : null };
  }

  /** Points the contact inbox at another contact: listed by the new contact before, unlisted by the old one after. */
  async function update(ci: ContactInbox, set: Partial<ContactInbox>): Promise<ContactInbox> {
    const moving = set.contact_id !== undefined && set.contact_id !== ci.contact_id;
    if (moving) await contactLinks.add(ci.account_id, contactList(set.contact_id!), [ci._id]);
    const updated = await contactInboxes.findOneAndUpdate({ _id: ci._id }, { $set: { ...set, updated_at: new Date() } }, { new: true }).lean();
    if (moving) await contactLinks.pull(new Map([[contactList(ci.contact_id), [ci._id]]]));
    return updated ?? { ...ci, ...set };
  }

  /** Deletes these contact inboxes: each record, then its key (only while it still names it), then the inbox lists' entries. */
  async function removeRecords(records: ContactInbox[]): Promise<void> {
    for (const chunk of inChunks(records)) {
      await contactInboxes.deleteMany({ _id: { $in: chunk.map((ci) => ci._id) } });
      await keys.deleteMany({ _id: { $in: chunk.map(keyOf) }, $or: chunk.map((ci) => ({ _id: keyOf(ci), contact_inbox_id: ci._id })) });
      await inboxLinks.pull(byList(chunk, (ci) => inboxLinksId(ci.inbox_id, ci._id), (ci) => ci._id));
    }
  }

  /** The account's records among these ids, read by _id. */
  async function read(accountId: number, ids: number[]): Promise<ContactInbox[]> {
    const found: ContactInbox[] = [];
    for (const chunk of inChunks(ids)) found.push(...(await contactInboxes.find({ _id: { $in: chunk }, account_id: accountId }).lean()));
    return found;
  }

  return {
    /** The contact inbox holding this source_id in the inbox (a website visitor's session), or null. */
    async find(inboxId: number, sourceId: string): Promise<ContactInbox | null> {
      return (await named(inboxId, sourceId)).record;
    },

    /**
     * The contact's record in the inbox under `sourceId`. When another record holds the pair (an
     * email or phone address held by a contact that has since given it up: addresses are unique in
     * the account, and this contact has just taken it), that record becomes this contact's. Of
     * concurrent calls for one pair, one record wins and every call answers it.
     */
    async create(inbox: Inbox, contactId: number, sourceId: string): Promise<ContactInbox> {
      const [id] = await nextIds('contact_inboxes');
      const now = new Date();
      const record: ContactInbox = {
        _id: id,
        account_id: inbox.account_id,
        contact_id: contactId,
        inbox_id: inbox._id,
        source_id: sourceId,
        pubsub_token: randomBytes(18).toString('base64url'),
        hmac_verified: false,
        visitor_contact_id: contactId,
        last_seen_at: null,
        conversation_ids: [],
        created_at: now,
        updated_at: now,
      };
      await Promise.all([contactLinks.add(inbox.account_id, contactList(contactId), [id]), inboxLinks.add(inbox.account_id, inboxLinksId(inbox._id, id), [id])]);
      await contactInboxes.create(record);
      const keyId = contactInboxKeyId(inbox._id, sourceId);
      for (let round = 0; round < ROUNDS; round++) {
        try {
          await keys.create({ _id: keyId, account_id: inbox.account_id, contact_inbox_id: id, created_at: now });
          return record;
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
        }
        const holder = await named(inbox._id, sourceId);
        // Released meanwhile: insert again.
        if (!holder.keyFound) continue;
        if (!holder.record) {
          // Its record is gone: a removal died between deleting it and its key. Conditional on the key as read, so one claimant wins.
          const res = await keys.updateOne({ _id: keyId, contact_inbox_id: holder.contactInboxId }, { $set: { contact_inbox_id: id, created_at: now } });
          if (res.matchedCount) return record;
          continue;
        }
        // Another record holds the pair: this one was never reachable, and goes.
        await removeRecords([record]);
        await contactLinks.pull(new Map([[contactList(contactId), [id]]]));
        return update(holder.record, { contact_id: contactId, visitor_contact_id: contactId, hmac_verified: false });
      }
      throw new Error(`could not settle the key of ${keyId} after ${ROUNDS} rounds`);
    },

    update,

    /** The contact's contact inboxes (by its list, then by _id). */
    async ofContact(accountId: number, contactId: number): Promise<ContactInbox[]> {
      const ids = await contactLinks.idsOf(accountId, [contactList(contactId)]);
      return (await read(accountId, ids)).filter((ci) => ci.contact_id === contactId);
    },

    /**
     * The contact inboxes of several contacts (their lists, then the records, each read by _id),
     * at most the first `firstOfEach` each contact was linked to.
     */
    async ofContacts(accountId: number, contactIds: number[], firstOfEach: number): Promise<ContactInbox[]> {
      if (!contactIds.length) return [];
      const ids = await contactLinks.firstIdsOf(accountId, contactIds.map(contactList), firstOfEach);
      const wanted = new Set(contactIds);
      return ids.length ? (await read(accountId, ids)).filter((ci) => wanted.has(ci.contact_id)) : [];
    },

    /** A merge: the contact inboxes of `fromId` become `toId`'s (listed by the base first, so a crash lists them twice, never nowhere). */
    async moveToContact(accountId: number, fromId: number, toId: number): Promise<void> {
      const ids = await contactLinks.idsOf(accountId, [contactList(fromId)]);
      if (!ids.length) return;
      // The records written so far: one listed but not written yet (lists go first) is moved by
      // the merge's second pass, so its id stays listed here.
      const written = (await read(accountId, ids)).map((ci) => ci._id);
      await contactLinks.add(accountId, contactList(toId), ids);
      for (const chunk of inChunks(ids)) {
        await contactInboxes.updateMany({ _id: { $in: chunk }, account_id: accountId, contact_id: fromId }, { $set: { contact_id: toId } });
      }
      await contactLinks.pull(new Map([[contactList(fromId), written]]));
    },

    /** The contact inboxes of deleted contacts go with them (only those they still hold: a list may name one that moved). */
    async removeForContacts(accountId: number, contactIds: number[]): Promise<void> {
      const lists = contactIds.map(contactList);
      const ids = await contactLinks.idsOf(accountId, lists);
      const gone = new Set(contactIds);
      await removeRecords((await read(accountId, ids)).filter((ci) => gone.has(ci.contact_id)));
      await contactLinks.drop(lists);
    },

    /**
     * Removes every contact inbox of a deleted inbox, walking its lists block by block (a
     * thousand list ids per read). Safe to run twice, and to resume: each block's list goes
     * after its records.
     */
    async removeInbox(accountId: number, inboxId: number): Promise<number> {
      const lastBlock = Math.floor((await highestId()) / INBOX_BLOCK);
      let removed = 0;
      for (let first = 0; first <= lastBlock; first += 1000) {
        const listIds = Array.from({ length: Math.min(1000, lastBlock + 1 - first) }, (_, i) => `${inboxId}:${first + i}`);
        for (const [listId, ids] of await inboxLinks.read(accountId, listIds)) {
          const records = (await read(accountId, ids)).filter((ci) => ci.inbox_id === inboxId);
          // The block's list goes last: until then a run that died here is finished by the next.
          await contactLinks.pull(byList(records, (ci) => contactList(ci.contact_id), (ci) => ci._id));
          await removeRecords(records);
          await inboxLinks.drop([listId]);
          removed += records.length;
        }
      }
      return removed;
    },
  };
}

export type ContactInboxStore = ReturnType<typeof createContactInboxStore>;
