import { z } from 'zod';

const names = z.union([z.array(z.string().min(1)).max(200), z.string().min(1)]);

// Chatwoot's export body (`column_names`, `label`, `payload`), plus `labels` like the list's and
// `segment_id` (or `custom_filter_id`, as bulk actions call it). A filter `payload` selects contacts as POST /contacts/filter does (checked by the
// filter compiler, which names the faulty item); a segment as GET /custom_filters/{id}/contacts.
export const exportBody = z
  .strictObject({
    column_names: names.optional(),
    // Chatwoot's dashboard sends `label: ''` when no label is chosen: empty means none.
    label: z
      .string()
      .refine((label) => label === '' || label.trim() !== '', 'label must name a label, or be empty for none')
      .optional(),
    labels: z.array(z.string().min(1)).max(100).optional(),
    payload: z.unknown().optional(),
    segment_id: z.coerce.number().int().positive().optional(),
    custom_filter_id: z.coerce.number().int().positive().optional().describe('the same as segment_id'),
  })
  .refine((body) => body.segment_id === undefined || body.custom_filter_id === undefined, {
    message: 'give segment_id or custom_filter_id (the same thing), not both',
  });

export type ExportBody = z.infer<typeof exportBody>;
