import type { Client } from '@elastic/elasticsearch';
import type { ContactModel } from '../records/contact.model';
import type { IndexOutcome } from './contact-indexer';
import { deleteFromIndex, findContactsBehindIndex, findOrphans } from './index-drift';
import type { ContactSearch } from './search-contacts';

const PAGE = 1000;

export interface ReconcileReport {
  /** The account's contacts in MongoDB, live or waiting to be removed from the index. */
  checked: number;
  /** Of those, the ones the index did not hold at their MongoDB version. */
  behind: number;
  /** The account's documents in the index (as of the walk's point in time). */
  indexed: number;
  /** Documents in the index with no contact in MongoDB. */
  orphans: number;
  /** Contacts that could not be repaired, with the reason. */
  failed: { id: number; reason: string }[];
}

/**
 * Compares one account's contacts in MongoDB with the index and repairs the drift: contacts
 * the index lacks or holds at an older version are indexed again (through the indexer, with
 * external versions, as the sync worker does), and index documents with no contact behind
 * them are deleted. The sweep only looks at recent writes; this covers everything, e.g. after
 * an index was restored from a snapshot or a Redis outage outlasted the sweep's window.
 * A dry run only counts.
 */
export async function reconcileAccount(
  deps: {
    contacts: ContactModel;
    es: Client;
    index: string;
    search: Pick<ContactSearch, 'matchingIds'>;
    indexContacts: (ids: number[]) => Promise<IndexOutcome>;
  },
  accountId: number,
  options: { dryRun?: boolean; onProgress?: (report: ReconcileReport) => void } = {},
): Promise<ReconcileReport> {
  const report: ReconcileReport = { checked: 0, behind: 0, indexed: 0, orphans: 0, failed: [] };

  async function repair(page: { _id: string; version: number; deleted: boolean }[]) {
    report.checked += page.length;
    const behind = await findContactsBehindIndex(deps.es, deps.index, page);
    report.behind += behind.length;
    if (behind.length && !options.dryRun) {
      const { failed } = await deps.indexContacts(behind);
      for (const [id, reason] of failed) report.failed.push({ id, reason });
      // The index answers a write older than what it holds with a conflict, which the indexer
      // takes as done: a live contact still behind now was refused, never silently skipped.
      const repaired = new Set(behind);
      const recheck = page.filter((c) => !c.deleted && repaired.has(Number(c._id)) && !failed.has(Number(c._id)));
      for (const id of await findContactsBehindIndex(deps.es, deps.index, recheck)) {
        report.failed.push({ id, reason: 'the index refused the MongoDB version: it holds a newer version or a recent delete of this id' });
      }
    }
    options.onProgress?.(report);
  }

  // 1. MongoDB → index, in one pass over the account's contacts.
  let page: { _id: string; version: number; deleted: boolean }[] = [];
  for await (const contact of deps.contacts.find({ account_id: accountId }, { _id: 1, version: 1, deleted: 1 }).lean().cursor({ batchSize: PAGE })) {
    page.push(contact);
    if (page.length >= PAGE) {
      await repair(page);
      page = [];
    }
  }
  if (page.length) await repair(page);

  // 2. Index → MongoDB: what the index holds for the account with no contact behind it.
  for await (const ids of deps.search.matchingIds(accountId, undefined, PAGE)) {
    report.indexed += ids.length;
    const orphans = await findOrphans(deps.contacts, ids.map(String));
    report.orphans += orphans.length;
    if (!options.dryRun) report.failed.push(...(await deleteFromIndex(deps.es, deps.index, orphans)));
    options.onProgress?.(report);
  }
  return report;
}
