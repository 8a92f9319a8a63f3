import { moveToAccountLists } from '../shared/move-to-account-lists';
import type { Logger } from '../shared/logger';
import type { LabelSetModel } from './label.model';

export const LEGACY_LABELS = 'labels';

/**
 * Databases written before an account's labels were one document held them one document each,
 * found by account_id and title: they move, once, into label_sets, with the state of a removal
 * in progress (deleting, stripping), which the worker's start then queues again.
 */
export async function upgradeLegacyLabels(sets: LabelSetModel, logger: Logger): Promise<{ accounts: number; labels: number }> {
  const { accounts, items } = await moveToAccountLists(sets as never, { legacyCollection: LEGACY_LABELS, field: 'labels', marker: 'label-sets', logger });
  return { accounts, labels: items };
}
