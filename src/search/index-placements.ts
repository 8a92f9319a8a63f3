import { exemptBecause } from '../shared/id-only-guard';
import type { Logger } from '../shared/logger';
import { accountRouting } from './contacts-index';
import type { IndexPlacement, IndexPlacementModel } from './index-placement.model';

/**
 * An index an account's contacts are in. The shared alias routes by account (all of an account
 * on one shard); an account's own index spreads its contacts over all its shards by id, so that
 * a search of the account asks every shard of it, side by side.
 */
export interface IndexTarget {
  index: string;
  byAccount: boolean;
}

/** The routing a contact's document is written, read and deleted with in this index. */
export const documentRouting = (target: IndexTarget, accountId: number, contactId: number | string) =>
  target.byAccount ? accountRouting(accountId) : String(contactId);

/** The routing of a search of one account in this index: its shard, or every shard of its own index. */
export const searchRouting = (target: IndexTarget, accountId: number) => (target.byAccount ? accountRouting(accountId) : undefined);

/** Where each account's contacts are read from and written to, as of one moment. */
export interface PlacementView {
  read(accountId: number): IndexTarget;
  writes(accountId: number): IndexTarget[];
  /** Every index some account is placed in besides the shared alias. */
  ownIndices(): string[];
  /**
   * Whether a move may be more than one step past these placements: they were last read from
   * MongoDB a move's wait (`settleMs`) ago or more. Nothing is written by them then.
   */
  outdated(): boolean;
}

/** A view where every account is in this one index (a copy's destination). */
export function fixedView(target: IndexTarget): PlacementView {
  return { read: () => target, writes: () => [target], ownIndices: () => [], outdated: () => false };
}

/** A view where every account is in the shared alias `index`. */
export const sharedView = (index: string) => fixedView({ index, byAccount: true });

export interface IndexPlacements {
  /** The placements, read again from MongoDB when the last read is older than `refreshMs`. */
  current(): Promise<PlacementView>;
  /** Reads them again now (after a change this process made). */
  reload(): Promise<PlacementView>;
  /** The stored placement of one account, if it has one. */
  of(accountId: number): Promise<IndexPlacement | null>;
  set(accountId: number, placement: { read: string; writes: string[] }): Promise<void>;
  /** Back to the shared alias for reads and writes. */
  clear(accountId: number): Promise<void>;
  /** How long a move waits after a change: every process has seen it, and finished what it began before. */
  settleMs: number;
}

/**
 * The placements of the accounts that have an index of their own, kept in every process. Read
 * from MongoDB at most once per `refreshMs` (the collection holds a document per moved account
 * only), so a search or a sync batch pays a map lookup, not a round trip. A process that cannot
 * read them keeps the last view: a move waits `settleMs` between its steps, and every step but
 * the last keeps the account's documents where a view one step behind looks. A view read
 * `settleMs` ago or more may be further behind: searches still use it, writes do not (`outdated`).
 */
export function createIndexPlacements(deps: { model: IndexPlacementModel; alias: string; refreshMs: number; settleMs: number; logger: Logger }): IndexPlacements {
  const { model, alias, refreshMs, settleMs, logger } = deps;
  if (settleMs <= refreshMs) throw new Error(`INDEX_MOVE_WAIT_MS (${settleMs}) must be longer than INDEX_PLACEMENT_REFRESH_MS (${refreshMs})`);
  const target = (index: string): IndexTarget => ({ index, byAccount: index === alias });
  const shared = target(alias);
  let readAt = -Infinity;
  let loading: Promise<PlacementView> | undefined;

  // `since`: when the read these placements came from began.
  const toView = (docs: IndexPlacement[], since: number): PlacementView => {
    const byAccount = new Map(docs.map((doc) => [doc._id, { read: target(doc.read), writes: doc.writes.map(target) }]));
    const own = [...new Set(docs.flatMap((doc) => [doc.read, ...doc.writes]).filter((index) => index !== alias))];
    return {
      read: (accountId) => byAccount.get(accountId)?.read ?? shared,
      writes: (accountId) => byAccount.get(accountId)?.writes ?? [shared],
      ownIndices: () => own,
      outdated: () => Date.now() - since >= settleMs,
    };
  };
  // Until the first read, every account is taken to be in the shared alias, for nothing to write by.
  let view = toView([], -Infinity);

  function reload(): Promise<PlacementView> {
    loading ??= (async () => {
      const startedAt = Date.now();
      try {
        view = toView(await model.find({}).comment(exemptBecause('one document per account ever moved, read whole at most once per refresh')).lean<IndexPlacement[]>(), startedAt);
      } catch (err) {
        logger.warn({ err }, 'could not read the index placements; the last ones read stay in use');
      } finally {
        // Tried again after refreshMs in either case: while MongoDB is away, one request in that
        // time waits for the failure (server selection, 1.5 s), not every one.
        readAt = startedAt;
        loading = undefined;
      }
      return view;
    })();
    return loading;
  }

  return {
    current: () => (Date.now() - readAt < refreshMs ? Promise.resolve(view) : reload()),
    reload,
    of: (accountId) => model.findById(accountId).lean<IndexPlacement>(),
    async set(accountId, placement) {
      await model.updateOne({ _id: accountId }, { $set: { ...placement, updated_at: new Date() } }, { upsert: true });
      await reload();
    },
    async clear(accountId) {
      await model.deleteOne({ _id: accountId });
      await reload();
    },
    settleMs,
  };
}
