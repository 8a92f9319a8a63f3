import { answeredFields } from '../shared/answered-fields';
import { nullAsAbsent } from '../shared/documented-input';
import { pathId } from '../shared/id-schema';
import { z } from 'zod';
import { bareOrWrappedIn } from '../shared/wrapped-body';
import { refuseControlCharacters } from '../shared/control-characters';

/** Labels an account may hold (they live in one document; see label.model.ts). */
export const MAX_LABELS = 10000;
/** Labels POST /contacts/{id}/labels gives a contact, unless it only takes some away. */
export const MAX_CONTACT_LABELS = 100;

export const labelIdParams = z.object({
  account_id: z.string(),
  id: pathId('label'),
});

const labelFields = {
  // In characters (code points) once composed, as the title is stored: 130 letters outside the BMP
  // are 260 UTF-16 units, and were refused as over 255; so was e + U+0301 at the 255th place.
  title: z.string().min(1, 'title must not be empty').refine((title) => [...title.normalize('NFC')].length <= 255, 'title must be at most 255 characters').describe('at most 255 characters once composed (NFC)'),
  // Shown beside the title in the dashboard and the console: no NUL or terminal escape (as a note's text).
  description: z.string().max(1000).superRefine(refuseControlCharacters).nullable(),
  // #rgb as an inbox's widget_color takes it (Chatwoot keeps any text), stored expanded: every
  // label colour is then #rrggbb, the one form a colour picker (the console's) reads.
  color: z
    .string()
    .regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, 'color must be a hex colour such as #1f93ff or #fff')
    .transform((color) => (color.length === 4 ? `#${[...color.slice(1)].map((digit) => digit + digit).join('')}` : color)),
  // Chatwoot's column takes null: a label read from it and sent here keeps its default (true) or its value.
  show_on_sidebar: nullAsAbsent(z.boolean().optional()),
};

const createFields = z.strictObject(labelFields).partial().required({ title: true });
export const labelCreateSchema = bareOrWrappedIn('label', createFields);
const updateFields = z.strictObject(labelFields).partial();
// An update may carry the label as read (its id and timestamps), which no write changes.
export const labelUpdateSchema = bareOrWrappedIn('label', updateFields.extend(answeredFields));
export type LabelInput = z.infer<typeof updateFields>;

// Strict, as every body that writes a resource here: an unknown key is a 422 naming it, not dropped.
// A contact's labels are the account's (MAX_LABELS at most): a set that only removes from one a
// merge, bulk action or import took past MAX_CONTACT_LABELS is taken (the service checks the rest).
export const contactLabelsSchema = z.strictObject({
  labels: z.array(z.string(), 'labels must be an array of label titles').max(MAX_LABELS, `an account holds at most ${MAX_LABELS} labels`),
});
