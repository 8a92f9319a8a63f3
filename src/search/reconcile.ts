import type { Client } from '@elastic/elasticsearch';
import type { Contact, ContactModel } from '../records/contact.model';
import { identityClaims, type ContactKeys } from '../records/contact-keys';
import type { PendingSyncModel } from '../records/pending-sync.model';
import { markPending } from '../records/pending-writes';
import type { IndexOutcome } from './contact-indexer';
import { deleteFromIndex, findContactsBehindIndex, indexVersions } from './index-drift';
import { documentRouting, type IndexTarget } from './index-placements';
import type { ContactSearch } from './search-contacts';

const PAGE = 1000;
const REFUSED = 'the index refused the MongoDB version: it holds a newer version or a recent delete of this id';

export interface ReconcileReport {
  /** The account's contacts in MongoDB, live or waiting to be removed from the index. */
  checked: number;
  /** Of those, the ones the index did not hold at their MongoDB version. */
  behind: number;
  /** The account's documents in the index (as of the walk's point in time). */
  indexed: number;
  /** Documents in the index with no contact in MongoDB. */
  orphans: number;
  /**
   * Emails, phone numbers and identifiers of live contacts whose key did not name the contact
   * (missing, or left to another id): taken again unless a dry run.
   */
  unkeyed: number;
  /** Contacts that could not be repaired, with the reason. */
  failed: { id: number; reason: string }[];
}

export interface ReconcileOptions {
  dryRun?: boolean;
  quick?: boolean;
  onProgress?: (report: ReconcileReport) => void;
}

/** The reports of one account's reconcile in each index it is written to, added up. */
export function addReports(reports: ReconcileReport[]): ReconcileReport {
  const sum: ReconcileReport = { checked: 0, behind: 0, indexed: 0, orphans: 0, unkeyed: 0, failed: [] };
  for (const r of reports) {
    sum.checked += r.checked;
    sum.behind += r.behind;
    sum.indexed += r.indexed;
    sum.orphans += r.orphans;
    // Each index's pass checks the keys of the same contacts: added up, a dry run counted them twice.
    sum.unkeyed = Math.max(sum.unkeyed, r.unkeyed);
    sum.failed.push(...r.failed);
  }
  return sum;
}

type Checked = Pick<Contact, '_id' | 'account_id' | 'version' | 'deleted' | 'email' | 'phone_number' | 'identifier'>;
const CHECKED_FIELDS = { _id: 1, account_id: 1, version: 1, deleted: 1, email: 1, phone_number: 1, identifier: 1 };

/**
 * Compares one account's contacts in MongoDB with the index and repairs the drift: contacts
 * the index lacks or holds at an older version are indexed again (through the indexer, with
 * external versions, as the sync worker does), index documents with no contact behind them are
 * deleted, and each live contact's email, phone and identifier keys are made to point at it.
 *
 * MongoDB is read by _id only: the contacts to compare come from the pending writes
 * (pending_sync), from every contact id ever handed out (read by _id, a thousand at a time,
 * which also finds what the index lost after acknowledging it, e.g. restored from an old
 * snapshot), and from the index (a point-in-time walk of the account's documents). `quick`
 * skips the id walk: the pending writes and the index only. A dry run only counts.
 */
export async function reconcileAccount(
  deps: {
    contacts: ContactModel;
    pending: PendingSyncModel;
    keys: Pick<ContactKeys, 'claimMany' | 'unheld'>;
    es: Client;
    /** The index compared: one the account is written to (reconcile runs once for each). */
    target: IndexTarget;
    search: Pick<ContactSearch, 'matchingIds'>;
    indexContacts: (ids: number[]) => Promise<IndexOutcome>;
    /** The highest contact id handed out (for the id walk). */
    maxContactId?: () => Promise<number>;
  },
  accountId: number,
  options: ReconcileOptions = {},
): Promise<ReconcileReport> {
  const report: ReconcileReport = { checked: 0, behind: 0, indexed: 0, orphans: 0, unkeyed: 0, failed: [] };
  const read = async (ids: string[]): Promise<Checked[]> =>
    ids.length ? ((await deps.contacts.find({ _id: { $in: ids } }, CHECKED_FIELDS).lean()) as Checked[]) : [];

  async function repairKeys(page: Checked[]) {
    const claims = page.filter((c) => !c.deleted).flatMap((c) => identityClaims(accountId, Number(c._id), c, c.version));
    // Read first, so that a dry run can count them (it said nothing of a contact without its key)
    // and the run claims only these rather than inserting every value to find them.
    const unheld = await deps.keys.unheld(claims);
    report.unkeyed += unheld.length;
    if (!unheld.length || options.dryRun) return;
    // A key that pointed elsewhere is taken back, unless another live contact holds the same
    // value, which only a person can settle.
    for (const t of await deps.keys.claimMany(unheld)) {
      report.failed.push({ id: t.contactId, reason: `${t.field} "${t.value}" is also held by contact ${t.ownerId}` });
    }
  }

  async function repair(page: Checked[]) {
    report.checked += page.length;
    await repairKeys(page);
    const held = await indexVersions(deps.es, deps.target, page);
    const heldOf = (c: Checked) => held.get(String(c._id)) ?? 0;
    const behind = page.filter((c) => c.deleted || heldOf(c) < c.version).map((c) => Number(c._id));
    // A live contact the index holds at a version MongoDB never wrote: changed by hand in the
    // index, or MongoDB restored from an older backup. The index refuses the contact's own
    // version, so MongoDB's version is moved past it (below). Read again first: a write made
    // since the page was read, and indexed, is not one.
    const maybeAhead = page.filter((c) => !c.deleted && heldOf(c) > c.version);
    const now = new Map((await read(maybeAhead.map((c) => c._id))).map((c) => [c._id, c]));
    const stillAhead = maybeAhead.flatMap((c) => {
      const current = now.get(c._id);
      return current && !current.deleted && heldOf(c) > current.version ? [current] : [];
    });
    const ahead = new Map(stillAhead.map((c) => [Number(c._id), heldOf(c)]));
    report.behind += behind.length + ahead.size;
    if (options.dryRun) return options.onProgress?.(report);
    const refused = new Map(ahead);
    if (behind.length) {
      const outcome = await deps.indexContacts(behind);
      for (const [id, reason] of outcome.failed) report.failed.push({ id, reason });
      // The index answers a write older than what it holds with a conflict, which the indexer
      // takes as done: a live contact still behind now was refused (a delete made by hand left
      // a newer tombstone), never silently skipped.
      const repaired = new Set(behind);
      const recheck = page.filter((c) => !c.deleted && repaired.has(Number(c._id)) && !outcome.failed.has(Number(c._id)));
      const stillBehind = await findContactsBehindIndex(deps.es, () => [deps.target], recheck);
      // Deleted since the page was read (and perhaps purged): the delete's own sync settles it.
      const live = new Set((await read(stillBehind.map(String))).filter((c) => !c.deleted).map((c) => Number(c._id)));
      for (const id of stillBehind.filter((id) => live.has(id))) {
        const version = outcome.refused?.get(id);
        if (version !== undefined) refused.set(id, version);
        else report.failed.push({ id, reason: REFUSED });
      }
    }
    if (refused.size) await overtake([...stillAhead, ...page.filter((c) => !ahead.has(Number(c._id)))], refused);
    options.onProgress?.(report);
  }

  /**
   * Moves each contact's version in MongoDB past the version the index holds (a conditional
   * write, marked pending first, as any write), then indexes it: MongoDB stays the source of
   * truth and versions only grow, so the worker's later writes are accepted again.
   */
  async function overtake(page: Checked[], refused: Map<number, number>) {
    const byId = new Map(page.map((c) => [Number(c._id), c]));
    const moved: string[] = [];
    const changed: string[] = [];
    for (const [id, heldVersion] of refused) {
      const contact = byId.get(id)!;
      const version = heldVersion + 1;
      await markPending(deps.pending, [{ id: contact._id, accountId, version }]);
      const res = await deps.contacts.updateOne({ _id: contact._id, version: contact.version, deleted: false }, { $set: { version, updated_at: new Date() } });
      (res.matchedCount ? moved : changed).push(contact._id);
    }
    // Written meanwhile: past the index's version (or deleted), that write's own sync settles it.
    for (const c of await read(changed)) {
      if (!c.deleted && c.version <= refused.get(Number(c._id))!) {
        report.failed.push({ id: Number(c._id), reason: 'the contact changed while reconcile moved its version past the index: run reconcile again' });
      }
    }
    if (!moved.length) return;
    const { failed } = await deps.indexContacts(moved.map(Number));
    for (const [id, reason] of failed) report.failed.push({ id, reason });
    // Checked at the version written here: one written since is its own sync's, as is a delete.
    const recheck = (await read(moved))
      .filter((c) => !c.deleted && !failed.has(Number(c._id)))
      .map((c) => ({ ...c, version: refused.get(Number(c._id))! + 1 }));
    for (const id of await findContactsBehindIndex(deps.es, () => [deps.target], recheck)) report.failed.push({ id, reason: REFUSED });
  }

  const ofAccount = (found: Checked[]) => found.filter((c) => c.account_id === accountId);
  const checked = new Set<string>();

  // 1. The account's pending writes: contacts the index may never have seen. The collection holds
  // only what is pending, so this scan's cost follows the pending writes, not the contacts.
  let ids: string[] = [];
  const flush = async () => {
    const found = ofAccount(await read(ids));
    found.forEach((c) => checked.add(c._id));
    if (found.length) await repair(found);
    ids = [];
  };
  for await (const marker of deps.pending.find({ account_id: accountId }, { _id: 1 }).lean().cursor({ batchSize: PAGE })) {
    ids.push(marker._id);
    if (ids.length >= PAGE) await flush();
  }
  if (ids.length) await flush();

  // 2. Unless `quick`, every contact id ever handed out, by _id.
  if (!options.quick) {
    const max = (await deps.maxContactId?.()) ?? 0;
    for (let start = 1; start <= max; start += PAGE) {
      ids = Array.from({ length: Math.min(PAGE, max - start + 1) }, (_, i) => String(start + i)).filter((id) => !checked.has(id));
      const found = ofAccount(await read(ids));
      found.forEach((c) => checked.add(c._id));
      if (found.length) await repair(found);
    }
  }

  // 3. The index's documents of the account: compared with MongoDB, or deleted when no contact
  // of the account is behind them (ids are never reused, so such a document can only be stale).
  for await (const page of deps.search.matchingIds(accountId, undefined, PAGE, deps.target)) {
    report.indexed += page.length;
    const found = await read(page.map(String));
    const live = new Set(ofAccount(found).map((c) => c._id));
    const toCheck = ofAccount(found).filter((c) => !checked.has(c._id));
    if (toCheck.length) await repair(toCheck);
    const orphans = page.map(String).filter((id) => !live.has(id));
    report.orphans += orphans.length;
    if (!options.dryRun) report.failed.push(...(await deleteFromIndex(deps.es, deps.target.index, orphans.map((id) => ({ id, routing: documentRouting(deps.target, accountId, id) })))));
    options.onProgress?.(report);
  }
  return report;
}
