import { createAccountListStore } from '../shared/account-list-store';
import { exemptBecause } from '../shared/id-only-guard';
import type { Label, LabelSetModel } from './label.model';

/** An account's labels, read and written as one document by _id. */
export function createLabelStore(sets: LabelSetModel) {
  return {
    ...createAccountListStore<Label>(sets as never, 'labels', 'labels'),

    /** Labels being deleted in every account: at the worker's start, their removal jobs may have been lost. */
    async deleting(): Promise<{ accountId: number; labelId: number }[]> {
      const held = await sets.find({ 'labels.deleting': true }).comment(exemptBecause('the worker start looks for label removals to queue again')).lean();
      return held.flatMap((set) => set.labels.filter((l) => l.deleting).map((l) => ({ accountId: set._id, labelId: l._id })));
    },

    /** The account holding a label, for a removal job queued before jobs named their account. */
    async accountOf(labelId: number): Promise<number | undefined> {
      const set = await sets.findOne({ 'labels._id': labelId }, { _id: 1 }).comment(exemptBecause('a removal job from before jobs named their account')).lean();
      return set?._id;
    },
  };
}

export type LabelStore = ReturnType<typeof createLabelStore>;
