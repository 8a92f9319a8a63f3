import { z } from 'zod';
import { unixSeconds } from '../shared/response-fields';
import type { BulkAction } from './bulk-action.model';

export const bulkActionPayloadSchema = z
  .object({
    id: z.int(),
    status: z.enum(['queued', 'running', 'completed', 'failed']),
    total: z.int(),
    processed: z.int().describe('selected ids, or matches of a filter or segment, gone through so far'),
    changed: z.int().describe('contacts of the account the action changed: a label added or removed, or deleted'),
    labels: z.object({ add: z.array(z.string()), remove: z.array(z.string()) }),
    action_name: z.literal('delete').nullable(),
    error: z.string().nullable(),
    created_at: unixSeconds,
    finished_at: unixSeconds.nullable(),
  })
  .meta({ id: 'BulkAction' });

export type BulkActionPayload = z.infer<typeof bulkActionPayloadSchema>;

export function toBulkActionPayload(action: BulkAction): BulkActionPayload {
  return {
    id: action._id,
    status: action.status,
    total: action.total,
    processed: action.processed,
    changed: action.changed ?? 0,
    labels: { add: action.add_labels, remove: action.remove_labels },
    action_name: action.delete ? 'delete' : null,
    error: action.error,
    created_at: Math.floor(action.created_at.getTime() / 1000),
    finished_at: action.finished_at ? Math.floor(action.finished_at.getTime() / 1000) : null,
  };
}
