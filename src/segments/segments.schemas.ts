import { answeredFields } from '../shared/answered-fields';
import { acceptingAlso, nullAsAbsent } from '../shared/documented-input';
import { pathId } from '../shared/id-schema';
import { refuseControlCharacters } from '../shared/control-characters';
import { trimText } from '../shared/trim-text';
import { bareOrWrappedIn } from '../shared/wrapped-body';
import { z } from 'zod';
import { labelsParam, optionalSearchText, pageParam, pageQuery } from '../search/list-request';
import { includeContactInboxesQuery } from '../contacts/contact-inboxes-option';
import { wholeNumberAsText } from '../contacts/contacts.schemas';

// Sort and paging may come in the query string (as Chatwoot's clients send them) or in the body.
const pageFields = pageQuery.extend({ page: pageParam });

/** A search text within a filter or segment: the matches of both (the console's search box within the view). */
export const withinSearch = {
  // Blank is absent here, as every optional list parameter (a client sends `q=${search ?? ''}`); GET /contacts/search needs one.
  q: optionalSearchText(z.string().max(255, 'q must be at most 255 characters').optional().describe('search text, as GET /contacts/search takes it: only matches of both are listed; blank, or nothing but spaces, invisible characters and accents, is absent')),
  labels: labelsParam.describe('label titles, as the list takes them (labels[]=vip, repeated, or labels=a,b): only contacts holding any of them'),
};

// Digits as text too, as in a query string ("2" is page 2, as Rails reads it): the document said
// integer only, so a client generated from it could not send what the service takes.
const bodyNumber = <T extends z.ZodType>(schema: T, text: { pattern: string; description: string }) =>
  nullAsAbsent(acceptingAlso(z.preprocess((value) => value, schema), { type: 'string', ...text }));
const bodyPage = bodyNumber(pageFields.shape.page, { pattern: '^\\s*(\\+?\\d+|last)\\s*$', description: 'its digits, or last' });
const bodyPerPage = bodyNumber(pageFields.shape.per_page, { pattern: '^\\s*\\+?\\d+\\s*$', description: 'its digits' });
// In the body, null is absent: a client walking pages sends the last answer's next_cursor, null
// before the first page. Coerced, a null page was 0 ("page starts at 1").
const bodyFields = {
  sort: nullAsAbsent(pageFields.shape.sort),
  page: bodyPage,
  per_page: bodyPerPage,
  after: nullAsAbsent(pageFields.shape.after),
  before: nullAsAbsent(pageFields.shape.before),
  // A whole number is its digits, as a phone number or identifier given as a JSON number is (a
  // script searching a phone's digits sent 612 and got a schema message about strings).
  q: nullAsAbsent(acceptingAlso(z.preprocess(wholeNumberAsText, withinSearch.q), { type: 'integer', description: 'its digits' })),
  labels: nullAsAbsent(withinSearch.labels),
  // Rails reads the body's parameters with the query string's: a client may send it either way.
  // A JSON body says it as a boolean; it was a 422 asking for true or false.
  include_contact_inboxes: nullAsAbsent(
    acceptingAlso(
      z.preprocess((value) => (typeof value === 'boolean' ? String(value) : value), includeContactInboxesQuery.include_contact_inboxes),
      { type: 'boolean' },
    ),
  ),
};

export const filterQuery = pageFields.extend(withinSearch);

/**
 * A bare array of conditions is the payload: Chatwoot's swagger-generated SDKs (@figuro/chatwoot-sdk's
 * `contacts.filter`) send the conditions as the whole body (Chatwoot itself answers that 500).
 */
const bareArrayAsPayload = (body: unknown) => (Array.isArray(body) ? { payload: body } : body);

/** `{payload: [...]}`, optionally with sort and paging; the payload itself is checked by buildSegmentQuery, which names the faulty item. */
export const filterBody = z.preprocess(
  bareArrayAsPayload,
  // Strict: a misspelt field (`sortt`, `per_pag`) answers 422 naming it rather than being dropped.
  z.strictObject({ ...bodyFields, payload: z.unknown().nonoptional('payload is required: a list of filter conditions') }),
);

/** The query string's sort and paging, and the body's where the query string has none. */
export const filterPaging = (query: z.infer<typeof filterQuery>, body: z.infer<typeof filterBody>) => ({
  sort: query.sort ?? body.sort,
  page: query.page ?? body.page,
  per_page: query.per_page ?? body.per_page,
  after: query.after ?? body.after,
  before: query.before ?? body.before,
});

/** The search text within the filter: the query string's, else the body's. */
export const filterSearch = (query: z.infer<typeof filterQuery>, body: z.infer<typeof filterBody>) => query.q ?? body.q;

/** Whether the filter's contacts carry their contact inboxes: the query string's answer, else the body's. */
export const filterIncludes = (query: { include_contact_inboxes?: 'true' | 'false' }, body: z.infer<typeof filterBody>) => ({
  include_contact_inboxes: query.include_contact_inboxes ?? body.include_contact_inboxes,
});

/** The labels within the filter (labels[] as the list takes them): the query string's, else the body's. */
export const filterLabels = (query: z.infer<typeof filterQuery>, body: z.infer<typeof filterBody>) => query.labels ?? body.labels;

export const segmentRunQuery = pageQuery.extend(withinSearch);

export const segmentIdParams = z.object({
  account_id: z.string(),
  id: pathId('custom filter'),
});

// Chatwoot's enum numbers for filter_type (conversation 0, contact 1, report 2), read as their names.
const FILTER_TYPE_NUMBERS: Record<string, string> = { '0': 'conversation', '1': 'contact', '2': 'report' };
const filterTypeName = (value: unknown) => (typeof value === 'number' || typeof value === 'string' ? (FILTER_TYPE_NUMBERS[String(value)] ?? value) : value);

export const segmentListQuery = z.object({
  // Chatwoot's other types hold no segment here (an empty list); a type it does not have is a 422.
  filter_type: acceptingAlso(
    z.preprocess((v) => (v === '' ? undefined : filterTypeName(v)), z.enum(['contact', 'conversation', 'report'], 'filter_type must be contact, conversation or report (or 1, 0, 2)').optional()),
    { enum: ['1', '0', '2', ''], description: "Chatwoot's numbers for contact, conversation and report; empty is absent" },
  ),
  // Any case, as Rails reads a boolean parameter (TRUE was a 422 while 1 passed).
  with_counts: acceptingAlso(
    z.preprocess((v) => (typeof v === 'string' ? v.toLowerCase() : v), z.enum(['true', 'false', '1', '0'], 'with_counts must be true or false (or 1, 0)').optional()),
    { type: 'string', pattern: '^(?:[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$', description: 'true or false in any case' },
  ),
});

const contactFilterType = (field: string) =>
  acceptingAlso(z.preprocess(filterTypeName, z.literal('contact', `only ${field} "contact" (or 1) is supported`)), {
    enum: [1, '1'],
    description: "Chatwoot's number for contact",
  }).optional();

// Strict: a misspelt field (`nmae`, `querry`) answers 422 naming it; it was dropped with a 200.
const segmentFields = z.strictObject({
  // Only invisible characters (zero-width spaces, direction marks) is no name, as only spaces is not.
  name: z.string({ error: (issue) => (issue.input === undefined ? 'name is required: the text the segment is listed by' : 'name must be a text') }).trim().min(1, 'name must not be empty').refine((name) => trimText(name) !== '', 'name must not be empty').max(255, 'name must be at most 255 characters').superRefine(refuseControlCharacters),
  filter_type: contactFilterType('filter_type'),
  // Chatwoot's API document (and the SDKs generated from it) names the field `type`.
  type: contactFilterType('type').describe('the same as filter_type, as Chatwoot\'s API document names it'),
  // Strict too: a key beside the payload (`query.compiled`) was dropped with a 200.
  query: z.strictObject(
    { payload: z.unknown().nonoptional('query.payload is required: a list of filter conditions') },
    { error: (issue) => (issue.code === 'invalid_type' ? 'query must be an object holding the filter payload' : undefined) },
  ),
});

// Chatwoot wraps the fields in `custom_filter`; bare fields are accepted too.
export const segmentCreateBody = bareOrWrappedIn('custom_filter', segmentFields);
// An update may carry the segment as read (Chatwoot's dashboard sends it back whole): its id,
// timestamps and, read with counts, its count, which no write changes.
export const segmentUpdateBody = bareOrWrappedIn(
  'custom_filter',
  segmentFields.partial().extend({ ...answeredFields, count: z.int().nullable().optional().describe('as answered with with_counts; read-only') }),
);
export type SegmentInput = z.infer<typeof segmentFields>;
