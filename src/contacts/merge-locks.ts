import { randomUUID } from 'node:crypto';
import { duplicateIndexes, isDuplicateKey } from '../shared/duplicate-key';
import { inChunks } from '../shared/id-lists';
import { ConflictError } from '../shared/errors';
import { exemptBecause } from '../shared/id-only-guard';
import { mergeLockId, type MergeJournal, type MergeLockModel } from './merge-lock.model';

/** The contacts one merge holds: given back by `release`; `record` writes what the merge will do on its locks. */
export interface HeldForMerge {
  release(): Promise<void>;
  record(journal: MergeJournal): Promise<void>;
}

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
    // Held by another merge: taken over only once it has lapsed (that merge died), and only if
    // that merge had changed nothing yet: one that had (its journal) is finished by the sweep first.
    const res = await locks.updateOne({ _id, until: { $lt: new Date() }, merge: null }, { $set: { owner, until } });
    return res.matchedCount === 1;
  }

  /** Lapsed locks of merges that died after starting, one per merge (they are few: only merges in flight hold locks). */
  async function abandoned(): Promise<MergeJournal[]> {
    const lapsed = await locks
      .find({ until: { $lt: new Date() }, merge: { $ne: null } })
      .comment(exemptBecause('merge locks exist only while merges run: the sweep looks for merges that died'))
      .lean();
    const byMergee = new Map<number, MergeJournal>();
    for (const lock of lapsed) if (lock.merge) byMergee.set(lock.merge.mergee_id, lock.merge);
    return [...byMergee.values()];
  }

  /** Takes over the lapsed locks of a dead merge, both or neither; answers how to give them back. */
  async function takeOver(accountId: number, journal: MergeJournal): Promise<(() => Promise<void>) | null> {
    const owner = randomUUID();
    const ids = [journal.base_id, journal.mergee_id].map((id) => mergeLockId(accountId, id));
    const res = await locks.updateMany({ _id: { $in: ids }, until: { $lt: new Date() }, 'merge.mergee_id': journal.mergee_id }, { $set: { owner, until: new Date(Date.now() + holdMs) } });
    const release = async () => {
      await locks.deleteMany({ _id: { $in: ids }, owner });
    };
    if (res.modifiedCount === ids.length) return release;
    await release();
    return null;
  }

  return {
    abandoned,
    takeOver,

    /** Takes the contacts for one merge. */
    async acquire(accountId: number, contactIds: number[]): Promise<HeldForMerge> {
      const owner = randomUUID();
      const held: string[] = [];
      const release = async () => {
        if (held.length) await locks.deleteMany({ _id: { $in: held }, owner });
      };
      const record = async (journal: MergeJournal) => {
        await locks.updateMany({ _id: { $in: held }, owner }, { $set: { merge: journal } });
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
      return { release, record };
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
