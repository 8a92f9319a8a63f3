import { IDENTITY_FIELD_NAMES, type IdentityField } from '../records/contact-key.model';
import { identityClaims, type ContactKeys, type HeldKey, type IdentityValues } from '../records/contact-keys';
import type { Contact, ContactModel } from '../records/contact.model';
import type { PendingSyncModel } from '../records/pending-sync.model';
import { markPending as markPendingWrites } from '../records/pending-writes';
import type { SyncScheduler } from '../search/sync-queue';
import { conflictRetries } from '../shared/conflict-backoff';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import { isMongoUnavailable } from '../shared/mongo';

/** One write to a contact. `set` may hold dotted attribute paths (`custom_attributes.plan`). */
export interface ContactUpdate {
  set?: Record<string, unknown>;
  addToSet?: { labels: string[] };
  pull?: { labels: string[] };
}

/** Decides the write from the contact as read; null when there is nothing to write. */
export type PlanUpdate = (current: Contact) => ContactUpdate | null;

export interface ContactWriterDeps {
  contacts: ContactModel;
  pending: PendingSyncModel;
  keys: ContactKeys;
  sync: SyncScheduler;
  /**
   * Told before a write takes an identifier off the contact (changed or cleared): a website session
   * verified by HMAC proved that identifier, not the contact, and stops speaking for it (the inboxes
   * feature, above this one). Before the write, so that a crash leaves no session verified for a
   * contact that no longer holds its identifier.
   */
  onIdentifierGivenUp?: IdentifierGivenUp;
  /**
   * How long the keys of a write whose connection failed are tried to be given back: the keys'
   * grace time (KEY_CLAIM_GRACE_MS), past which they are taken over anyway.
   */
  giveBackForMs?: number;
}

export type IdentifierGivenUp = (accountId: number, contactId: number) => Promise<unknown>;

/** Whether writing `next` (undefined: not written) takes the identifier the contact holds off it. */
export const givesUpIdentifier = (held: string | null | undefined, next: unknown): boolean => !!held && next !== undefined && next !== held;

const identityOf = (contact: Pick<Contact, IdentityField>): IdentityValues =>
  Object.fromEntries(IDENTITY_FIELD_NAMES.map((field) => [field, contact[field]]));

function toMongoUpdate(update: ContactUpdate, current: Contact, now: Date) {
  const add = update.addToSet?.labels ?? [];
  const pull = update.pull?.labels ?? [];
  const set: Record<string, unknown> = { ...update.set, updated_at: now };
  const ops: Record<string, unknown> = { $set: set, $inc: { version: 1 } };
  if (add.length && pull.length) {
    // One update may not both add to and pull from a field; the version condition makes the
    // whole list as computed from this read just as safe.
    set.labels = [...(current.labels ?? []).filter((l) => !pull.includes(l)), ...add.filter((l) => !(current.labels ?? []).includes(l))];
  } else if (add.length) ops.$addToSet = { labels: { $each: add } };
  else if (pull.length) ops.$pullAll = { labels: pull };
  return ops;
}

/**
 * Runs `attempt` after `firstWaitMs`, then until it succeeds, waiting twice as long after each
 * failure (at most 5 s), for at most `forMs`. Its timers do not keep the process alive.
 */
async function keepTrying(attempt: () => Promise<void>, { firstWaitMs, forMs }: { firstWaitMs: number; forMs: number }): Promise<void> {
  const until = Date.now() + forMs;
  for (let wait = firstWaitMs; Date.now() + wait <= until; wait = Math.min(wait * 2, 5000)) {
    await new Promise((resolve) => setTimeout(resolve, wait).unref());
    try {
      return await attempt();
    } catch {
      // The database is still away: wait longer.
    }
  }
}

/**
 * Every write to a contact goes through here, and each is one single-document update
 * conditional on the version it read, retried on conflict: no lost update, no write to a
 * contact deleted meanwhile. Around it, in this order: new emails, phones and identifiers are
 * taken (contact_keys), the write is marked pending for the index, the contact is written, the
 * values it gave up are released, the sync job is queued.
 */
export function createContactWriter({ contacts, pending, keys, sync, onIdentifierGivenUp, giveBackForMs = 60_000 }: ContactWriterDeps) {
  const markPending = (entries: { id: string; accountId: number; version: number }[]) => markPendingWrites(pending, entries);

  async function readLive(accountId: number, id: number): Promise<Contact> {
    const contact = await contacts.findById(String(id)).lean();
    if (!contact || contact.account_id !== accountId || contact.deleted) throw new NotFoundError('contact', id);
    return contact;
  }

  /** The values a write gives the contact that it did not hold. */
  function newValues(current: Contact, update: ContactUpdate): IdentityValues {
    const values: IdentityValues = {};
    for (const field of IDENTITY_FIELD_NAMES) {
      const next = update.set?.[field];
      if (typeof next === 'string' && next !== current[field]) values[field] = next;
    }
    return values;
  }

  /**
   * Gives back the keys a failed write took (`claimed`) of values the contact does not hold.
   * A write the database refused, or never sent, did not land: `held` is the contact as it
   * stands (null: none, or deleted). One whose connection failed may have landed (the server
   * wrote it and the answer was lost): the contact is read again, by _id, and only what it does
   * not hold then is given back. Given back against the contact as read before, a create that
   * had landed was left without its keys, its email free for a second contact; and while the
   * database was away the one attempt failed, so a client retrying the create was refused its
   * own email until the grace time ran out. The request does not wait (each wait is a
   * server-selection timeout): the give-back is tried in the background until it succeeds, for
   * as long as the grace lasts. A key is given back only as this write took it (ContactKeys.giveBack):
   * another write of the contact may have taken it since, for a value it is about to hold.
   */
  async function giveBack(cause: unknown, accountId: number, id: number, claimed: HeldKey[], held: Contact | null): Promise<void> {
    if (!isMongoUnavailable(cause)) return keys.giveBack(unheld(claimed, held));
    const afterReadingAgain = async () => {
      const now = await contacts.findById(String(id)).lean();
      const landed = now && now.account_id === accountId && !now.deleted ? now : null;
      await keys.giveBack(unheld(claimed, landed));
      // A create whose answer was lost is indexed now, not at the next sweep. A write that did
      // not land leaves its mark to the sweep, which waits out its grace for a late landing.
      if (landed) await sync.schedule([id]);
    };
    // Not at once: a write whose connection was reset may still be running on the server, and
    // read absent a moment before it lands, its keys would be given back from under it.
    void keepTrying(afterReadingAgain, { firstWaitMs: 500, forMs: giveBackForMs });
  }

  /** The keys among `claimed` whose value the contact (as it stands; null: none) does not hold. */
  const unheld = (claimed: HeldKey[], contact: Contact | null) => claimed.filter((c) => contact?.[c.field] !== c.value);

  /**
   * After a write landed: releases the keys of values the contact held before it and does not
   * hold now (only those taken for a version it had reached: a later one is another write's, taking
   * the value back), and gives back what this write took and does not hold.
   */
  async function releaseGivenUp(accountId: number, id: number, before: Contact, claimed: HeldKey[], after: Contact): Promise<void> {
    const former = identityClaims(accountId, id, identityOf(before)).filter((c) => after[c.field] !== c.value);
    await Promise.all([keys.release(former, { heldUpTo: before.version }), keys.giveBack(unheld(claimed, after))]);
  }

  async function modify(accountId: number, id: number, plan: PlanUpdate): Promise<Contact> {
    const claimed: HeldKey[] = [];
    let current: Contact | undefined;
    let marked = false;
    try {
      const retries = conflictRetries();
      do {
        current = await readLive(accountId, id);
        const update = plan(current);
        if (!update) {
          if (marked) await syncLostMark(id);
          return current;
        }
        const wanted = newValues(current, update);
        claimed.push(...(await keys.claim(accountId, id, wanted, current.version + 1)));
        if (givesUpIdentifier(current.identifier, update.set?.identifier)) await onIdentifierGivenUp?.(accountId, id);
        await markPending([{ id: current._id, accountId, version: current.version + 1 }]);
        marked = true;
        const updated = await contacts
          .findOneAndUpdate({ _id: current._id, version: current.version, deleted: false }, toMongoUpdate(update, current, new Date()), { new: true })
          .lean();
        if (updated) {
          await releaseGivenUp(accountId, id, current, claimed, updated);
          await sync.schedule([id]);
          return updated;
        }
      } while (await retries.again());
      throw new ConflictError(`contact ${id} changed ${retries.made} times while it was being written; try again`);
    } catch (err) {
      // Deleted meanwhile, a value taken, or too many conflicts: what this call took goes back.
      await giveBack(err, accountId, id, claimed, err instanceof NotFoundError ? null : (current ?? null));
      if (marked) await syncLostMark(id);
      throw err;
    }
  }

  /**
   * A write that marked the contact and then lost it to another write (changed, deleted or purged
   * meanwhile; refused, or nothing left to write, when read again) leaves a mark no version of its
   * own will clear. Its version is one the contact has reached (or it was purged), but the sync
   * may already have indexed that version and cleared the marks before this one landed: left
   * alone, only the sweep took it, a minute or more later, and whatever waits for a contact's
   * marks to go (a bulk action's "completed means searchable") waited for it. A sync
   * job for the contact clears it: the indexer drops marks at or below the version it holds, and
   * every mark of a deleted or purged contact.
   */
  const syncLostMark = (id: number) => sync.schedule([id]);

  /** The account's live contacts among `ids`, as read now: one read by _id. */
  async function liveAmong(accountId: number, ids: number[]): Promise<Contact[]> {
    const unique = [...new Set(ids)].map(String);
    if (!unique.length) return [];
    return ((await contacts.find({ _id: { $in: unique } }).lean()) as Contact[]).filter((c) => c.account_id === accountId && !c.deleted);
  }

  /**
   * One update for many contacts of the account (labels, deletes, re-sync), as read by
   * liveAmong: they are marked pending and written by one updateMany by _id per operator. No
   * version condition is needed here: each operator commutes with any other write (add or
   * remove a label, set a constant), and a single-document update is atomic (on FerretDB with
   * patch 0003), so nothing is lost; a thousand contacts cost one statement, not a thousand.
   * Their marks are the version read plus these writes; markOvertaken covers those written to
   * in between. A contact deleted since it was read is left alone. Identity values cannot change here.
   * Answers how many of them were still live to take the first operator: the contacts changed.
   * `queueSync: false` for a caller that indexes what it wrote itself, right after (indexWritten):
   * the marks stay until then, so a crash in between is left to the sweep, but the sync worker
   * does not read and index every contact a second time.
   */
  async function writeMany(accountId: number, found: Contact[], update: ContactUpdate, { queueSync = true }: { queueSync?: boolean } = {}): Promise<number> {
    if (!found.length) return 0;
    // One update may not both add to and pull from a field: one statement for each.
    const operators: Record<string, unknown>[] = [];
    if (update.addToSet?.labels.length) operators.push({ $addToSet: { labels: { $each: update.addToSet.labels } } });
    if (update.pull?.labels.length) operators.push({ $pullAll: { labels: update.pull.labels } });
    if (!operators.length) operators.push({});
    await markPending(found.map((c) => ({ id: c._id, accountId, version: c.version + operators.length })));
    const filter = { _id: { $in: found.map((c) => c._id) }, account_id: accountId, deleted: false };
    let changed: number | undefined;
    for (const operator of operators) {
      const { matchedCount } = await contacts.updateMany(filter, { ...operator, $set: { ...update.set, updated_at: new Date() }, $inc: { version: 1 } });
      changed ??= matchedCount;
    }
    await markOvertaken(accountId, found, operators.length);
    if (queueSync) await sync.schedule(found.map((c) => Number(c._id)));
    return changed ?? 0;
  }

  /**
   * A write to one of these contacts between writeMany's read and its update (a PATCH) made the
   * update land a version above its mark, and that write's sync, which may have read its own
   * version before the update, indexes it and clears the marks up to it, this one too: with this
   * update's sync job lost (Redis away) nothing marked it, and the sweep never found it (a label
   * missing from the index, a deleted contact still listed, until a reconcile). So the contacts
   * are read again, their versions only, and those past what this update alone makes are marked
   * at the version they hold now. Usually none: one read by _id, no write.
   */
  async function markOvertaken(accountId: number, found: Contact[], writes: number): Promise<void> {
    const made = new Map(found.map((c) => [String(c._id), c.version + writes]));
    const now = await contacts.find({ _id: { $in: [...made.keys()] } }, { version: 1 }).lean();
    await markPending(now.filter((c) => c.version > made.get(String(c._id))!).map((c) => ({ id: String(c._id), accountId, version: c.version })));
  }

  /**
   * writeMany on the live contacts among `ids` that `applies` (then `choose`, which may ask
   * elsewhere) keeps; answers those written, as read. With `choose`, through writeChosen.
   */
  async function modifyMany(accountId: number, ids: number[], update: ContactUpdate, { applies = () => true, choose, beforeWrite, queueSync }: ManyWriteOptions = {}): Promise<Contact[]> {
    let found = (await liveAmong(accountId, ids)).filter(applies);
    if (choose && found.length) found = await choose(found);
    if (found.length) await beforeWrite?.(found);
    if (choose) return writeChosen(accountId, found, update, { choose, applies, queueSync });
    await writeMany(accountId, found, update, { queueSync });
    return found;
  }

  /**
   * Writes contacts that `choose` picked for what they held (a bulk action's filter), each only
   * at the version it was picked at: one update per contact, conditional on that version, in one
   * bulkWrite. Those another write changed in between are read and picked again, up to
   * CHOSEN_WRITE_ATTEMPTS times; one that no longer matches is left alone. writeMany's
   * unconditional update deleted (or labelled) contacts a PATCH or an import had just taken out
   * of the filter, after the check had passed them: 17 to 30 of about 60 PATCHed contacts, and
   * 300 to 500 rows of an import, in a black-box race of two API processes. Answers the contacts
   * written, as read (their values are what the write was conditional on).
   */
  async function writeChosen(accountId: number, chosen: Contact[], update: ContactUpdate, { choose, applies = () => true, queueSync = true }: ChosenWriteOptions): Promise<Contact[]> {
    const written: Contact[] = [];
    let batch = chosen;
    for (let attempt = 1; batch.length; attempt++) {
      const now = new Date();
      await markPending(batch.map((c) => ({ id: c._id, accountId, version: c.version + 1 })));
      const res = await contacts.bulkWrite(
        batch.map((c) => ({
          updateOne: {
            filter: { _id: c._id, account_id: accountId, version: c.version, deleted: false },
            update: { $set: { ...update.set, ...labelsAfter(c, update), updated_at: now }, $inc: { version: 1 } },
          },
        })) as never[],
        { ordered: false },
      );
      let missed: Contact[] = [];
      if (res.matchedCount === batch.length) written.push(...batch);
      else {
        // Which ones landed the count does not say: this write's version, stamped with its time.
        const after = new Map(((await contacts.find({ _id: { $in: batch.map((c) => c._id) } }, { version: 1, updated_at: 1 }).lean()) as Contact[]).map((c) => [String(c._id), c]));
        const landed = (c: Contact) => after.get(String(c._id))?.version === c.version + 1 && after.get(String(c._id))?.updated_at?.getTime() === now.getTime();
        written.push(...batch.filter(landed));
        missed = batch.filter((c) => !landed(c));
      }
      // The missed ones too: their marks are of versions other writes made, which their syncs may have indexed already.
      if (queueSync) await sync.schedule(batch.map((c) => Number(c._id)));
      else if (missed.length) await sync.schedule(missed.map((c) => Number(c._id)));
      if (!missed.length || attempt === CHOSEN_WRITE_ATTEMPTS) break;
      const again = (await liveAmong(accountId, missed.map((c) => Number(c._id)))).filter(applies);
      batch = again.length ? await choose(again) : [];
    }
    return written;
  }

  /**
   * Deletes the one contact among `ids` while `check` passes on it as read, conditional on that
   * version: a write in between is read, and checked, again (a delete after If-Match must not
   * delete what the caller has not seen).
   */
  async function removeChecked(accountId: number, ids: number[], check: (current: Contact) => void, beforeWrite?: (found: Contact[]) => Promise<unknown>): Promise<Contact[]> {
    if (new Set(ids).size !== 1) throw new Error('a checked delete takes one contact');
    const retries = conflictRetries();
    let marked = false;
    try {
      do {
        const [current] = await liveAmong(accountId, ids);
        if (!current) {
          if (marked) await syncLostMark(ids[0]);
          return [];
        }
        check(current);
        await beforeWrite?.([current]);
        await markPending([{ id: current._id, accountId, version: current.version + 1 }]);
        marked = true;
        const { matchedCount } = await contacts.updateOne(
          { _id: current._id, account_id: accountId, version: current.version, deleted: false },
          { $set: { deleted: true, updated_at: new Date() }, $inc: { version: 1 } },
        );
        if (matchedCount) {
          await sync.schedule([Number(current._id)]);
          return [current];
        }
      } while (await retries.again());
      throw new ConflictError(`contact ${ids[0]} changed ${retries.made} times while it was being deleted; try again`);
    } catch (err) {
      if (marked) await syncLostMark(ids[0]);
      throw err;
    }
  }

  /**
   * Takes a label off the account's live contacts among `ids` that carry it, in one updateMany
   * by _id, WITHOUT pending marks and without a sync job: for the label removal job alone, which
   * records the ids on the label before this write and indexes the contacts itself right after,
   * so that an interruption between the two is repaired from that record, not by the sweep. On
   * a label carried by 100,000 contacts the marks and the sync worker's read-back were a third
   * of the work. Like modifyMany, it needs no version condition: a pull commutes with any write.
   */
  async function pullLabelUnsynced(accountId: number, ids: number[], title: string): Promise<void> {
    if (!ids.length) return;
    await contacts.updateMany(
      { _id: { $in: [...new Set(ids)].map(String) }, account_id: accountId, deleted: false, labels: title },
      { $pullAll: { labels: [title] }, $set: { updated_at: new Date() }, $inc: { version: 1 } },
    );
  }

  /**
   * Gives the account's live contacts among `ids` that carry the label `from` the label `to` in
   * its place, as pullLabelUnsynced does (no pending marks, no sync job: for a label's rename,
   * which records and indexes the ids itself). Two updates, as one may not add to and pull from
   * the same array: in between a contact carries both titles, never neither.
   */
  async function moveLabelUnsynced(accountId: number, ids: number[], from: string, to: string): Promise<void> {
    if (!ids.length) return;
    const carriers = { _id: { $in: [...new Set(ids)].map(String) }, account_id: accountId, deleted: false, labels: from };
    await contacts.updateMany(carriers, { $addToSet: { labels: to }, $set: { updated_at: new Date() }, $inc: { version: 1 } });
    await contacts.updateMany(carriers, { $pullAll: { labels: [from] }, $set: { updated_at: new Date() }, $inc: { version: 1 } });
  }

  return {
    markPending,
    modify,
    liveAmong,
    writeMany,
    modifyMany,
    writeChosen,
    pullLabelUnsynced,
    moveLabelUnsynced,

    /**
     * Throws the ValidationError a write of these values by `contactId` would, when another live
     * contact holds one of them now. A read, not a claim: the write still takes them (and may
     * still be refused, by a contact that takes one in between).
     */
    async checkFree(accountId: number, contactId: number, values: IdentityValues): Promise<void> {
      const owners = await keys.owners(accountId, values);
      for (const field of IDENTITY_FIELD_NAMES) {
        const owner = owners[field];
        if (owner && Number(owner._id) !== contactId) throw new ValidationError(`${field} "${values[field]}" already belongs to contact ${owner._id}`, field);
      }
    },

    /** Writes a new contact after taking its values; throws ValidationError naming a value another contact holds. */
    async insert(contact: Contact): Promise<void> {
      const id = Number(contact._id);
      const claimed = await keys.claim(contact.account_id, id, identityOf(contact));
      try {
        await markPending([{ id: contact._id, accountId: contact.account_id, version: contact.version }]);
        // The driver directly: newContact's document is complete, and mongoose's casting and
        // validation of it was a tenth of the API's CPU per create.
        await contacts.collection.insertOne(contact as never);
      } catch (err) {
        await giveBack(err, contact.account_id, id, claimed, null);
        throw err;
      }
      await sync.schedule([id]);
    },

    /**
     * Hands `fromId`'s keys of these values to `toId` for its next write (see ContactKeys.handOver):
     * a merge's base takes the mergee's email, phone or identifier without their being free between
     * the mergee's delete and the base's write.
     */
    async handOverKeys(accountId: number, fromId: number, to: Pick<Contact, '_id' | 'version'>, values: IdentityValues): Promise<void> {
      await keys.handOver(identityClaims(accountId, Number(to._id), values, to.version + 1), fromId);
    },

    /**
     * Deletes one live contact and answers it as deleted, every write that landed before the
     * delete included; null when it is not live. A merge carries that to its base: read after the
     * delete, the contact could be purged by the sync worker already, and the merge fell back to
     * its first read, losing a PATCH or a label answered 200 meanwhile (found by a black-box race
     * of two API processes). No version condition, as remove: a delete commutes with any write.
     */
    async removeAnswering(accountId: number, id: number): Promise<Contact | null> {
      const [current] = await liveAmong(accountId, [id]);
      if (!current) return null;
      await markPending([{ id: current._id, accountId, version: current.version + 1 }]);
      const deleted = (await contacts
        .findOneAndUpdate({ _id: current._id, account_id: accountId, deleted: false }, { $set: { deleted: true, updated_at: new Date() }, $inc: { version: 1 } }, { new: true })
        .lean()) as Contact | null;
      if (deleted && deleted.version > current.version + 1) await markPending([{ id: deleted._id, accountId, version: deleted.version }]);
      if (deleted) await keys.release(identityClaims(accountId, id, identityOf(deleted)));
      await sync.schedule([id]);
      return deleted;
    },

    /**
     * Deletes the account's live contacts among `ids`: a soft delete that bumps the version (so a
     * late sync job cannot bring one back; the sync worker purges it once the index dropped it),
     * then their values are released. Answers the ids deleted. `beforeWrite` is told the live
     * contacts about to be deleted (a bulk action records them); `check`, for one contact
     * (If-Match), makes the delete conditional on the version it passed at.
     */
    async remove(accountId: number, ids: number[], { beforeWrite, check, choose }: RemoveOptions = {}): Promise<number[]> {
      const deleted = check ? await removeChecked(accountId, ids, check, beforeWrite) : await modifyMany(accountId, ids, { set: { deleted: true } }, { beforeWrite, choose });
      await keys.release(deleted.flatMap((c) => identityClaims(accountId, Number(c._id), identityOf(c))));
      return deleted.map((c) => Number(c._id));
    },
  };
}

export type ContactWriter = ReturnType<typeof createContactWriter>;

/** How a write of many contacts picks them among the live ones it reads, and what it does before writing. */
export interface ManyWriteOptions {
  applies?: (contact: Contact) => boolean;
  /** An asynchronous pick, after `applies` (a bulk action asks the index whether a changed contact still matches). */
  choose?: (found: Contact[]) => Promise<Contact[]>;
  /** Told the contacts about to be written (a bulk action records them). */
  beforeWrite?: (found: Contact[]) => Promise<unknown>;
  queueSync?: boolean;
}

export interface ChosenWriteOptions extends Pick<ManyWriteOptions, 'applies' | 'queueSync'> {
  choose: NonNullable<ManyWriteOptions['choose']>;
}

/** How many times writeChosen writes a contact that other writes keep changing before it leaves it alone. */
const CHOSEN_WRITE_ATTEMPTS = 3;

/** The labels a contact holds after an update's additions and removals, as a `$set` (none when the update leaves them). */
function labelsAfter(contact: Contact, update: ContactUpdate): { labels?: string[] } {
  const add = update.addToSet?.labels ?? [];
  const remove = update.pull?.labels ?? [];
  if (!add.length && !remove.length) return {};
  const held = (contact.labels ?? []).filter((title) => !remove.includes(title));
  return { labels: [...held, ...add.filter((title) => !held.includes(title))] };
}

export interface RemoveOptions extends Pick<ManyWriteOptions, 'beforeWrite' | 'choose'> {
  /** For one contact (If-Match): the delete is conditional on the version it passed at. */
  check?: (current: Contact) => void;
}
