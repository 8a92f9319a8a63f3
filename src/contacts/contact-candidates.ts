import type { PendingSyncModel } from '../records/pending-sync.model';
import type { ContactSearch, SearchQuery } from '../search/search-contacts';

export interface ContactCandidatesDeps {
  pending: PendingSyncModel;
  search: Pick<ContactSearch, 'matchingIds' | 'refresh' | 'count'>;
}

/**
 * Every contact of the account that may match the query, a batch of ids at a time: first those
 * with a write still pending (the index may not hold it yet), then those the index finds after a
 * refresh (so that writes it has acknowledged but not yet exposed are seen). A superset, with
 * repeats: whoever writes them re-checks each contact as it reads it (as modifyMany's plans do).
 */
export async function* contactCandidates(deps: ContactCandidatesDeps, accountId: number, query: SearchQuery, batchSize = 1000): AsyncGenerator<number[]> {
  let batch: number[] = [];
  // pending_sync holds only writes not yet indexed: reading it by account costs what is pending.
  for await (const marker of deps.pending.find({ account_id: accountId }, { _id: 1 }).lean().cursor({ batchSize })) {
    batch.push(Number(marker._id));
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
  await deps.search.refresh();
  yield* deps.search.matchingIds(accountId, query, batchSize);
}
