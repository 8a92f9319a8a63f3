import { z } from 'zod';
import { toUnixSeconds } from '../shared/time';
import { freeObject, unixSeconds } from '../shared/response-fields';
import type { Segment } from './segment.model';

/** Chatwoot's custom filter JSON. */
export const segmentPayloadSchema = z
  .object({
    id: z.int(),
    name: z.string(),
    filter_type: z.literal('contact'),
    query: z.object({ payload: z.array(freeObject) }),
    created_at: unixSeconds,
    updated_at: unixSeconds,
    count: z.int().nullable().optional().describe('only with `with_counts`; null when the segment no longer compiles'),
  })
  .meta({ id: 'Segment' });

export type SegmentPayload = z.infer<typeof segmentPayloadSchema>;

export function toSegmentPayload(segment: Segment, count?: number | null): SegmentPayload {
  return {
    id: segment._id,
    name: segment.name,
    filter_type: segment.filter_type,
    // Saved only after sanitizeFilterPayload, which keeps a list of condition objects.
    query: segment.query as SegmentPayload['query'],
    // SPEC §2: timestamps are Unix seconds (Chatwoot renders these two records' as ISO 8601 text).
    created_at: toUnixSeconds(segment.created_at)!,
    updated_at: toUnixSeconds(segment.updated_at)!,
    ...(count === undefined ? {} : { count }),
  };
}
