import { IDENTITY_KEYS, type ContactModel } from '../records/contact.model';
import { newContact } from '../contacts/new-contact';
import type { SyncScheduler } from '../search/sync-queue';
import { isDuplicateKey } from '../shared/duplicate-key';
import type { IdAllocator } from '../shared/id-allocator';
import type { ContactImportModel } from './contact-import.model';
import type { ImportRejection, ImportRejectionModel } from './import-rejection.model';
import { cellText } from './parse-import-row';
import type { ImportBatchPlan, PlannedRow, RejectedRow } from './plan-import-batch';

export interface ImportWriterDeps {
  imports: ContactImportModel;
  rejections: ImportRejectionModel;
  contacts: ContactModel;
  nextIds: IdAllocator;
  sync: SyncScheduler;
}

export interface ImportBatchWrite {
  importId: number;
  accountId: number;
  firstRow: number;
  lastRow: number;
  /** Contact ids an interrupted attempt reserved for the rows it created, by row. */
  reserved: ReadonlyMap<number, number>;
  plan: ImportBatchPlan;
}

/** What the batch added to the import's counters of writes. */
export interface ImportBatchWritten {
  created: number;
  updated: number;
  rejected: number;
}

interface WriteError {
  index: number;
  code?: number;
  errmsg?: string;
}

/** Per-document errors of an unordered insertMany/bulkWrite; anything else is rethrown. */
function writeErrorsOf(err: unknown): WriteError[] {
  const writeErrors = (err as { writeErrors?: unknown }).writeErrors;
  if (!writeErrors) throw err;
  const list = (Array.isArray(writeErrors) ? writeErrors : [writeErrors]) as { index: number; code?: number; errmsg?: string; err?: WriteError }[];
  return list.map((e) => ({ index: e.index ?? e.err?.index, code: e.code ?? e.err?.code, errmsg: e.errmsg ?? e.err?.errmsg }));
}

function takenKeyMessage(errmsg: string | undefined): string {
  const name = IDENTITY_KEYS.find(([, key]) => errmsg?.includes(key))?.[0];
  return name ? `${name} already belongs to another contact (written while this import ran)` : 'a unique value already belongs to another contact';
}

const rejectedFor = (item: PlannedRow, reason: string): RejectedRow => ({ row: item.row, cells: item.cells.map(cellText), reasons: [reason] });

/**
 * Writes a planned batch: reserves the ids of its new contacts on the import first (so a retry
 * reuses them), inserts and updates contacts, records rejected rows, schedules the sync. A row
 * whose email, phone or identifier another writer took meanwhile is rejected, not an error.
 */
export async function writeImportBatch(deps: ImportWriterDeps, batch: ImportBatchWrite): Promise<ImportBatchWritten> {
  const { imports, rejections, contacts, nextIds, sync } = deps;
  const { importId, accountId, reserved, plan } = batch;
  const { creates, updates } = plan;
  const now = new Date();

  // 1. Reserve the ids of the new contacts before writing them: a retry reuses them.
  const fresh = creates.filter((c) => !reserved.has(c.row)).length;
  const pool = fresh ? await nextIds('contacts', fresh) : [];
  const ids = creates.map((c) => reserved.get(c.row) ?? pool.shift()!);
  if (creates.length) {
    await imports.updateOne(
      { _id: importId },
      { $set: { pending_batch: { first_row: batch.firstRow, last_row: batch.lastRow, rows: creates.map((c) => c.row), ids } } },
    );
  }
  const already = new Set<number>();
  const reusedIds = ids.filter((id, i) => reserved.get(creates[i].row) === id);
  if (reusedIds.length) {
    for (const c of await contacts.find({ _id: { $in: reusedIds.map(String) }, account_id: accountId }, { _id: 1 }).lean()) already.add(Number(c._id));
  }

  // 2. New contacts in one unordered insert, changed ones in one bulk update.
  const toInsert = creates.map((item, i) => ({ item, doc: newContact(ids[i], accountId, item.changes, item.labels, now) })).filter((c) => !already.has(Number(c.doc._id)));
  const failedInserts = new Map<number, string>();
  if (toInsert.length) {
    try {
      // The driver directly: the documents are complete, and mongoose's per-document casting costs.
      await contacts.collection.insertMany(toInsert.map((c) => c.doc) as never[], { ordered: false });
    } catch (err) {
      for (const e of writeErrorsOf(err)) {
        if (!isDuplicateKey(e)) throw err;
        failedInserts.set(e.index, takenKeyMessage(e.errmsg));
      }
    }
  }
  const failedUpdates = new Map<number, string>();
  if (updates.length) {
    try {
      await contacts.collection.bulkWrite(
        updates.map((u) => ({
          updateOne: {
            filter: { _id: String(u.id), account_id: accountId, deleted: false },
            update: { $set: { ...u.set, updated_at: now }, $inc: { version: 1 } },
          },
        })) as never[],
        { ordered: false },
      );
    } catch (err) {
      for (const e of writeErrorsOf(err)) {
        if (!isDuplicateKey(e)) throw err;
        failedUpdates.set(e.index, takenKeyMessage(e.errmsg));
      }
    }
  }

  // 3. Rejected rows, the planned ones and those that lost a race.
  const rejected: ImportRejection[] = [
    ...plan.rejections,
    ...[...failedInserts].map(([index, reason]) => rejectedFor(toInsert[index].item, reason)),
    ...[...failedUpdates].map(([index, reason]) => rejectedFor(updates[index].item, reason)),
  ].map((r) => ({ _id: `${importId}:${r.row}`, import_id: importId, account_id: accountId, ...r }));
  if (rejected.length) {
    try {
      await rejections.collection.insertMany(rejected as never[], { ordered: false });
    } catch (err) {
      // Rows a crashed attempt already recorded keep their first record.
      if (writeErrorsOf(err).some((e) => !isDuplicateKey(e))) throw err;
    }
  }

  // 4. Index what was written.
  const inserted = toInsert.filter((_, i) => !failedInserts.has(i)).map((c) => Number(c.doc._id));
  const updated = updates.filter((_, i) => !failedUpdates.has(i));
  await sync.schedule([...inserted, ...updated.map((u) => u.id)]);

  return {
    created: inserted.length + already.size + plan.createdEarlier.length,
    updated: updated.filter((u) => !u.createdEarlier).length,
    rejected: rejected.length,
  };
}
