import type { ContactWriter } from '../contacts/contact-writer';
import type { ContactModel } from '../records/contact.model';
import { contactCandidates, type ContactCandidatesDeps } from '../contacts/contact-candidates';
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
  writer: Pick<ContactWriter, 'modify' | 'modifyMany'>;
  /** Where the contacts carrying a label are found: pending writes, then the index. */
  candidates: ContactCandidatesDeps;
}

export function createLabelsService({ labels, contacts, nextIds, writer, candidates }: LabelsServiceDeps) {
  async function find(accountId: number, id: number): Promise<Label> {
    const label = await labels.findOne({ _id: id, account_id: accountId }).lean();
    if (!label) throw new NotFoundError('label', id);
    return label;
  }

  /** The titles among these that the account has labels for. */
  async function existingTitles(accountId: number, titles: string[]): Promise<Set<string>> {
    const unique = [...new Set(titles)];
    if (!unique.length) return new Set();
    return new Set((await labels.find({ account_id: accountId, title: { $in: unique } }, { title: 1 }).lean()).map((l) => l.title));
  }

  /** Creates the account labels that do not exist yet, so every label on a contact is an account label. */
  async function ensureLabels(accountId: number, titles: string[]): Promise<void> {
    if (!titles.length) return;
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

  /**
   * Removes a label from every contact of the account that carries it. The index and the pending
   * writes find them; each batch is written by _id, conditional on the versions read (a contact
   * without the label is left alone), and re-synced.
   */
  async function stripFromContacts(accountId: number, title: string): Promise<number> {
    let done = 0;
    for await (const ids of contactCandidates(candidates, accountId, { term: { labels: title } }, CHUNK)) {
      done += (await writer.modifyMany(accountId, ids, (c) => ((c.labels ?? []).includes(title) ? { pull: { labels: [title] } } : null))).length;
    }
    return done;
  }

  return {
    ensureLabels,
    existingTitles,

    async list(accountId: number) {
      return (await labels.find({ account_id: accountId }).sort({ title: 1 }).lean()).map(toLabelPayload);
    },

    async show(accountId: number, id: number) {
      return toLabelPayload(await find(accountId, id));
    },

    async create(accountId: number, input: LabelInput & { title: string }) {
      const title = normalizeLabel(input.title);
      if (await labels.exists({ account_id: accountId, title })) throw new ValidationError(`label "${title}" already exists`, 'title');
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

    async remove(accountId: number, id: number): Promise<void> {
      const label = await find(accountId, id);
      await labels.deleteOne({ _id: id, account_id: accountId });
      await stripFromContacts(accountId, label.title);
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
