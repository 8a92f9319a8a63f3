import type { Segment } from './segment.model';

export function toSegmentPayload(segment: Segment, count?: number | null) {
  return {
    id: segment._id,
    name: segment.name,
    filter_type: segment.filter_type,
    query: segment.query,
    created_at: segment.created_at.toISOString(),
    updated_at: segment.updated_at.toISOString(),
    ...(count === undefined ? {} : { count }),
  };
}
