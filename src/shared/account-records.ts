import type { Model } from 'mongoose';
import { inChunks, type IdLists } from './id-lists';
import type { Logger } from './logger';
import { runOnce } from './run-once';
import { exemptBecause } from './id-only-guard';

type AccountRecord = { _id: number; account_id: number };

/**
 * An account's records of one kind (its segments, its inboxes), listed by id in one document of
 * `account_links` (`<account>:<kind>`), so that "the account's segments" is two reads by _id
 * instead of a query by account_id, which on the local MongoDB-wire server is a scan of every
 * account's records. An id is listed before its record is written and unlisted after it is
 * removed, so a crash leaves an id naming nothing, which readers skip.
 */
export function createAccountRecords<T extends AccountRecord>(lists: Pick<IdLists, 'idsOf' | 'add' | 'pull'>, records: Model<T>, kind: string) {
  const listIdOf = (accountId: number) => `${accountId}:${kind}`;

  return {
    /** Lists an id before its record is written. */
    listed: (accountId: number, id: number) => lists.add(accountId, listIdOf(accountId), [id]),

    /** Unlists an id after its record is removed. */
    unlisted: (accountId: number, id: number) => lists.pull(new Map([[listIdOf(accountId), [id]]])),

    /** The ids of the account's records (some may name nothing). */
    ids: (accountId: number) => lists.idsOf(accountId, [listIdOf(accountId)]),

    /** The account's records, oldest id first. */
    async all(accountId: number): Promise<T[]> {
      const found: T[] = [];
      for (const chunk of inChunks(await lists.idsOf(accountId, [listIdOf(accountId)]))) {
        const docs = (await records.find({ _id: { $in: chunk } }).lean()) as unknown as T[];
        found.push(...docs.filter((doc) => doc.account_id === accountId));
      }
      return found.sort((a, b) => a._id - b._id);
    },
  };
}

export type AccountRecords<T extends AccountRecord> = ReturnType<typeof createAccountRecords<T>>;

/**
 * Databases written before an account's records of this kind were listed: lists them once, in
 * one full read of the collection (marker in `migrations`). Safe to run again: lists are sets.
 */
export async function listExistingRecords(records: Model<AccountRecord>, lists: Pick<IdLists, 'add'>, kind: string, logger: Logger): Promise<number> {
  return runOnce(records.db, `account-links-${kind}`, 0, async () => {
    const byAccount = new Map<number, number[]>();
    for await (const doc of records.find({}, { account_id: 1 }).comment(exemptBecause(`the one-time listing of existing ${kind} reads them once`)).lean().cursor() as AsyncIterable<AccountRecord>) {
      byAccount.set(doc.account_id, [...(byAccount.get(doc.account_id) ?? []), doc._id]);
    }
    let listed = 0;
    for (const [accountId, ids] of byAccount) {
      await lists.add(accountId, `${accountId}:${kind}`, ids);
      listed += ids.length;
    }
    if (listed) logger.info({ kind, listed }, 'existing records listed by account');
    return listed;
  });
}
