import { z } from 'zod';
import { nullAsAbsent } from '../shared/documented-input';
import { bodyId } from '../shared/id-schema';
import { labelTitleOf, labelTitleProblem } from '../shared/label-title';
import { pageQuery, queryWholeNumber } from '../search/list-request';
import { ValidationError } from '../shared/errors';

export const MAX_EXPORT_COLUMNS = 200;

// A title no label can have (`a b`, `vip,lead`) exported nothing with a 200; the list answers 422
// for it, and so does the export, by the same check.
const labelTitle = (several: string, emptyIsNone = false) =>
  z.string().superRefine((raw, ctx) => {
    if (emptyIsNone && raw === '') return;
    const problem = labelTitleProblem(labelTitleOf(raw), raw);
    if (problem) ctx.addIssue({ code: 'custom', message: raw.includes(',') ? `${problem}; ${several}` : problem });
  });

// A comma-separated string is split here, before the cap: split later, a string of 5,000 names
// went past it. Which names exist depends on the account, so the service checks them.
const columnNames = z
  .union([z.array(z.string()), z.string()], { error: 'column_names must be an array of column names or one comma-separated string' })
  // An empty string is no choice, as an empty list is (Chatwoot exports its default columns for both).
  .transform((names) => (typeof names === 'string' ? (names.trim() === '' ? [] : names.split(',')) : names))
  .pipe(
    z.array(z.string()).max(MAX_EXPORT_COLUMNS, {
      error: (issue) => `at most ${MAX_EXPORT_COLUMNS} columns can be exported; ${(issue.input as unknown[]).length} were given`,
    }),
  );

// Chatwoot's export body (`column_names`, `label`, `payload`), plus `labels` like the list's,
// `q` like the search's (so the console exports the list it shows) and `segment_id` (or `custom_filter_id`, as bulk actions call it). A filter `payload` selects contacts as POST /contacts/filter does (checked by the
// filter compiler, which names the faulty item); a segment as GET /custom_filters/{id}/contacts.
export const exportBody = z
  .strictObject({
    // null means none, as in Chatwoot (which reads an absent and a null parameter alike), for
    // clients that serialise an unset option as null; payload takes null the same way.
    column_names: columnNames
      .nullish()
      .transform((names) => names ?? undefined)
      .optional(),
    // Chatwoot's dashboard sends `label: ''` when no label is chosen: empty means none.
    label: labelTitle('name several as labels: ["vip", "lead"]', true)
      .nullish()
      .transform((label) => label ?? undefined)
      .optional(),
    labels: nullAsAbsent(z.array(labelTitle('give each label as its own item')).max(100).optional()),
    payload: z.unknown().optional(),
    q: nullAsAbsent(z.string().max(255, 'q must be at most 255 characters').optional().describe('search text, as GET /contacts/search takes it: only its matches are exported')),
    // The list's order, so that the file is the list as shown (it was always by id).
    sort: nullAsAbsent(pageQuery.shape.sort.describe('the order of the rows, as a list takes sort (name, -last_activity_at, custom_attributes.<key> …); by contact id when absent')),
    segment_id: nullAsAbsent(bodyId('segment_id must be a segment id (a positive integer)').optional()),
    custom_filter_id: nullAsAbsent(bodyId('custom_filter_id must be a segment id (a positive integer)').optional().describe('the same as segment_id')),
  })
  .refine((body) => body.segment_id === undefined || body.custom_filter_id === undefined, {
    message: 'give segment_id or custom_filter_id (the same thing), not both',
  });

export type ExportBody = z.infer<typeof exportBody>;

// Rails reads a request's parameters from the query string and the body together (the query
// string's win), so a Chatwoot script may call `export?label=vip`: it exported every contact here,
// the query string unread. A filter payload is a JSON body's (Rails' nested form of it is not read).
// Strict, unlike a list's query string: a misspelt `?labls[]=vip` would export every contact.
export const exportQuery = z.strictObject({
  column_names: columnNames.optional().describe('as in the body: comma-separated, or column_names[] repeated'),
  label: labelTitle('name several as labels[]=vip&labels[]=lead', true).optional(),
  labels: z
    .union([z.string(), z.array(z.string())], 'labels must be label titles, as labels[]=vip (repeated for more)')
    .transform((raw) => [raw].flat().flatMap((value) => value.split(',')).filter((title) => title.trim()))
    .pipe(z.array(labelTitle('give each label as its own labels[]')).max(100))
    .optional(),
  q: z.string().max(255, 'q must be at most 255 characters').optional(),
  sort: pageQuery.shape.sort,
  segment_id: queryWholeNumber('segment_id', { min: 1, tooSmall: 'segment_id must be a segment id (a positive integer)' }),
  custom_filter_id: queryWholeNumber('custom_filter_id', { min: 1, tooSmall: 'custom_filter_id must be a segment id (a positive integer)' }),
  payload: z.never('payload goes in the JSON body (a list of filter conditions), not in the query string').optional(),
});

/** The export's parameters: the body's, with the query string's in their place where it gives them. */
export function exportParameters(body: ExportBody, query: z.infer<typeof exportQuery>): ExportBody {
  const given = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined));
  const merged = { ...body, ...given } as ExportBody;
  if (merged.segment_id !== undefined && merged.custom_filter_id !== undefined) {
    throw new ValidationError('give segment_id or custom_filter_id (the same thing), not both', 'segment_id');
  }
  return merged;
}
