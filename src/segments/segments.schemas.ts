import { z } from 'zod';
import { pageQuery } from '../search/list-request';

// Sort and paging may come in the query string (as Chatwoot's clients send them) or in the body.
const pageFields = pageQuery.extend({ page: z.coerce.number().int().min(1, 'page starts at 1').optional() });

export const filterQuery = pageFields;

/** `{payload: [...]}`, optionally with sort and paging; the payload itself is checked by buildSegmentQuery, which names the faulty item. */
export const filterBody = pageFields.extend({ payload: z.unknown().nonoptional('payload is required: a list of filter conditions') });

/** The query string's sort and paging, and the body's where the query string has none. */
export const filterPaging = (query: z.infer<typeof filterQuery>, body: z.infer<typeof filterBody>) => ({
  sort: query.sort ?? body.sort,
  page: query.page ?? body.page ?? 1,
  per_page: query.per_page ?? body.per_page,
  after: query.after ?? body.after,
});

export const segmentIdParams = z.object({
  account_id: z.string(),
  id: z.coerce.number().int().positive('custom filter id must be a positive integer'),
});

export const segmentListQuery = z.object({
  filter_type: z.string().optional(),
  with_counts: z.enum(['true', 'false', '1', '0'], 'with_counts must be true or false').optional(),
});

const segmentFields = z.object({
  name: z.string().trim().min(1, 'name must not be empty').max(255),
  filter_type: z.literal('contact', 'only filter_type "contact" is supported').optional(),
  query: z.object({ payload: z.unknown().nonoptional('query.payload is required: a list of filter conditions') }, 'query must be an object holding the filter payload'),
});

// Chatwoot wraps the fields in `custom_filter`; bare fields are accepted too.
const unwrap = (body: unknown) =>
  typeof body === 'object' && body !== null && 'custom_filter' in body ? (body as { custom_filter: unknown }).custom_filter : body;

export const segmentCreateBody = z.preprocess(unwrap, segmentFields);
export const segmentUpdateBody = z.preprocess(unwrap, segmentFields.partial());
export type SegmentInput = z.infer<typeof segmentFields>;
