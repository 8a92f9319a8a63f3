import { Connection, Model, Schema } from 'mongoose';

/**
 * A list of record ids kept in one document named by what the records belong to (a contact and
 * a kind: `42:conversations`; an inbox and a block of ids: `7:3`). Reading "the records of X" is
 * then two reads by _id (the list, then the records by $in), never a query by a secondary field.
 * A list may name more than its owner holds (an id added before its record was written, or a
 * record moved elsewhere since): readers check each record they read.
 */
export interface IdList {
  _id: string;
  account_id: number;
  ids: number[];
}

export type IdListModel = Model<IdList>;

export function defineIdListModel(conn: Connection, modelName: string, collection: string): IdListModel {
  const schema = new Schema<IdList>(
    {
      _id: String,
      account_id: { type: Number, required: true },
      ids: { type: [Number], default: () => [] },
    },
    { versionKey: false },
  );
  return conn.model<IdList>(modelName, schema, collection);
}

/** Splits a long $in into statements of at most `size` ids (an empty $in is never sent: it is a scan). */
export function inChunks<T>(ids: T[], size = 1000): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < ids.length; i += size) chunks.push(ids.slice(i, i + size));
  return chunks;
}

export function createIdLists(model: IdListModel) {
  /** The account's lists among these, by list id (a list of another account reads as absent). */
  async function read(accountId: number, listIds: string[]): Promise<Map<string, number[]>> {
    const found = new Map<string, number[]>();
    for (const chunk of inChunks([...new Set(listIds)])) {
      for (const list of await model.find({ _id: { $in: chunk } }).lean()) if (list.account_id === accountId) found.set(list._id, list.ids);
    }
    return found;
  }

  return {
    read,

    /** The first `n` ids of each of the account's lists among these (the ones added first). */
    async firstIdsOf(accountId: number, listIds: string[], n: number): Promise<number[]> {
      return [...new Set([...(await read(accountId, listIds)).values()].flatMap((ids) => ids.slice(0, n)))];
    },

    /** Every id the account's lists among these hold. */
    async idsOf(accountId: number, listIds: string[]): Promise<number[]> {
      return [...new Set([...(await read(accountId, listIds)).values()].flat())];
    },

    async add(accountId: number, listId: string, ids: number[]): Promise<void> {
      if (!ids.length) return;
      await model.updateOne({ _id: listId }, { $addToSet: { ids: { $each: ids } }, $setOnInsert: { account_id: accountId } }, { upsert: true });
    },

    /** Removes ids from lists, one statement per list, all in one round trip; a list left empty goes. */
    async pull(removals: Map<string, number[]>): Promise<void> {
      const lists = [...removals].filter(([, ids]) => ids.length);
      if (!lists.length) return;
      await model.bulkWrite(lists.map(([listId, ids]) => ({ updateOne: { filter: { _id: listId }, update: { $pullAll: { ids } } } })), { ordered: false });
      // Only while still empty: an id added meanwhile keeps its list.
      await model.deleteMany({ _id: { $in: lists.map(([listId]) => listId) }, ids: { $size: 0 } });
    },

    async drop(listIds: string[]): Promise<void> {
      for (const chunk of inChunks(listIds)) await model.deleteMany({ _id: { $in: chunk } });
    },
  };
}

export type IdLists = ReturnType<typeof createIdLists>;

/** Groups ids by the list each belongs in. */
export function byList<T>(items: T[], listOf: (item: T) => string, idOf: (item: T) => number): Map<string, number[]> {
  const lists = new Map<string, number[]>();
  for (const item of items) {
    const listId = listOf(item);
    lists.set(listId, [...(lists.get(listId) ?? []), idOf(item)]);
  }
  return lists;
}
