import { said, type Said } from '../i18n/said';

/** A bulk action as the API answers it (POST /bulk_actions, GET /bulk_actions/{id}). */
export interface BulkAction {
  id: number;
  status: 'queued' | 'running' | 'completed' | 'failed';
  total: number;
  /** Contacts of the selection gone through so far (progress). */
  processed: number;
  /** Contacts the action changed (a label added or removed, a contact deleted). */
  changed: number;
  /** The labels added or taken off (none for a delete). */
  labels: { add: string[]; remove: string[] };
  /** 'delete' for a delete; null for a label change. */
  action_name: 'delete' | null;
  error: string | null;
}

/** Answered as a job that has not ended: more than 100 contacts. */
export const isRunning = (action: BulkAction) => action.status === 'queued' || action.status === 'running';

/** How a finished bulk action ended, in words. */
export const bulkOutcome = (action: BulkAction): Said =>
  said((i) =>
    action.status === 'failed'
      ? i.t('bulkFailed', { message: action.error ?? '' })
      : action.changed === action.processed
        ? i.plural(action.action_name === 'delete' ? 'bulkDeleted' : 'bulkDone', action.changed)
        : i.plural('bulkDoneSome', action.changed, { processed: i.formatNumber(action.processed) }),
  );
