import { randomUUID } from 'node:crypto';
import { duplicateIndexes, isDuplicateKey } from '../shared/duplicate-key';
import { inChunks } from '../shared/id-lists';
import { ConflictError } from '../shared/errors';
import { mergeLockId, type MergeLockModel } from './merge-lock.model';

export interface MergeLockOptions {
  /** How long a lock holds unless released: past it, a merge that died no longer blocks its contacts. */
  holdMs?: number;
  /** How long a merge waits for a contact another merge holds before answering 409. */
  waitMs?: number;
  /** Between two tries of a held contact. */
  pollMs?: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One merge at a time per contact. A merge reads two contacts, moves the mergee's dependents,
 * deletes the mergee and then writes the base: two merges sharing a contact (each other's base
 * and mergee, one mergee into two bases, a base merged away meanwhile) could each delete its
 * mergee and then find its base gone, losing both. Each merge takes its two contacts first, in id
 * order (so two merges never wait on each other), and a merge that finds one taken waits for it.
 */
export function createMergeLocks(locks: MergeLockModel, options: MergeLockOptions = {}) {
  const { holdMs = 60_000, waitMs = 10_000, pollMs = 20 } = options;

  async function takeOne(accountId: number, contactId: number, owner: string): Promise<boolean> {
    const _id = mergeLockId(accountId, contactId);
    const until = new Date(Date.now() + holdMs);
    try {
      // The driver directly: a complete document.
      await locks.collection.insertOne({ _id, account_id: accountId, contact_id: contactId, owner, until } as never);
      return true;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    // Held by another merge: taken over only once it has lapsed (that merge died).
    const res = await locks.updateOne({ _id, until: { $lt: new Date() } }, { $set: { owner, until } });
    return res.matchedCount === 1;
  }

  return {
    /** Takes the contacts for one merge; answers the function that gives them back. */
    async acquire(accountId: number, contactIds: number[]): Promise<() => Promise<void>> {
      const owner = randomUUID();
      const held: string[] = [];
      const release = async () => {
        if (held.length) await locks.deleteMany({ _id: { $in: held }, owner });
      };
      const deadline = Date.now() + waitMs;
      try {
        for (const id of [...new Set(contactIds)].sort((a, b) => a - b)) {
          while (!(await takeOne(accountId, id, owner))) {
            if (Date.now() > deadline) throw new ConflictError(`contact ${id} is being merged by another request; try again`);
            await pause(pollMs);
          }
          held.push(mergeLockId(accountId, id));
        }
      } catch (err) {
        await release();
        throw err;
      }
      return release;
    },

    /**
     * Takes many contacts at once, all or none, for a delete: a delete that removed a merge's
     * base while the merge ran left the merge answering 404 after it had deleted the mergee. One
     * insert of every lock; when a merge holds any, the ones taken are given back and the whole
     * set is tried again after a pause, so a delete never waits while holding (a merge waits
     * while holding, in id order: the two cannot wait on each other).
     */
    async acquireAll(accountId: number, contactIds: number[]): Promise<() => Promise<void>> {
      const owner = randomUUID();
      const ids = [...new Set(contactIds)];
      const deadline = Date.now() + waitMs;
      for (;;) {
        const until = new Date(Date.now() + holdMs);
        const docs = ids.map((id) => ({ _id: mergeLockId(accountId, id), account_id: accountId, contact_id: id, owner, until }));
        let refused = new Set<number>();
        try {
          if (docs.length) await locks.collection.insertMany(docs as never[], { ordered: false });
        } catch (err) {
          refused = duplicateIndexes(err);
        }
        const busy: number[] = [];
        for (const i of refused) if (!(await takeOne(accountId, ids[i]!, owner))) busy.push(ids[i]!);
        const held = docs.map((d) => d._id);
        const release = async () => {
          for (const chunk of inChunks(held)) await locks.deleteMany({ _id: { $in: chunk }, owner });
        };
        if (!busy.length) return release;
        await release();
        if (Date.now() > deadline) throw new ConflictError(`contact ${busy[0]} is being merged by another request; try again`);
        await pause(pollMs);
      }
    },
  };
}

export type MergeLocks = ReturnType<typeof createMergeLocks>;
