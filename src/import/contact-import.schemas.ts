import { pathId } from '../shared/id-schema';
import { z } from 'zod';
import { queryWholeNumberOr } from '../search/list-request';

export const importIdParams = z.object({
  account_id: z.string(),
  id: pathId('import'),
});

/**
 * The text fields of the upload's multipart body (the file itself is multer's). Strict: a
 * misspelt field (`createLabels=true`) was ignored, and the import ran without what it asked for.
 */
// A multipart field is text; a JSON client may send a boolean. Any case, as Rails reads `TRUE`.
const createLabels = z
  .preprocess(
    (value) => (typeof value === 'boolean' ? String(value) : typeof value === 'string' ? value.toLowerCase() : value),
    z
      .enum(['true', 'false', '1', '0'], {
        error: (issue) => (Array.isArray(issue.input) ? 'create_labels is given more than once: send it once' : 'create_labels must be true or false (or 1, 0)'),
      })
      .optional(),
  )
  .transform((value) => value === 'true' || value === '1');

export const importUploadFields = z.strictObject(
  {
    create_labels: createLabels,
    // Here only when sent as text, not as a file.
    import_file: z.never({ error: 'import_file must be a file (a multipart file part), not a text field' }).optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `unknown field "${issue.keys[0]}": the upload takes the file import_file and the field create_labels` : undefined,
  },
);

/** create_labels may also come in the query string (`POST /contacts/import?create_labels=true`): there it was ignored without a word. */
export const importUploadQuery = z.object({ create_labels: createLabels.describe('the same as the form field create_labels') });

export const importListQuery = z.object({
  page: queryWholeNumberOr(1, 'page', { min: 1, tooSmall: 'page starts at 1' }),
  per_page: queryWholeNumberOr(25, 'per_page', { min: 1, tooSmall: 'per_page must be at least 1', max: 100, tooLarge: 'per_page must be at most 100' }),
});
