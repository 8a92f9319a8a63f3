import { z } from 'zod';
import { nullAsAbsent } from '../shared/documented-input';
import { bodyId, pathId } from '../shared/id-schema';

const MAX_BULK_IDS = 10_000;

export const bulkActionBody = z
  // Strict: a misspelt selection or action (`id`, `label`) answers 422 naming it. Null is absent.
  .strictObject({
    type: z.enum(['Contact', 'contact'], 'type must be "Contact"'),
    // The array's own message would cover its checks too: the limit gets its own, or it reads "must be an array".
    ids: nullAsAbsent(
      z
        .array(bodyId('each of ids must be a contact id (a positive integer)'), 'ids must be an array of contact ids')
        .min(1, 'ids must not be empty')
        .max(MAX_BULK_IDS, {
          error: (issue) =>
            `ids may name at most ${MAX_BULK_IDS.toLocaleString('en-US')} contacts (${(issue.input as unknown[]).length} given); select more with a filter (payload) or a segment (custom_filter_id)`,
        })
        .optional(),
    ),
    payload: nullAsAbsent(z.unknown().optional()),
    custom_filter_id: nullAsAbsent(bodyId('custom_filter_id must be a segment id (a positive integer)').optional()),
    // The export's name for a segment, accepted here too.
    segment_id: nullAsAbsent(bodyId('segment_id must be a segment id (a positive integer)').optional().describe('the same as custom_filter_id')),
    action_name: nullAsAbsent(z.enum(['delete'], 'action_name must be "delete"').optional()),
    labels: nullAsAbsent(
      z
        .object({
          add: nullAsAbsent(z.array(z.string(), 'labels.add must be an array of label titles').max(100, 'labels.add may name at most 100 labels').optional()),
          remove: nullAsAbsent(z.array(z.string(), 'labels.remove must be an array of label titles').max(100, 'labels.remove may name at most 100 labels').optional()),
        })
        .strict()
        .optional(),
    ),
  })
  .superRefine((body, ctx) => {
    const selections = [body.ids !== undefined, body.payload !== undefined, body.custom_filter_id !== undefined, body.segment_id !== undefined].filter(Boolean).length;
    if (selections !== 1) ctx.addIssue({ code: 'custom', message: 'give exactly one of ids, payload (a filter) or custom_filter_id (a segment; segment_id is the same)' });
    const labelWork = (body.labels?.add?.length ?? 0) + (body.labels?.remove?.length ?? 0) > 0;
    if (!labelWork && !body.action_name) ctx.addIssue({ code: 'custom', message: 'give labels.add, labels.remove or action_name "delete"' });
    if (labelWork && body.action_name) ctx.addIssue({ code: 'custom', message: 'a delete cannot be combined with label changes' });
  });
export type BulkActionInput = z.infer<typeof bulkActionBody>;

/** The segment a bulk action selects, by either name. */
export const segmentOf = (input: BulkActionInput): number | undefined => input.custom_filter_id ?? input.segment_id;

export const bulkActionIdParams = z.object({
  account_id: z.string(),
  id: pathId('bulk action'),
});
