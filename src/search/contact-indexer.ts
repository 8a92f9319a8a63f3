import type { Client, estypes } from '@elastic/elasticsearch';
import type { Contact, ContactModel } from '../records/contact.model';
import type { PendingSyncModel } from '../records/pending-sync.model';
import { identityClaims, type ContactKeys } from '../records/contact-keys';
import { clearPending } from '../records/pending-writes';
import type { DefinitionStore } from '../records/custom-attribute-definitions';
import type { DefinitionRef } from '../records/custom-attribute-fields';
import type { Logger } from '../shared/logger';
import type { Metrics } from '../shared/metrics';
import { toContactSearchDoc } from './contact-search-doc';
import { deleteFromIndex, documentNotFound } from './index-drift';
import { documentRouting, type IndexTarget, type PlacementView } from './index-placements';
import type { ProbedWrite, SearchableProbe } from './searchable-probe';

const READ_CHUNK = 1000;
const UNREAD_PLACEMENTS = "the index placements could not be read from MongoDB for a move's wait; written once they can be";
const INDEX_NOT_READY = 'the search index has not been made sure of since this process started (Elasticsearch away); written once it has';

type BulkItem = estypes.BulkResponse['items'][number];

/** For clearPending: a contact no write reaches any more (deleted or purged), whose marks all go, at any version. */
const everyMarkOf = (id: string) => ({ _id: id, version: Number.MAX_SAFE_INTEGER });

export interface IndexOutcome {
  /** Contacts whose indexing failed, with the reason; the rest are done. */
  failed: Map<number, string>;
  /**
   * Of the done ones, those the index refused because it holds this version or a newer one (a
   * write or a delete's tombstone), with the version it holds when the refusal names it.
   */
  refused?: Map<number, number>;
}

/**
 * Re-reads contacts from MongoDB and writes them to the index with their version as an
 * external version, so a stale read can never overwrite a newer one, and a deleted contact's
 * tombstone (a higher version) keeps a late job from bringing it back. Safe to run twice.
 */
export function createContactIndexer(deps: {
  contacts: ContactModel;
  /** Pending markers to clear once the index holds their version; none for an index not behind the alias yet. */
  pending?: PendingSyncModel;
  /** Releases the keys of deleted contacts and purges them; none for a copy into an index not in use yet. */
  keys?: Pick<ContactKeys, 'release'>;
  definitions: Pick<DefinitionStore, 'ofAccounts'>;
  es: Client;
  /** Where each account's contacts are written: the shared alias, its own index, or both while it moves. */
  placements: { current(): Promise<PlacementView> };
  logger: Logger;
  metrics: Metrics;
  /**
   * `external_gte` for a copy into an index that may hold tombstones of these very versions (an
   * account moved back to the shared index within a minute of leaving it): the same version is
   * written again, a newer one still wins. The sync writes `external`: a repeat is a no-op.
   */
  versionType?: 'external' | 'external_gte';
  /**
   * False while the process has not yet made sure of the index (created it if missing): nothing
   * is written then, so no write meets an index that does not exist yet (refused, or created with
   * a mapping guessed from the document where the cluster creates indices on a write).
   */
  indexReady?: () => boolean;
  /** Follows a sample of the writes until a search finds them (the freshness figure); only the sync's indexer has one. */
  probe?: Pick<SearchableProbe, 'offer'>;
}) {
  const { contacts, pending, keys, definitions, es, placements, logger, metrics } = deps;
  const indexReady = deps.indexReady ?? (() => true);
  const versionType = deps.versionType ?? 'external';

  /** The custom attribute definitions of the batch's accounts, read once per batch. */
  async function definitionsByAccount(docs: Contact[]): Promise<Map<number, DefinitionRef[]>> {
    // Only accounts whose contacts in this batch hold custom attributes need their definitions.
    const accounts = [
      ...new Set(docs.filter((doc) => !doc.deleted && Object.keys(doc.custom_attributes ?? {}).length).map((doc) => doc.account_id)),
    ];
    return definitions.ofAccounts(accounts);
  }

  /** What MongoDB holds now. A contact missing there was purged after the index dropped it. */
  async function read(ids: number[]): Promise<Contact[]> {
    // One $in by _id per chunk: an index lookup on MongoDB, and on the local FerretDB with the
    // patch in scripts/ferretdb/.
    const unique = [...new Set(ids)].map(String);
    const docs: Contact[] = [];
    for (let i = 0; i < unique.length; i += READ_CHUNK) {
      docs.push(...(await contacts.find({ _id: { $in: unique.slice(i, i + READ_CHUNK) } }).lean()));
    }
    return docs;
  }

  /**
   * An account may move while a bulk request is in flight (README, "An account's own index"): the
   * placements are looked at again once Elasticsearch has answered. A document this request put in
   * an index the account is no longer written to is a stray there (never read for the account
   * again): it is deleted at the version written, so a newer one written meanwhile stays. A contact
   * not written to an index the account is now written to is failed, to be retried there.
   */
  async function settleMovesDuring(docs: Contact[], view: PlacementView, items: BulkItem[], itemOf: { doc: number; target: IndexTarget }[], fails: Map<number, string>) {
    const now = await placements.current();
    if (now.outdated()) {
      // Answered a move's wait after the placements were read, and they cannot be read again: the
      // account may have moved on since. Retried once they can be; what may have landed in an index
      // the account left cannot be told (README, "What the waits do not cover").
      docs.forEach((_, i) => fails.has(i) || fails.set(i, UNREAD_PLACEMENTS));
      logger.warn({ contacts: docs.length }, 'the index placements could not be read again after a bulk request; its contacts are retried');
      return;
    }
    if (now === view) return;
    const indicesOf = (targets: IndexTarget[]) => targets.map((target) => target.index);
    const strays = new Map<string, { id: string; routing: string; version: number }[]>();
    items.forEach((item, k) => {
      const { doc: i, target } = itemOf[k];
      const doc = docs[i];
      const wanted = indicesOf(now.writes(doc.account_id));
      const wrote = indicesOf(view.writes(doc.account_id));
      if (wanted.some((index) => !wrote.includes(index)) && !fails.has(i)) {
        fails.set(i, `account ${doc.account_id} moved to another index while this was written; written again there on retry`);
      }
      if (!wanted.includes(target.index) && item.index && item.index.status < 300) {
        if (!strays.has(target.index)) strays.set(target.index, []);
        strays.get(target.index)!.push({ id: String(doc._id), routing: documentRouting(target, doc.account_id, doc._id), version: doc.version });
      }
    });
    for (const [index, gone] of strays) {
      // An old own index deleted meanwhile holds nothing any more.
      const failed = (await deleteFromIndex(es, index, gone)).filter(({ reason }) => !/no such index/.test(reason));
      logger.info({ index, removed: gone.length - failed.length }, 'an account moved while its contacts were written; removed what landed in the index it left');
      if (failed.length) logger.warn({ index, failed }, 'could not remove documents written to an index their account had left');
    }
  }

  /**
   * A contact a sync job names is in MongoDB from before the job was queued, so one missing now was
   * purged (ids are never used again): no write can make its mark's version, which is one of a
   * write that lost the race with the delete (a label added to a selection as it was deleted).
   * Deleted as read, as the sweep does, but at once: the sweep's grace is for marks made before
   * their contact is inserted, which no job names yet.
   */
  async function dropMarksOfPurged(ids: number[], docs: Contact[]): Promise<void> {
    if (!pending) return;
    const found = new Set(docs.map((doc) => Number(doc._id)));
    await clearPending(pending, [...new Set(ids)].filter((id) => !found.has(id)).map((id) => everyMarkOf(String(id))));
  }

  /** `clearPending: false` when no pending marker can exist for these docs (an import's new contacts). */
  async function write(docs: Contact[], options: { clearPending?: boolean } = {}): Promise<IndexOutcome> {
    const failed = new Map<number, string>();
    const refused = new Map<number, number>();
    if (!docs.length) return { failed, refused };
    if (!indexReady()) {
      // Failed, not thrown: a sync job is retried with back-off, an import's contacts are marked pending.
      for (const doc of docs) failed.set(Number(doc._id), INDEX_NOT_READY);
      return { failed, refused };
    }
    const defs = await definitionsByAccount(docs);
    const view = await placements.current();
    if (view.outdated()) {
      // The account may have moved on more than one step past them: nothing is written by them.
      for (const doc of docs) failed.set(Number(doc._id), UNREAD_PLACEMENTS);
      return { failed, refused };
    }
    const operations: object[] = [];
    // The doc and index each bulk item is of: a contact moving to its own index is written to both.
    const itemOf: { doc: number; target: IndexTarget }[] = [];
    docs.forEach((doc, i) => {
      for (const target of view.writes(doc.account_id)) {
        const meta = { _index: target.index, _id: String(doc._id), routing: documentRouting(target, doc.account_id, doc._id), version: doc.version, version_type: versionType };
        if (doc.deleted) operations.push({ delete: meta });
        else operations.push({ index: meta }, toContactSearchDoc(doc, defs.get(doc.account_id)));
        itemOf.push({ doc: i, target });
      }
    });
    const items = operations.length ? (await es.bulk({ operations })).items : [];

    // A contact is done once every index it goes to holds its version (or a newer one).
    const fails = new Map<number, string>();
    const wrote = new Set<number>();
    items.forEach((item, k) => {
      const i = itemOf[k].doc;
      const doc = docs[i];
      const result = item.index ?? item.delete!;
      // 409: the index already holds this version or a newer one.
      const nothingToDelete = doc.deleted && documentNotFound(result);
      if (!(result.status < 300 || result.status === 409 || nothingToDelete)) fails.set(i, result.error?.reason ?? `status ${result.status}`);
      if (result.status < 300 || nothingToDelete) wrote.add(i);
      const held = result.status === 409 ? /current version \[(\d+)\]/.exec(result.error?.reason ?? '') : null;
      if (held) refused.set(Number(doc._id), Math.max(refused.get(Number(doc._id)) ?? 0, Number(held[1])));
    });
    await settleMovesDuring(docs, view, items, itemOf, fails);
    const done = docs.filter((_, i) => !fails.has(i));
    // Of those, the ones this request wrote: a refused one (409) was measured when it was indexed.
    const written = docs.filter((_, i) => wrote.has(i) && !fails.has(i));
    for (const [i, reason] of fails) failed.set(Number(docs[i]._id), reason);

    // The index holds these versions: their pending markers go, unless a newer write raised one.
    if (pending && options.clearPending !== false && done.length) {
      // A deleted contact is written no more: every mark it has goes with its delete, those of
      // writes that lost the race with it too (ahead of it when a bulk write's second step marked one more).
      await clearPending(pending, done.map((doc) => (doc.deleted ? everyMarkOf(doc._id) : doc)));
    }
    const deleted = done.filter((doc) => doc.deleted);
    // A purged contact can no longer show that it gave its values up (a missing contact may be one
    // still being created), so its keys go first: a value it took while being deleted is free.
    await keys?.release(deleted.flatMap((doc) => identityClaims(doc.account_id, Number(doc._id), doc)));
    const purged = deleted.map((doc) => doc._id);
    // Nothing writes a deleted contact again, so this delete races with no one. Only the indexer
    // that gives keys back purges: a copy into an index not in use yet leaves that to the sync.
    if (keys && purged.length) await contacts.deleteMany({ _id: { $in: purged }, deleted: true });
    const now = Date.now();
    metrics.recordSynced(written.map((doc) => ({ lagSeconds: Math.max(0, now - doc.updated_at.getTime()) / 1000, op: doc.deleted ? ('delete' as const) : ('index' as const) })));
    deps.probe?.offer(() => probedWrites(docs, itemOf, (i) => wrote.has(i) && !fails.has(i) && !docs[i].deleted));
    if (failed.size) logger.warn({ failed: failed.size, first: [...failed.values()][0] }, 'some contacts were not indexed');
    return { failed, refused };
  }

  return {
    read,
    write,
    async indexContacts(ids: number[]): Promise<IndexOutcome> {
      const docs = await read(ids);
      await dropMarksOfPurged(ids, docs);
      return write(docs);
    },
  };
}

export type ContactIndexer = ReturnType<typeof createContactIndexer>;

/** The written contacts a search could find, each where it was written (its first index, if it went to two). */
function probedWrites(docs: Contact[], itemOf: { doc: number; target: IndexTarget }[], written: (i: number) => boolean): ProbedWrite[] {
  const seen = new Set<number>();
  const writes: ProbedWrite[] = [];
  for (const { doc: i, target } of itemOf) {
    if (seen.has(i) || !written(i)) continue;
    seen.add(i);
    const doc = docs[i];
    writes.push({ index: target.index, routing: documentRouting(target, doc.account_id, doc._id), id: String(doc._id), version: doc.version, writtenAt: doc.updated_at.getTime() });
  }
  return writes;
}
