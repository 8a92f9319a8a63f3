import type { Contact } from '../records/contact.model';
import type { ContactIndexer } from '../search/contact-indexer';
import type { SyncScheduler } from '../search/sync-queue';
import { isElasticsearchUnavailable } from '../shared/elasticsearch';
import type { ContactWriter } from './contact-writer';

export interface IndexWrittenDeps {
  indexer: Pick<ContactIndexer, 'write'>;
  writer: Pick<ContactWriter, 'markPending'>;
  sync: SyncScheduler;
}

/**
 * Indexes contacts a bulk writer just wrote, from the documents it holds, instead of leaving
 * them to the sync worker's read-back (the import, the label removal job). What the index
 * refuses, or all of them when Elasticsearch is away, is marked pending and queued for the sync
 * worker, so nothing is left behind. `clearPending: false` when no mark can exist for them.
 */
export async function indexWritten(deps: IndexWrittenDeps, accountId: number, docs: Contact[], options: { clearPending?: boolean } = {}): Promise<void> {
  let failed: Map<number, string>;
  try {
    ({ failed } = await deps.indexer.write(docs, options));
  } catch (err) {
    if (!isElasticsearchUnavailable(err)) throw err;
    failed = new Map(docs.map((c) => [Number(c._id), (err as Error).message]));
  }
  if (!failed.size) return;
  const byId = new Map(docs.map((c) => [Number(c._id), c]));
  await deps.writer.markPending([...failed.keys()].map((id) => ({ id: String(id), accountId, version: byId.get(id)!.version })));
  await deps.sync.schedule([...failed.keys()]);
}

/** The account's contacts among `ids` as MongoDB holds them now (not only live ones: a deleted one is indexed as deleted), to index what one update wrote. */
export async function readWritten(indexer: Pick<ContactIndexer, 'read'>, accountId: number, ids: number[]): Promise<Contact[]> {
  return (await indexer.read(ids)).filter((c) => c.account_id === accountId);
}
