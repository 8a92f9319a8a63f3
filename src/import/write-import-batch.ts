import { givesUpIdentifier, type ContactWriter, type IdentifierGivenUp } from '../contacts/contact-writer';
import { isDeepStrictEqual } from 'node:util';
import { indexWritten, readWritten } from '../contacts/index-written';
import { newContact } from '../contacts/new-contact';
import { IDENTITY_FIELD_NAMES } from '../records/contact-key.model';
import { identityClaims, type ContactKeys, type KeyClaim, type TakenKey } from '../records/contact-keys';
import type { Contact, ContactModel } from '../records/contact.model';
import type { CustomAttributeDefinition } from '../records/custom-attribute-definition.model';
import type { DefinitionStore } from '../records/custom-attribute-definitions';
import { searchFieldOf } from '../records/custom-attribute-fields';
import type { ContactIndexer } from '../search/contact-indexer';
import type { SyncScheduler } from '../search/sync-queue';
import { duplicateIndexes } from '../shared/duplicate-key';
import { NotFoundError } from '../shared/errors';
import type { IdAllocator } from '../shared/id-allocator';
import type { ContactImportModel, PendingBatch } from './contact-import.model';
import { diffContact } from './diff-contact';
import type { ImportRejection, ImportRejectionModel } from './import-rejection.model';
import { cellText } from './parse-import-row';
import { MATCH_FIELDS, type ImportBatchPlan, type PlannedRow, type PlannedUpdate, type RejectedRow } from './plan-import-batch';

export interface ImportWriterDeps {
  imports: ContactImportModel;
  rejections: ImportRejectionModel;
  contacts: ContactModel;
  nextIds: IdAllocator;
  keys: Pick<ContactKeys, 'claimMany' | 'release' | 'holdersOf'>;
  writer: Pick<ContactWriter, 'modify' | 'modifyMany' | 'markPending'>;
  indexer: Pick<ContactIndexer, 'write' | 'read'>;
  sync: SyncScheduler;
  /** As the contact writer's: a row that changes a contact's identifier ends its verified website sessions. */
  onIdentifierGivenUp?: IdentifierGivenUp;
}

export interface ImportBatchWrite {
  importId: number;
  accountId: number;
  firstRow: number;
  lastRow: number;
  /** Contact ids an interrupted attempt reserved for the rows it created, by row. */
  reserved: ReadonlyMap<number, number>;
  /** The reservation of the batch still being indexed, if any: kept on the import with this one's. */
  carried: PendingBatch | null;
  plan: ImportBatchPlan;
}

/** What the batch added to the import's counters of writes, what it reserved, and what it wrote, to be indexed. */
export interface ImportBatchWritten {
  created: number;
  updated: number;
  /** Of the updated rows, those written again after a race that found nothing left to change. */
  unchanged: number;
  rejected: number;
  reservation: PendingBatch | null;
  toIndex: Contact[];
  /** Whether some written contacts were marked pending (their marks go once indexed). */
  marked: boolean;
}


const rejectedFor = (item: PlannedRow, reason: string): RejectedRow => ({ row: item.row, cells: item.cells.map(cellText), reasons: [reason] });
const takenReason = (t: TakenKey) => `${t.field} "${t.value}" already belongs to contact ${t.ownerId} (written while this import ran)`;

/** The contact an update conditional on its version made: the same $set (of whole fields) applied to the copy that was read. */
function applied(contact: Contact, set: Record<string, unknown>, now: Date): Contact {
  return { ...structuredClone(contact), ...set, version: contact.version + 1, updated_at: now };
}

/** The values an update gives its contact that the contact did not hold. */
const newValuesOf = (accountId: number, u: PlannedUpdate): KeyClaim[] =>
  IDENTITY_FIELD_NAMES.flatMap((field) => {
    const value = u.set[field];
    return typeof value === 'string' && value !== u.contact[field] ? [{ accountId, contactId: u.id, field, value, version: u.contact.version + 1 }] : [];
  });

/** The values an update took from its contact (replaced or cleared). */
const oldValuesOf = (accountId: number, u: PlannedUpdate): KeyClaim[] =>
  IDENTITY_FIELD_NAMES.flatMap((field) =>
    field in u.set && u.contact[field] && u.set[field] !== u.contact[field] ? [{ accountId, contactId: u.id, field, value: u.contact[field]! }] : [],
  );

/** Splits claims by whether their contact got every value it asked for; the refused contacts' other keys go back. */
async function claimPerContact(keys: ImportWriterDeps['keys'], claims: KeyClaim[]): Promise<Map<number, TakenKey>> {
  const refused = new Map<number, TakenKey>();
  for (const t of await keys.claimMany(claims)) if (!refused.has(t.contactId)) refused.set(t.contactId, t);
  const takenBack = claims.filter((c) => refused.has(c.contactId) && !(refused.get(c.contactId)!.field === c.field));
  await keys.release(takenBack);
  return refused;
}

/**
 * The contact that took a new row's values since its plan, updated with the row (through the
 * contact writer: conditional on the version it reads, its keys claimed), or the row rejected:
 * when its values now name two contacts, or the update is refused. The match is the plan's rule:
 * identifier, then email, then phone.
 */
async function updateWhoTookIt(deps: ImportWriterDeps, accountId: number, item: PlannedRow, doc: Contact): Promise<Rewritten | RejectedRow | typeof GONE> {
  const holders = (await deps.keys.holdersOf(identityClaims(accountId, Number(doc._id), doc))).filter((c) => c.account_id === accountId && !c.deleted);
  // Each key's holder, in the match order: the first is the match, the others must agree with it.
  const owners = MATCH_FIELDS.map((field) => ({ field, holder: doc[field] ? holders.find((c) => c[field] === doc[field]) : undefined }));
  const owner = owners.find(({ holder }) => holder)?.holder;
  if (!owner) return rejectedFor(item, 'its email, phone or identifier was taken by another write while this import ran, and then given up; import the row again');
  const other = owners.find(({ holder }) => holder && holder._id !== owner._id);
  if (other) {
    return rejectedFor(item, `${other.field} "${doc[other.field]}" already belongs to contact ${other.holder!._id}, not to contact ${owner._id} that the row matches (both written while this import ran)`);
  }
  return rewriteRow(deps, accountId, Number(owner._id), item);
}

/** The contact a row matched is gone since the plan read it: deleted, or merged into another. */
const GONE = Symbol('gone');

/** A row written again on a contact: the contact as it stands, and whether the row changed it (another write may have given it the row's values already). */
interface Rewritten {
  contact: Contact;
  changed: boolean;
}

/** The row written on the contact as it is now, through the contact writer (conditional on the version it reads), or rejected with the writer's reason. */
async function rewriteRow(deps: ImportWriterDeps, accountId: number, contactId: number, item: PlannedRow): Promise<Rewritten | RejectedRow | typeof GONE> {
  let changed = false;
  try {
    const contact = await deps.writer.modify(accountId, contactId, (current) => {
      const set = diffContact(current, item.changes, item.labels, item.dateKeys);
      changed = set !== null;
      return set ? { set } : null;
    });
    return { contact, changed };
  } catch (err) {
    if (err instanceof NotFoundError) return GONE;
    return rejectedFor(item, (err as Error).message);
  }
}

/**
 * A row whose contact went since the plan read it, matched again as the plan would now: the
 * contact holding its values (a merge's base holds the mergee's), or a new contact when none
 * does (a delete frees them). It was rejected as "contact N not found", its values on no contact.
 * The new contact is marked pending before it is written: it has no id reserved on the import,
 * so a crash before it is indexed leaves it to the sweep, and a resume matches it by its keys.
 */
async function rematchGone(deps: ImportWriterDeps, accountId: number, item: PlannedRow, now: Date): Promise<(Rewritten & { created: boolean }) | RejectedRow> {
  const [id] = await deps.nextIds('contacts', 1);
  const doc = newContact(id, accountId, item.changes, item.labels, now);
  const refused = await claimPerContact(deps.keys, identityClaims(accountId, id, doc));
  if (refused.size) {
    const outcome = await updateWhoTookIt(deps, accountId, item, doc);
    if (outcome === GONE) return rejectedFor(item, 'the contacts it matched were deleted or merged while this import ran; import the row again');
    return 'reasons' in outcome ? outcome : { ...outcome, created: false };
  }
  await deps.writer.markPending([{ id: doc._id, accountId, version: doc.version }]);
  await deps.contacts.collection.insertOne(doc as never);
  return { contact: doc, changed: true, created: true };
}

/**
 * Writes a planned batch, reading nothing back: reserves the ids of its new contacts on the
 * import first (so a retry reuses them), takes their emails, phones and identifiers
 * (contact_keys), inserts new contacts and updates matched ones conditionally on the version the
 * plan read, and records rejected rows; answers the documents it wrote, for indexImportBatch. A
 * new row whose value another writer took meanwhile updates that contact instead; an update whose
 * new value was taken is rejected, and one that lost a race is retried through the contact writer.
 */
export async function writeImportBatch(deps: ImportWriterDeps, batch: ImportBatchWrite): Promise<ImportBatchWritten> {
  const { imports, rejections, contacts, nextIds, keys, writer } = deps;
  const { importId, accountId, reserved, plan } = batch;
  const { creates } = plan;
  const now = new Date();
  const lostRace: RejectedRow[] = [];

  // 1. Reserve the ids of the new contacts before writing them: a retry reuses them.
  const fresh = creates.filter((c) => !reserved.has(c.row)).length;
  const pool = fresh ? await nextIds('contacts', fresh) : [];
  const ids = creates.map((c) => reserved.get(c.row) ?? pool.shift()!);
  const reservation: PendingBatch | null = creates.length ? { first_row: batch.firstRow, last_row: batch.lastRow, rows: creates.map((c) => c.row), ids } : null;
  const carried = batch.carried;
  if (reservation) {
    // With the batch still being indexed: a crash before its checkpoint resumes both.
    const pending = carried
      ? { first_row: carried.first_row, last_row: reservation.last_row, rows: [...carried.rows, ...reservation.rows], ids: [...carried.ids, ...reservation.ids] }
      : reservation;
    await imports.updateOne({ _id: importId }, { $set: { pending_batch: pending } });
  }
  const reusedIds = ids.filter((id, i) => reserved.get(creates[i].row) === id);
  const already: Contact[] = reusedIds.length
    ? ((await contacts.find({ _id: { $in: reusedIds.map(String) } }).lean()) as Contact[]).filter((c) => c.account_id === accountId)
    : [];
  const alreadyIds = new Set(already.map((c) => Number(c._id)));

  // 2. New contacts: their values first, then one unordered insert.
  let toInsert = creates.map((item, i) => ({ item, doc: newContact(ids[i], accountId, item.changes, item.labels, now) })).filter((c) => !alreadyIds.has(Number(c.doc._id)));
  const refusedCreates = await claimPerContact(keys, toInsert.flatMap((c) => identityClaims(accountId, Number(c.doc._id), c.doc)));
  const lostCreates = toInsert.filter((c) => refusedCreates.has(Number(c.doc._id)));
  toInsert = toInsert.filter((c) => !refusedCreates.has(Number(c.doc._id)));
  let inserted = toInsert.map((c) => c.doc);
  if (toInsert.length) {
    try {
      // The driver directly: the documents are complete, and mongoose's per-document casting costs.
      await contacts.collection.insertMany(inserted as never[], { ordered: false });
    } catch (err) {
      // Only a contact of this batch written by a crashed attempt after all: it is there.
      const duplicates = duplicateIndexes(err);
      inserted = inserted.filter((_, i) => !duplicates.has(i));
      already.push(...toInsert.filter((_, i) => duplicates.has(i)).map((c) => c.doc));
    }
  }

  // A row whose new contact lost its values to another writer since the plan (another import of
  // the account, an agent) matches that contact now, as the plan would have: it updates it
  // (SPEC §5: matches are updated). Two imports sharing people rejected the second one's rows.
  const rematched: Contact[] = [];
  const recreated: Contact[] = [];
  /**
   * Updated rows written again that found their contact holding the row's values already (written
   * by another import of the same file meanwhile): unchanged, as the plan counts such rows. Counted
   * as changed, one file imported twice at once said `updated 3000, unchanged 1000` for a second
   * import that changed nothing.
   */
  let rewrittenUnchanged = 0;
  /** The contact a retried row was written on; a rejection or a rematch is recorded here instead. */
  const settle = async (item: PlannedRow, outcome: Rewritten | RejectedRow | typeof GONE, { countsUpdated }: { countsUpdated: boolean }): Promise<Contact | undefined> => {
    if (outcome === GONE) {
      const again = await rematchGone(deps, accountId, item, now);
      if ('reasons' in again) {
        lostRace.push(again);
      } else {
        (again.created ? recreated : rematched).push(again.contact);
        if (!again.changed) rewrittenUnchanged++;
      }
      return undefined;
    }
    if ('reasons' in outcome) {
      lostRace.push(outcome);
      return undefined;
    }
    if (countsUpdated && !outcome.changed) rewrittenUnchanged++;
    return outcome.contact;
  };
  for (const { item, doc } of lostCreates) {
    const contact = await settle(item, await updateWhoTookIt(deps, accountId, item, doc), { countsUpdated: true });
    if (contact) rematched.push(contact);
  }

  // 3. Matched contacts: new values taken, the write marked pending (a crash before it is
  // indexed leaves it to the sweep), then one bulk of updates conditional on the version read.
  const refusedUpdates = await claimPerContact(keys, plan.updates.flatMap((u) => newValuesOf(accountId, u)));
  const updates = plan.updates.filter((u) => {
    const t = refusedUpdates.get(u.id);
    if (t) lostRace.push(rejectedFor(u.item, takenReason(t)));
    return !t;
  });
  let updated: Contact[] = [];
  const written: PlannedUpdate[] = [];
  if (updates.length) {
    for (const u of updates) if (givesUpIdentifier(u.contact.identifier, u.set.identifier)) await deps.onIdentifierGivenUp?.(accountId, u.id);
    await writer.markPending(updates.map((u) => ({ id: u.contact._id, accountId, version: u.contact.version + 1 })));
    const res = await contacts.collection.bulkWrite(
      updates.map((u) => ({
        updateOne: {
          filter: { _id: String(u.id), version: u.contact.version, deleted: false },
          update: { $set: { ...u.set, updated_at: now }, $inc: { version: 1 } },
        },
      })) as never[],
      { ordered: false },
    );
    let won = updates;
    if (res.matchedCount === updates.length) {
      updated = updates.map((u) => applied(u.contact, u.set, now));
    } else {
      // Some contact changed since the plan read it: which ones the count does not say, nor does
      // a version one past the read (another write in between makes the same version). An update
      // landed where the contact holds every value it set; it is indexed as it is now, and the
      // others are written again from what they hold. Taking the version for proof indexed the
      // plan's document under the version of another write (the index and MongoDB held one
      // version with two contents), or, unsure, wrote every update again, which found nothing to
      // change on those that had landed and left them to the sweep, a minute later.
      const after = new Map(((await contacts.find({ _id: { $in: updates.map((u) => String(u.id)) } }).lean()) as Contact[]).map((c) => [Number(c._id), c]));
      // With one write since the read, it is this one only if it left this batch's time: another
      // writer giving the contact the same values (one file imported twice at once) was taken
      // for this import's write, and its row counted as changed, not unchanged.
      const landed = (u: PlannedUpdate) => {
        const current = after.get(u.id);
        return (
          !!current &&
          !current.deleted &&
          current.version > u.contact.version &&
          Object.entries(u.set).every(([field, value]) => isDeepStrictEqual(current[field as keyof Contact], value)) &&
          (current.version > u.contact.version + 1 || current.updated_at?.getTime() === now.getTime())
        );
      };
      won = updates.filter(landed);
      const lost = updates.filter((u) => !landed(u));
      updated = won.map((u) => after.get(u.id)!);
      // The values these took are not theirs yet: the retry takes them again. Not one the contact
      // holds now (another write of it landed the same value): its key is that write's.
      await keys.release(lost.flatMap((u) => newValuesOf(accountId, u).filter((c) => after.get(u.id)?.[c.field] !== c.value)));
      const unwritten: number[] = [];
      for (const u of lost) {
        // Indexed with the batch too, so that `completed` still means searchable.
        const contact = await settle(u.item, await rewriteRow(deps, accountId, u.id, u.item), { countsUpdated: !u.createdEarlier });
        if (contact) {
          updated.push(contact);
          written.push(u);
        } else unwritten.push(u.id);
      }
      // Not written after all (deleted or purged meanwhile, or refused): the mark made above is
      // one no write of this import clears; a sync job does (README, How sync works).
      await deps.sync.schedule(unwritten);
    }
    await keys.release(won.flatMap((u) => oldValuesOf(accountId, u)));
    written.push(...won);
  }

  // 4. Rejected rows, the planned ones and those that lost a race.
  const rejected: ImportRejection[] = [...plan.rejections, ...lostRace].map((r) => ({ _id: `${importId}:${r.row}`, import_id: importId, account_id: accountId, ...r }));
  if (rejected.length) {
    try {
      await rejections.collection.insertMany(rejected as never[], { ordered: false });
    } catch (err) {
      // Rows a crashed attempt already recorded keep their first record.
      duplicateIndexes(err);
    }
  }

  return {
    created: inserted.length + already.length + plan.createdEarlier.length + recreated.length,
    updated: written.filter((u) => !u.createdEarlier).length + rematched.length,
    unchanged: rewrittenUnchanged,
    rejected: rejected.length,
    reservation,
    toIndex: [...inserted, ...already, ...plan.reindex, ...updated, ...rematched, ...recreated],
    marked: updated.length + rematched.length + recreated.length > 0,
  };
}

/**
 * Indexes what a batch wrote, from its own documents (nothing is read back from MongoDB), with
 * their versions as external versions. What the index refuses is marked pending and left to
 * the sync worker, and so is the whole batch while Elasticsearch is unavailable: the rows are
 * in MongoDB, so the import goes on rather than fail its attempts until it fails for good,
 * which left its last batches' new contacts (they carry no pending mark) out of the index.
 */
export async function indexImportBatch(deps: IndexImportDeps, accountId: number, written: Pick<ImportBatchWritten, 'toIndex' | 'marked'>): Promise<void> {
  const holders = written.toIndex.filter((c) => !c.deleted && Object.keys(c.custom_attributes ?? {}).length).map((c) => Number(c._id));
  const before = holders.length ? fieldsOf(await deps.definitions.of(accountId)) : '';
  await indexWritten(deps, accountId, written.toIndex, { clearPending: written.marked });
  // A definition made or deleted meanwhile re-indexes its key's holders that the index and the
  // pending writes show; the batch's new contacts, written but not yet indexed and unmarked, were
  // in neither, and kept a deleted definition's values in its freed slot, where the next
  // definition to take it found them (or missed a new definition's values). Written again here,
  // they are indexed with the definitions as they are now.
  if (holders.length && fieldsOf(await deps.definitions.of(accountId)) !== before) {
    const bumped = await deps.writer.modifyMany(accountId, holders, { set: {} }, { queueSync: false });
    await indexWritten(deps, accountId, await readWritten(deps.indexer, accountId, bumped.map((c) => Number(c._id))));
  }
}

export interface IndexImportDeps extends Pick<ImportWriterDeps, 'indexer' | 'writer' | 'sync'> {
  definitions: Pick<DefinitionStore, 'of'>;
}

/** Where the account's custom values go in the index: each live definition's key and search field. */
const fieldsOf = (defs: CustomAttributeDefinition[]) =>
  JSON.stringify(defs.map((d) => [d.attribute_key, searchFieldOf(d)]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
