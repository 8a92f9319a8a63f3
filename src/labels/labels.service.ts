import type { ContactWriter } from '../contacts/contact-writer';
import type { ContactModel } from '../records/contact.model';
import { contactCandidates, type ContactCandidatesDeps } from '../contacts/contact-candidates';
import { indexWritten } from '../contacts/index-written';
import type { ContactIndexer } from '../search/contact-indexer';
import type { SyncScheduler } from '../search/sync-queue';
import { isDuplicateKey } from '../shared/duplicate-key';
import { NotFoundError, ValidationError } from '../shared/errors';
import type { IdAllocator } from '../shared/id-allocator';
import type { Label, LabelModel } from './label.model';
import { toLabelPayload } from './label.presenter';
import type { LabelInput } from './labels.schemas';

const TITLE = /^[\p{L}\p{N}_-]+$/u;

/** Why a lowercased, trimmed title cannot be a label (Chatwoot allows letters, digits, "-" and "_"), or undefined when it can. */
export function labelTitleProblem(title: string, raw = title): string | undefined {
  if (!title.length) return 'a label must not be empty';
  if (title.length > 255) return `label "${title.slice(0, 20)}…" is longer than 255 characters`;
  if (!TITLE.test(title)) return `label "${raw}" may hold only letters, digits, "-" and "_"`;
  return undefined;
}

/** Labels are stored lowercased. */
export function normalizeLabel(raw: string): string {
  const title = raw.trim().toLowerCase();
  const problem = labelTitleProblem(title, raw);
  if (problem) throw new ValidationError(problem, 'labels');
  return title;
}

export const normalizeLabels = (raw: string[]) => [...new Set(raw.map(normalizeLabel))];

const CHUNK = 1000;

export interface LabelsServiceDeps {
  labels: LabelModel;
  contacts: ContactModel;
  nextIds: IdAllocator;
  writer: Pick<ContactWriter, 'modify' | 'pullLabelUnsynced' | 'markPending'>;
  /** The removal job indexes the contacts it wrote itself (see stripFromContacts). */
  indexer: Pick<ContactIndexer, 'read' | 'write'>;
  sync: SyncScheduler;
  /** Where the contacts carrying a label are found: pending writes, then the index. */
  candidates: ContactCandidatesDeps;
  /** Queues the removal of a label from many contacts (label-removal.processor.ts). */
  enqueueRemoval: (job: LabelRemovalJob) => Promise<unknown>;
  /** A label on more contacts than this leaves them in a job, not within the request. */
  removeInRequestUpTo: number;
}

export interface LabelRemovalJob {
  labelId: number;
}


export function createLabelsService({ labels, contacts, nextIds, writer, indexer, sync, candidates, enqueueRemoval, removeInRequestUpTo }: LabelsServiceDeps) {
  async function find(accountId: number, id: number): Promise<Label> {
    const label = await labels.findOne({ _id: id, account_id: accountId, deleting: { $ne: true } }).lean();
    if (!label) throw new NotFoundError('label', id);
    return label;
  }

  /** The titles among these that the account has labels for (a label being deleted is not one). */
  async function existingTitles(accountId: number, titles: string[]): Promise<Set<string>> {
    const unique = [...new Set(titles)];
    if (!unique.length) return new Set();
    return new Set((await labels.find({ account_id: accountId, title: { $in: unique }, deleting: { $ne: true } }, { title: 1 }).lean()).map((l) => l.title));
  }

  /** Creates the account labels that do not exist yet, so every label on a contact is an account label. */
  async function ensureLabels(accountId: number, titles: string[]): Promise<void> {
    if (!titles.length) return;
    // A label being deleted that a contact takes again stays (its removal job then leaves it be).
    await labels.updateMany({ account_id: accountId, title: { $in: titles }, deleting: true }, { $set: { deleting: false } });
    const existing = await existingTitles(accountId, titles);
    const missing = titles.filter((t) => !existing.has(t));
    if (!missing.length) return;
    const ids = await nextIds('labels', missing.length);
    try {
      await labels.insertMany(
        missing.map((title, i) => ({ _id: ids[i], account_id: accountId, title })),
        { ordered: false },
      );
    } catch (err) {
      // A concurrent request created the same label: it exists, which is all we need.
      if (!isDuplicateKey(err)) throw err;
    }
  }

  /** The account's contacts among `ids` as MongoDB holds them now (not only live ones: a deleted one is indexed as deleted). */
  const readBack = async (accountId: number, ids: number[]) => (await indexer.read(ids)).filter((c) => c.account_id === accountId);
  const reindex = async (accountId: number, ids: number[]) => indexWritten({ indexer, writer, sync }, accountId, await readBack(accountId, ids));

  /**
   * Takes the label off every contact that carries it (the pending writes and the index find
   * them; a contact without the label is left alone), a chunk at a time: the chunk's ids are
   * recorded on the label, the label pulled from them in one write, and the contacts read back
   * and indexed, while the next chunk is written (MongoDB and Elasticsearch work at once). A run
   * stopped between a write and its index leaves the record (of the chunks in flight), and the
   * next run, or the label's revival, re-indexes those contacts first; the index still shows
   * the label on them until then, so the walk finds them again anyway.
   */
  async function stripFromContacts(label: Label): Promise<void> {
    const { _id: labelId, account_id: accountId, title } = label;
    if (label.stripping?.length) await reindex(accountId, label.stripping);
    let indexing: { ids: number[]; done: Promise<void> } | null = null;
    for await (const ids of contactCandidates(candidates, accountId, { term: { labels: title } }, CHUNK)) {
      await labels.updateOne({ _id: labelId }, { $set: { stripping: [...(indexing?.ids ?? []), ...ids] } });
      await writer.pullLabelUnsynced(accountId, ids, title);
      const docs = await readBack(accountId, ids);
      await indexing?.done;
      indexing = { ids, done: indexWritten({ indexer, writer, sync }, accountId, docs) };
      // Awaited with the next chunk or at the end; until then a failure must not count as unhandled.
      indexing.done.catch(() => undefined);
    }
    await indexing?.done;
    await labels.updateOne({ _id: labelId }, { $unset: { stripping: 1 } });
  }

  /** Removes a deleted label from its contacts, then the label itself (safe to run twice). */
  async function finishRemoval(labelId: number): Promise<void> {
    const label = await labels.findById(labelId).lean();
    if (!label?.deleting) return;
    await stripFromContacts(label);
    await labels.deleteOne({ _id: labelId, deleting: true });
  }

  return {
    ensureLabels,
    existingTitles,

    async list(accountId: number) {
      return (await labels.find({ account_id: accountId, deleting: { $ne: true } }).sort({ title: 1 }).lean()).map(toLabelPayload);
    },

    async show(accountId: number, id: number) {
      return toLabelPayload(await find(accountId, id));
    },

    async create(accountId: number, input: LabelInput & { title: string }) {
      const title = normalizeLabel(input.title);
      if (await labels.exists({ account_id: accountId, title, deleting: { $ne: true } })) throw new ValidationError(`label "${title}" already exists`, 'title');
      // Created again while its removal runs: the label stays, with what was given now.
      const revived = await labels.findOneAndUpdate({ account_id: accountId, title, deleting: true }, { $set: { ...input, title, deleting: false } }, { new: true }).lean();
      if (revived) {
        // A removal stopped between writing a chunk and indexing it: the index catches up now.
        if (revived.stripping?.length) {
          await reindex(accountId, revived.stripping);
          await labels.updateOne({ _id: revived._id }, { $unset: { stripping: 1 } });
        }
        return toLabelPayload(revived);
      }
      const [id] = await nextIds('labels');
      const doc = await labels.create({ _id: id, account_id: accountId, ...input, title });
      return toLabelPayload(doc.toObject());
    },

    async update(accountId: number, id: number, input: LabelInput) {
      const label = await find(accountId, id);
      // Contacts carry titles; renaming would have to rewrite them all, so the title stays.
      if (input.title !== undefined && normalizeLabel(input.title) !== label.title) {
        throw new ValidationError('a label cannot be renamed; create a new label and move contacts with a bulk action', 'title');
      }
      const rest: LabelInput = { ...input };
      delete rest.title;
      const updated = await labels.findOneAndUpdate({ _id: id, account_id: accountId }, { $set: rest }, { new: true }).lean();
      if (!updated) throw new NotFoundError('label', id);
      return toLabelPayload(updated);
    },

    /**
     * Deletes a label: hidden at once; removed from the contacts that carry it within the request
     * when they are few, else by a job (answered at once either way).
     */
    async remove(accountId: number, id: number): Promise<void> {
      const label = await find(accountId, id);
      await labels.updateOne({ _id: id, account_id: accountId }, { $set: { deleting: true } });
      await candidates.search.refresh();
      const carriers = await candidates.search.count(accountId, { term: { labels: label.title } });
      if (carriers > removeInRequestUpTo) await enqueueRemoval({ labelId: id });
      else await finishRemoval(id);
    },

    finishRemoval,

    /** Labels whose removal job may have been lost (with Redis): queued again when the worker starts. */
    async requeueRemovals(): Promise<number> {
      const deleting = await labels.find({ deleting: true }, { _id: 1 }).lean();
      for (const label of deleting) await enqueueRemoval({ labelId: label._id });
      return deleting.length;
    },

    async contactLabels(accountId: number, contactId: number): Promise<string[]> {
      const contact = await contacts.findOne({ _id: contactId, account_id: accountId, deleted: false }, { labels: 1 }).lean();
      if (!contact) throw new NotFoundError('contact', contactId);
      return contact.labels ?? [];
    },

    /** Replaces the contact's labels (Chatwoot's POST /contacts/{id}/labels). */
    async setContactLabels(accountId: number, contactId: number, raw: string[]): Promise<string[]> {
      const titles = normalizeLabels(raw);
      await ensureLabels(accountId, titles);
      // Added and removed as set operations, conditional on the version read.
      await writer.modify(accountId, contactId, (current) => {
        const held = current.labels ?? [];
        const add = titles.filter((t) => !held.includes(t));
        const remove = held.filter((t) => !titles.includes(t));
        return add.length || remove.length ? { addToSet: { labels: add }, pull: { labels: remove } } : null;
      });
      return titles;
    },
  };
}

export type LabelsService = ReturnType<typeof createLabelsService>;
