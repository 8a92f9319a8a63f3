import { createAccountListStore } from '../shared/account-list-store';
import { exemptBecause } from '../shared/id-only-guard';
import type { Label, LabelSetModel } from './label.model';

/** A label whose contacts do not all show what it is yet: a job has work left on them. */
export const isUnsettled = (label: Label): boolean => label.deleting || typeof label.renamed_from === 'string';

/** What an account's labels take together (README, Bounded cost): 10,000 labels of a title and a line of description each. */
export const LABELS_MAX_BYTES = 4 * 1024 * 1024;

/** An account's labels, read and written as one document by _id. */
export function createLabelStore(sets: LabelSetModel) {
  return {
    ...createAccountListStore<Label>(sets as never, 'labels', 'labels', {
      maxBytes: LABELS_MAX_BYTES,
      remedy: 'shorten descriptions or delete labels',
      bookkeeping: ['deleting', 'renamed_from', 'stripping'],
    }),

    /**
     * Labels of every account whose contacts are still being rewritten (being deleted, or renamed
     * with contacts still carrying the old title): their jobs may have been lost with Redis (the worker's start and every sweep queue them again).
     */
    async unsettled(): Promise<{ accountId: number; labelId: number }[]> {
      const held = await sets
        .find({ $or: [{ 'labels.deleting': true }, { 'labels.renamed_from': { $type: 'string' } }] })
        .comment(exemptBecause('the worker start and the sweep look for label jobs to queue again'))
        .lean();
      return held.flatMap((set) => set.labels.filter(isUnsettled).map((l) => ({ accountId: set._id, labelId: l._id })));
    },

    /** The account holding a label, for a removal job queued before jobs named their account. */
    async accountOf(labelId: number): Promise<number | undefined> {
      const set = await sets.findOne({ 'labels._id': labelId }, { _id: 1 }).comment(exemptBecause('a removal job from before jobs named their account')).lean();
      return set?._id;
    },
  };
}

export type LabelStore = ReturnType<typeof createLabelStore>;
