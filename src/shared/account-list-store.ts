import type { Model } from 'mongoose';
import { conflictRetries } from './conflict-backoff';
import { isDuplicateKey } from './duplicate-key';
import { ConflictError, ValidationError } from './errors';

/** What a change of an account's list answers: the new list (none: nothing to write) and a result. */
export interface ListChange<Item, T> {
  items?: Item[];
  result: T;
}

/** What the list of one account may take, as JSON, and what a change refused for it suggests. */
export interface ListSizeLimit {
  maxBytes: number;
  /** How to make room, ending the refusal: "make list values shorter or delete definitions". */
  remedy: string;
  /**
   * An item's keys that its jobs write and clear (a deletion in progress, the chunk of contacts
   * being rewritten): not counted, so that a list at its limit can still be worked on, and its
   * items deleted.
   */
  bookkeeping: readonly string[];
}

/** The list with `next` in the place of the item of the same _id. */
export const replaceById = <Item extends { _id: number }>(list: Item[], next: Item): Item[] => list.map((item) => (item._id === next._id ? next : item));

/**
 * A small list that belongs to an account (its custom attribute definitions, its labels), held in
 * one document whose _id is the account id: every read is one read by _id, whatever the number of
 * accounts (a collection of such records read by account_id is a scan of every account's records
 * on the local MongoDB-wire server). A change is conditional on the version it read and tried
 * again on a conflict, so what must be unique within the list (a key, a slot, a title) stays so.
 * Every read of the list reads it whole, so it is kept within `limit`: a change that would grow it
 * past that is refused (a change that shrinks it is not). Unbounded, a hundred definitions of long
 * list values made every filter and write that reads them hundreds of milliseconds slower, and past
 * MongoDB's 16 MiB document the next definition, and every write bringing a new key, answered 500.
 */
export function createAccountListStore<Item>(model: Model<{ _id: number; version: number }>, field: string, what: string, limit: ListSizeLimit) {
  type Doc = { _id: number; version: number };
  const read = async (accountId: number): Promise<Doc | null> => model.findById(accountId).lean();
  const itemsOf = (doc: Doc | null): Item[] => ((doc as Record<string, unknown> | null)?.[field] as Item[] | undefined) ?? [];
  const uncounted = new Set(limit.bookkeeping);
  const bytesOf = (items: Item[]) => Buffer.byteLength(JSON.stringify(items, (key, value: unknown) => (uncounted.has(key) ? undefined : value)));

  // Changes of one account's list made in this process wait for each other: sixty definitions
  // created at once otherwise all read the same version, one wins, and the rest retry against
  // each other until some ran out of time on a loaded machine (409). Other processes are still
  // kept apart by the version.
  const queues = new Map<number, Promise<unknown>>();
  function oneAtATime<T>(accountId: number, run: () => Promise<T>): Promise<T> {
    const mine = (queues.get(accountId) ?? Promise.resolve()).then(run);
    const settled = mine.catch(() => undefined);
    queues.set(accountId, settled);
    void settled.then(() => {
      if (queues.get(accountId) === settled) queues.delete(accountId);
    });
    return mine;
  }

  return {
    async of(accountId: number): Promise<Item[]> {
      return itemsOf(await read(accountId));
    },

    /** The lists of several accounts, in one read. */
    async ofAccounts(accountIds: number[]): Promise<Map<number, Item[]>> {
      const byAccount = new Map<number, Item[]>();
      if (!accountIds.length) return byAccount;
      for (const doc of await model.find({ _id: { $in: accountIds } }).lean()) byAccount.set(doc._id, itemsOf(doc));
      return byAccount;
    },

    /**
     * Runs `decide` on the account's current list and stores the list it answers, unless another
     * change landed since the read: then reads and decides again. `decide` may throw (a
     * ValidationError, a NotFoundError): nothing is written.
     */
    change<T>(accountId: number, decide: (current: Item[]) => ListChange<Item, T>): Promise<T> {
      return oneAtATime(accountId, () => changeNow(accountId, decide));
    },
  };

  async function changeNow<T>(accountId: number, decide: (current: Item[]) => ListChange<Item, T>): Promise<T> {
    const retries = conflictRetries();
    do {
      const doc = await read(accountId);
      const current = itemsOf(doc);
      const { items, result } = decide(current);
      if (!items) return result;
      const bytes = bytesOf(items);
      if (bytes > limit.maxBytes && bytes > bytesOf(current)) {
        throw new ValidationError(`the ${what} of an account take at most ${limit.maxBytes.toLocaleString('en')} bytes together (as JSON); this change brings them to ${bytes.toLocaleString('en')}: ${limit.remedy}`);
      }
      if (!doc) {
        try {
          await model.create({ _id: accountId, version: 1, [field]: items });
          return result;
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          continue;
        }
      }
      const { matchedCount } = await model.updateOne({ _id: accountId, version: doc.version }, { $set: { [field]: items, version: doc.version + 1 } });
      if (matchedCount === 1) return result;
    } while (await retries.again());
    throw new ConflictError(`the ${what} of account ${accountId} kept changing under ${retries.made} attempts; try again`);
  }
}

export type AccountListStore<Item> = ReturnType<typeof createAccountListStore<Item>>;
