import type { BulkAction } from './bulk-action.model';

export function toBulkActionPayload(action: BulkAction) {
  return {
    id: action._id,
    status: action.status,
    total: action.total,
    processed: action.processed,
    labels: { add: action.add_labels, remove: action.remove_labels },
    action_name: action.delete ? 'delete' : null,
    error: action.error,
    created_at: Math.floor(action.created_at.getTime() / 1000),
    finished_at: action.finished_at ? Math.floor(action.finished_at.getTime() / 1000) : null,
  };
}
