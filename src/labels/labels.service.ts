import { checkIfMatch } from '../contacts/contact-etag';
import type { ContactWriter } from '../contacts/contact-writer';
import type { Contact, ContactModel } from '../records/contact.model';
import { foldText } from '../shared/text';
import { contactCandidates, type ContactCandidatesDeps } from '../contacts/contact-candidates';
import { indexWritten, readWritten } from '../contacts/index-written';
import type { ContactIndexer } from '../search/contact-indexer';
import type { SyncScheduler } from '../search/sync-queue';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import { replaceById } from '../shared/account-list-store';
import type { IdAllocator } from '../shared/id-allocator';
import type { Label } from './label.model';
import { isUnsettled, type LabelStore } from './label-store';
import { toLabelPayload } from './label.presenter';
import { MAX_CONTACT_LABELS, MAX_LABELS, type LabelInput } from './labels.schemas';
import { labelTitleOf, labelTitleProblem } from '../shared/label-title';

const DEFAULT_COLOR = '#1f93ff';

/** Labels are stored lowercased. A bad one is a 422 naming `field`: the title of a label, or the contact's labels. */
export function normalizeLabel(raw: string, field = 'labels'): string {
  const title = labelTitleOf(raw);
  const problem = labelTitleProblem(title, raw);
  if (problem) throw new ValidationError(problem, field);
  return title;
}

export const normalizeLabels = (raw: string[]) => [...new Set(raw.map((title) => normalizeLabel(title)))];

const CHUNK = 1000;


export interface LabelsServiceDeps {
  labels: LabelStore;
  contacts: ContactModel;
  nextIds: IdAllocator;
  writer: Pick<ContactWriter, 'modify' | 'pullLabelUnsynced' | 'moveLabelUnsynced' | 'markPending'>;
  /** A label's job indexes the contacts it wrote itself (see rewriteCarriers). */
  indexer: Pick<ContactIndexer, 'read' | 'write'>;
  sync: SyncScheduler;
  /** Where the contacts carrying a label are found: pending writes, then the index. */
  candidates: ContactCandidatesDeps;
  /** Queues the job that brings a deleted or renamed label's contacts in line (label-removal.processor.ts). */
  enqueueRemoval: (job: LabelRemovalJob) => Promise<unknown>;
  /** A label deleted or renamed on more contacts than this leaves them to a job, not to the request. */
  removeInRequestUpTo: number;
  /** Gives the segments that name a renamed label's old title the new one (the segments feature, above this one). */
  renameInSegments: (accountId: number, from: string, to: string) => Promise<void>;
}

/** A label whose contacts a job rewrites: a deleted one is taken off them, a renamed one moved to its new title. */
export interface LabelRemovalJob {
  labelId: number;
  /** Missing from jobs queued before jobs named their account. */
  accountId?: number;
}

const isLive = (label: Label) => !label.deleting;

function liveLabel(list: Label[], id: number): Label {
  const label = list.find((l) => l._id === id && isLive(l));
  if (!label) throw new NotFoundError('label', id);
  return label;
}

/** The fields given a value (a null show_on_sidebar reads as absent): what an update changes. */
const givenFields = (input: LabelInput): LabelInput => Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));

/** A new label with Chatwoot's defaults for what was not given. */
const newLabel = (id: number, accountId: number, title: string, input: LabelInput = {}): Label => ({
  _id: id,
  account_id: accountId,
  title,
  description: input.description ?? null,
  color: input.color ?? DEFAULT_COLOR,
  show_on_sidebar: input.show_on_sidebar ?? true,
  created_at: new Date(),
  deleting: false,
});

/**
 * The labels a contact may be given in place of `held`. Chatwoot's dashboard removes one label by
 * sending the rest: that works on a contact a merge, a bulk action or an import took past the limit.
 */
function checkContactLabels(titles: string[], held: string[]): void {
  if (titles.length > MAX_CONTACT_LABELS && titles.some((t) => !held.includes(t))) {
    throw new ValidationError(`a contact takes at most ${MAX_CONTACT_LABELS} labels (${titles.length} given); more can only be taken away`, 'labels');
  }
}

function checkRoom(count: number): void {
  if (count > MAX_LABELS) throw new ValidationError(`an account holds at most ${MAX_LABELS} labels; delete some first`, 'labels');
}

export function createLabelsService({ labels, contacts, nextIds, writer, indexer, sync, candidates, enqueueRemoval, removeInRequestUpTo, renameInSegments }: LabelsServiceDeps) {
  async function find(accountId: number, id: number): Promise<Label> {
    return liveLabel(await labels.of(accountId), id);
  }

  /** The titles among these that the account has labels for (a label being deleted is not one). */
  async function existingTitles(accountId: number, titles: string[]): Promise<Set<string>> {
    const wanted = new Set(titles);
    if (!wanted.size) return new Set();
    return new Set((await labels.of(accountId)).filter((l) => isLive(l) && wanted.has(l.title)).map((l) => l.title));
  }

  /**
   * Creates the account labels that do not exist yet, so every label on a contact is an account
   * label. Called before a write that gives contacts labels and again after it: a label deleted in
   * between (its removal job walked the carriers before the write landed) is taken again, as a
   * contact given it takes it. Once only, 60 contacts given a label by a bulk action a few
   * milliseconds after its DELETE kept it, and the account had no such label (black-box race).
   */
  async function ensureLabels(accountId: number, titles: string[]): Promise<void> {
    const wanted = [...new Set(titles)];
    if ((await existingTitles(accountId, wanted)).size === wanted.length) return;
    // Enough ids for every title: the list may change between this read and the write.
    const ids = await nextIds('labels', wanted.length);
    await labels.change(accountId, (list) => {
      let next = list;
      for (const [i, title] of wanted.entries()) {
        const held = next.find((l) => l.title === title);
        // A label being deleted that a contact takes again stays (its removal job then leaves it be).
        if (held?.deleting) next = replaceById(next, { ...held, deleting: false });
        if (!held) next = [...next, newLabel(ids[i], accountId, title)];
      }
      if (next === list) return { result: undefined };
      checkRoom(next.length);
      return { items: next, result: undefined };
    });
  }

  /** The ids of the account's labels by title (those being deleted too), read before a write that followLabels checks after. */
  async function labelIdsByTitle(accountId: number): Promise<Map<string, number>> {
    return new Map((await labels.of(accountId)).map((l) => [l.title, l._id]));
  }

  /**
   * Brings `titles`, labels a contact took from another contact (a merge's base, the mergee's),
   * in line with what happened to them since `before` was read: one deleted meanwhile is taken off
   * the contact, one renamed is given its new title, as the label's job does to the carriers it
   * finds. The job may have walked past both contacts while the merge ran (the base before it took
   * them, the mergee once deleted): merge bases kept a label the account no longer had (soak test).
   * A title that named no label in `before` nor is being moved by a rename now is left as it is
   * (a contact's label from before account labels existed, upgrade-legacy-labels.ts). Answers the
   * contact when it wrote it; a contact gone meanwhile is left alone.
   */
  async function followLabels(accountId: number, contactId: number, titles: string[], before: Map<string, number>): Promise<Contact | null> {
    const list = await labels.of(accountId);
    const moves = new Map<string, string | null>();
    for (const title of titles) {
      if (isLiveTitle(list, title)) continue;
      const renamed = list.find((l) => isLive(l) && (l._id === before.get(title) || l.renamed_from === title));
      if (renamed) moves.set(title, renamed.title);
      else if (before.has(title)) moves.set(title, null);
    }
    if (!moves.size) return null;
    try {
      return await writer.modify(accountId, contactId, (current) => {
        const held = current.labels ?? [];
        const pull = held.filter((t) => moves.has(t));
        const add = [...new Set(pull.map((t) => moves.get(t)).filter((t): t is string => !!t && !held.includes(t)))];
        return pull.length ? { pull: { labels: pull }, addToSet: { labels: add } } : null;
      });
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
  }

  /**
   * The labels of a live contact of the account (one read by _id), with the version they were read
   * at (its ETag's, for If-Match); NotFoundError for any other.
   */
  async function liveContactLabels(accountId: number, contactId: number): Promise<VersionedLabels> {
    const contact = await contacts.findOne({ _id: contactId, account_id: accountId, deleted: false }, { labels: 1, version: 1 }).lean();
    if (!contact) throw new NotFoundError('contact', contactId);
    return { labels: contact.labels ?? [], version: contact.version };
  }

  const labelOf = async (accountId: number, labelId: number) => (await labels.of(accountId)).find((l) => l._id === labelId);
  const isLiveTitle = (list: Label[], title: string) => list.some((l) => l.title === title && isLive(l));

  /** Records the chunk a label's job is rewriting (none: the chunk is indexed). */
  async function setStripping(accountId: number, labelId: number, ids: number[] | undefined): Promise<void> {
    await labels.change(accountId, (list) => {
      const label = list.find((l) => l._id === labelId);
      if (!label) return { result: undefined };
      const next: Label = { ...label };
      if (ids) next.stripping = ids;
      else delete next.stripping;
      return { items: replaceById(list, next), result: undefined };
    });
  }

  const readBack = (accountId: number, ids: number[]) => readWritten(indexer, accountId, ids);
  const reindex = async (accountId: number, ids: number[]) => indexWritten({ indexer, writer, sync }, accountId, await readBack(accountId, ids));

  /**
   * Rewrites every contact of the label's account that carries `title` (the pending writes and
   * the index find them; a contact without it is left alone), a chunk at a time: the chunk's ids
   * are recorded on the label, the chunk written in one update, and the contacts read back and
   * indexed while the next chunk is written (MongoDB and Elasticsearch work at once). A run
   * stopped between a write and its index leaves the record (of the chunks in flight), and the
   * next run, or the label's revival, re-indexes those contacts first; the index still shows the
   * title on them until then, so the walk finds them again anyway. The walk stops at the next
   * chunk once `stillDue` says no (a deleted label taken again, a rename's old title taken again).
   */
  async function rewriteCarriers(label: Label, title: string, stillDue: () => Promise<boolean>, rewrite: (ids: number[]) => Promise<void>): Promise<void> {
    const { _id: labelId, account_id: accountId } = label;
    let indexing: { ids: number[]; done: Promise<void> } | null = null;
    for await (const ids of contactCandidates(candidates, accountId, { term: { labels: title } }, CHUNK)) {
      if (!(await stillDue())) break;
      await setStripping(accountId, labelId, [...(indexing?.ids ?? []), ...ids]);
      await rewrite(ids);
      const docs = await readBack(accountId, ids);
      await indexing?.done;
      indexing = { ids, done: indexWritten({ indexer, writer, sync }, accountId, docs) };
      // Awaited with the next chunk or at the end; until then a failure must not count as unhandled.
      indexing.done.catch(() => undefined);
    }
    await indexing?.done;
    await setStripping(accountId, labelId, undefined);
  }

  /**
   * Takes a deleted label off its contacts (with the title it had before a rename still being
   * moved, unless that title is a label again), then removes the label, unless it was taken
   * again meanwhile: then it stays, and the contacts given it since keep it.
   */
  async function finishRemoval(label: Label): Promise<void> {
    const { _id: labelId, account_id: accountId } = label;
    const stillDeleting = async () => (await labelOf(accountId, labelId))?.deleting === true;
    const from = label.renamed_from;
    if (from && !isLiveTitle(await labels.of(accountId), from)) {
      await rewriteCarriers(label, from, stillDeleting, (ids) => writer.pullLabelUnsynced(accountId, ids, from));
    }
    await rewriteCarriers(label, label.title, stillDeleting, (ids) => writer.pullLabelUnsynced(accountId, ids, label.title));
    await labels.change(accountId, (list) =>
      list.some((l) => l._id === labelId && l.deleting) ? { items: list.filter((l) => l._id !== labelId), result: undefined } : { result: undefined },
    );
  }

  /**
   * Moves a renamed label's segments and contacts from its old title to its new one, then forgets
   * the old title. The move stops early when the label is deleted meanwhile (its removal takes
   * both titles off) or its old title is taken again by a label of its own (those not reached keep
   * it). Segments first, and within the job: a failure leaves the label renamed_from, to be tried again.
   */
  async function finishMove(label: Label & { renamed_from: string }): Promise<void> {
    const { _id: labelId, account_id: accountId, renamed_from: from, title: to } = label;
    await renameInSegments(accountId, from, to);
    const stillMoving = async () => {
      const list = await labels.of(accountId);
      const now = list.find((l) => l._id === labelId);
      return !!now && isLive(now) && now.renamed_from === from && now.title === to && !isLiveTitle(list, from);
    };
    await rewriteCarriers(label, from, stillMoving, (ids) => writer.moveLabelUnsynced(accountId, ids, from, to));
    await labels.change(accountId, (list) => {
      const now = list.find((l) => l._id === labelId);
      if (!now || now.deleting || now.renamed_from !== from) return { result: undefined };
      const next: Label = { ...now };
      delete next.renamed_from;
      return { items: replaceById(list, next), result: undefined };
    });
  }

  /**
   * Brings a label's contacts in line with it: a deleted label is taken off them, a renamed one's
   * old title moved to the new one; again while there is more to do (a label deleted or taken
   * again during its job: one job per label, so a second one would not be queued). A run stopped
   * between a chunk's write and its index left the chunk recorded: indexed first. Safe to run twice.
   */
  async function settle(job: LabelRemovalJob): Promise<void> {
    const accountId = job.accountId ?? (await labels.accountOf(job.labelId));
    if (accountId === undefined) return;
    for (;;) {
      const label = await labelOf(accountId, job.labelId);
      if (!label || !isUnsettled(label)) return;
      if (label.stripping?.length) {
        await reindex(accountId, label.stripping);
        await setStripping(accountId, label._id, undefined);
      }
      const from = label.renamed_from;
      if (label.deleting) await finishRemoval(label);
      else if (typeof from === 'string') await finishMove({ ...label, renamed_from: from });
    }
  }

  /**
   * Runs a label's job within the request when `carriers` contacts are few, else queues it. An
   * index gone away midway leaves the rest to the job, with its retries.
   */
  async function settleSoon(job: Required<LabelRemovalJob>, carriers: number): Promise<void> {
    if (carriers > removeInRequestUpTo) {
      await enqueueRemoval(job);
      return;
    }
    try {
      await settle(job);
    } catch {
      await enqueueRemoval(job);
      return;
    }
    // Searchable when the request answers, as a job's changes are when it completes: a list by
    // the title, right after, still showed the label on its carriers for up to a second. An index
    // that cannot refresh now shows them at its next refresh.
    if (carriers > 0) await candidates.search.refresh().catch(() => undefined);
  }

  /** How many contacts carry `title`, from a refreshed index: an index that cannot answer is a 503 before anything changed. */
  async function carriersOf(accountId: number, title: string): Promise<number> {
    await candidates.search.refresh();
    return candidates.search.count(accountId, { term: { labels: title } });
  }

  return {
    ensureLabels,
    existingTitles,
    labelIdsByTitle,
    followLabels,

    async list(accountId: number) {
      return (await labels.of(accountId))
        .filter(isLive)
        // As the contacts' text sorts: ignoring accents (área before zona), the title itself breaking ties.
        .map((label) => ({ label, key: foldText(label.title) }))
        .sort((a, b) => compareText(a.key, b.key) || compareText(a.label.title, b.label.title))
        .map(({ label }) => label)
        .map(toLabelPayload);
    },

    async show(accountId: number, id: number) {
      return toLabelPayload(await find(accountId, id));
    },

    async create(accountId: number, input: LabelInput & { title: string }) {
      const title = normalizeLabel(input.title, 'title');
      const [id] = await nextIds('labels');
      const { label, revived } = await labels.change(accountId, (list) => {
        const held = list.find((l) => l.title === title);
        if (held && isLive(held)) throw new ValidationError(`label "${title}" already exists`, 'title');
        if (held) {
          // Created again while its removal runs: the label stays, with what was given now.
          const next: Label = { ...held, ...givenFields(input), title, deleting: false };
          return { items: replaceById(list, next), result: { label: next, revived: true } };
        }
        checkRoom(list.length + 1);
        const label = newLabel(id, accountId, title, input);
        return { items: [...list, label], result: { label, revived: false } };
      });
      // A removal stopped between writing a chunk and indexing it: the index catches up now.
      if (revived && label.stripping?.length) {
        await reindex(accountId, label.stripping);
        await setStripping(accountId, label._id, undefined);
      }
      return toLabelPayload(label);
    },

    /**
     * Updates a label. A new title renames it, as Chatwoot does: the label answers with it at once,
     * and its contacts are moved from the old title to the new one within the request when they
     * are few, else by a job (as a deletion's); until then a filter by the new title does not
     * find those not moved yet. The old title is free at once.
     */
    async update(accountId: number, id: number, input: LabelInput) {
      const current = await find(accountId, id);
      const title = input.title === undefined ? current.title : normalizeLabel(input.title, 'title');
      const renaming = title !== current.title;
      // Counted before the rename: an index that cannot answer leaves the label as it was (a 503).
      const carriers = renaming ? await carriersOf(accountId, current.title) : 0;
      const updated = await labels.change(accountId, (list) => {
        const label = liveLabel(list, id);
        const next: Label = { ...label, ...givenFields(input), title: label.title };
        if (title !== label.title) {
          if (label.renamed_from) {
            throw new ConflictError(`label "${label.title}" is still being moved from "${label.renamed_from}" on its contacts; rename it again once that is done`);
          }
          const holder = list.find((l) => l.title === title);
          if (holder && isLive(holder)) throw new ValidationError(`label "${title}" already exists`, 'title');
          if (holder) throw new ConflictError(`label "${title}" is still being taken off its contacts; rename to it once that is done`);
          Object.assign(next, { title, renamed_from: label.title });
        }
        return { items: replaceById(list, next), result: next };
      });
      if (renaming) await settleSoon({ labelId: id, accountId }, carriers);
      return toLabelPayload(updated);
    },

    /**
     * Deletes a label: hidden at once; removed from the contacts that carry it within the request
     * when they are few, else by a job (answered at once either way).
     */
    async remove(accountId: number, id: number): Promise<void> {
      // Counted before the label is hidden: an index that cannot answer leaves the label as it was
      // (a 503 to try again), not hidden with its contacts still carrying it.
      const { title, renamed_from: from } = await find(accountId, id);
      const carriers = (await carriersOf(accountId, title)) + (from ? await carriersOf(accountId, from) : 0);
      await labels.change(accountId, (list) => {
        const found = liveLabel(list, id);
        return { items: replaceById(list, { ...found, deleting: true }), result: found };
      });
      await settleSoon({ labelId: id, accountId }, carriers);
    },

    settle,

    /** Labels whose job may have been lost (with Redis): queued again when the worker starts, when Redis comes back and by every sweep. */
    async requeueRemovals(): Promise<number> {
      const unsettled = await labels.unsettled();
      for (const job of unsettled) await enqueueRemoval(job);
      return unsettled.length;
    },

    contactLabels: liveContactLabels,

    /** The labels a new contact is created with (POST /contacts with labels): checked, then made account labels. */
    async prepareNewContactLabels(accountId: number, raw: string[], beforeCreating: () => Promise<void>): Promise<string[]> {
      const titles = normalizeLabels(raw);
      checkContactLabels(titles, []);
      await beforeCreating();
      await ensureLabels(accountId, titles);
      return titles;
    },

    /**
     * Replaces the contact's labels (Chatwoot's POST /contacts/{id}/labels). `ifVersion`, from If-Match: only if the
     * contact is still at a version read (412 otherwise), for a client that sends the set it showed
     * (the console's open contact screen sent its stale set, and a label added meanwhile was gone).
     */
    async setContactLabels(accountId: number, contactId: number, raw: string[], options: { ifVersion?: number[] } = {}): Promise<VersionedLabels> {
      const titles = normalizeLabels(raw);
      // The contact first: a request naming no live contact of the account, or refused by its
      // If-Match, creates no label (a refused one brought back a label deleted meanwhile). One
      // deleted while the write below runs is taken again after it (ensureLabels).
      const live = await liveContactLabels(accountId, contactId);
      checkIfMatch(options.ifVersion, contactId, live.version);
      checkContactLabels(titles, live.labels);
      await ensureLabels(accountId, titles);
      // Added and removed as set operations, conditional on the version read. The answer is the
      // labels as stored (those kept in their order, then the new ones), as GET shows them.
      let stored = titles;
      const written = await writer.modify(accountId, contactId, (current) => {
        checkIfMatch(options.ifVersion, contactId, current.version);
        const held = current.labels ?? [];
        checkContactLabels(titles, held);
        const add = titles.filter((t) => !held.includes(t));
        const remove = held.filter((t) => !titles.includes(t));
        stored = [...held.filter((t) => titles.includes(t)), ...add];
        return add.length || remove.length ? { addToSet: { labels: add }, pull: { labels: remove } } : null;
      });
      await ensureLabels(accountId, titles);
      return { labels: stored, version: written.version };
    },
  };
}

export type LabelsService = ReturnType<typeof createLabelsService>;

export interface VersionedLabels {
  labels: string[];
  version: number;
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
