import { randomUUID } from 'node:crypto';
import { isDuplicateKey } from '../shared/duplicate-key';
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
  };
}

export type MergeLocks = ReturnType<typeof createMergeLocks>;
