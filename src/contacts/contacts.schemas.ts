import { z, type ZodType } from 'zod';
import { railsBoolean } from '../shared/rails-boolean';
import { ifNoneMatchHeadersOf } from '../shared/route';
import { machineryKeyProblem } from '../records/contact-fields';
import { acceptingAlso, nullAsAbsent } from '../shared/documented-input';
import { bodyId, pathId } from '../shared/id-schema';
import { labelsParam, pageQuery } from '../search/list-request';
import { readBackFields } from './read-back-fields';

const text = (max: number) => z.string().max(max, `must be at most ${max} characters`);
const nullableText = (max: number) => text(max).nullable();
// null, a boolean or an object used to answer "Invalid input", which names nothing to fix.
const timestamp = z.union([z.number(), z.string()], { error: 'must be Unix seconds or an ISO 8601 date' });
const blankAsNull = <T extends ZodType>(schema: T) =>
  acceptingAlso(z.preprocess((value) => (typeof value === 'string' && !value.trim() ? null : value), schema), { const: '', description: 'blank: the same as null' });
const attributeRecord = z.record(z.string(), z.unknown());

// A record drops "__proto__" from what it answers, so the raw object is checked first: such a key
// is refused by name rather than lost (machineryKeyProblem). The meta keeps the record's shape
// in the API document, which cannot see through the check.
export const keysCheckedFirst = <T extends ZodType>(record: T) =>
  z
    .unknown()
    .superRefine((value, ctx) => {
      if (typeof value !== 'object' || value === null) return;
      for (const key of Object.keys(value)) {
        const problem = machineryKeyProblem(key);
        if (problem) ctx.addIssue({ code: 'custom', path: [key], message: problem });
      }
    })
    .meta({ type: 'object', propertyNames: { type: 'string' }, additionalProperties: {} })
    .pipe(record);

const attributes = keysCheckedFirst(attributeRecord);
// Chatwoot merges the attributes only when a hash is given: null is no change on update, none on create.
const attributesOrNull = attributes.nullable().transform((value) => value ?? undefined);

// Chatwoot keeps company, city, country… inside additional_attributes; clients may also send
// them at the top level (as the CSV columns are), and they land in the same place.
/** A whole number as its decimal text, as Rails casts it (scripts syncing from a database, the widget's setUser, send ids as numbers). */
export const wholeNumberAsText = (value: unknown) => (typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value);

/**
 * A field of text that also takes a whole JSON number, as its digits (wholeNumberAsText). Any other
 * number says why it is none: zod's "expected string, received number" told a client sending
 * 12345.5 or 2^53 + 2 that numbers are not taken at all, and a phone number's minus sign was read
 * as a dash (-14155550104 was +14155550104).
 */
const textOrWholeNumber = (field: string, max: number, { negative }: { negative: boolean }) =>
  z.preprocess((value, ctx) => {
    if (typeof value !== 'number') return value;
    if (Number.isSafeInteger(value) && (negative || value >= 0)) return String(value);
    ctx.addIssue({ code: 'custom', message: notTextOrWholeNumber(field, value, { negative }) });
    return z.NEVER;
  }, nullableText(max));

/** The 422 of a field that takes text or a whole JSON number (contacts, and the widget's identifier), given neither. */
export const notTextOrWholeNumber = (field: string, value: unknown, { negative }: { negative: boolean }) =>
  `${field} must be text or ${negative ? 'a whole JSON number' : 'a whole JSON number, not negative,'} up to 9007199254740991 (past it digits are lost: send it as text); got ${JSON.stringify(value)}`;



const contactFields = {
  name: nullableText(255),
  email: nullableText(254),
  // A number given without + already includes its country code (SPEC §1), so 14155550100 as a JSON
  // number is that text: a script reading numbers from a spreadsheet sends them so (it was a 422).
  phone_number: acceptingAlso(textOrWholeNumber('phone_number', 40, { negative: false }), { type: 'integer', minimum: 0, description: 'digits with the country code, read as text' }),
  identifier: acceptingAlso(textOrWholeNumber('identifier', 255, { negative: true }), { type: 'integer', description: 'a whole number is stored as its decimal text' }),
  // As Rails casts a boolean parameter: Chatwoot's clients send "true"/"false" from forms and query strings.
  // The 422 names what is taken: "expected boolean, received string" refused "yes" while "T" was taken.
  blocked: acceptingAlso(z.preprocess(railsBoolean, z.boolean({ error: 'blocked must be true or false (or 1/0, on/off, t/f in any case, as Rails casts a boolean)' })), { type: 'string', pattern: '^\\s*([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|1|0|[Oo][Nn]|[Oo][Ff][Ff]|[TtFf])\\s*$', description: 'true/false, 1/0, on/off or t/f in any case, as Rails casts a boolean' }, { enum: [1, 0] }),
  avatar_url: nullableText(2048),
  // Chatwoot takes an avatar file beside the fields, and its clients send `avatar: null` for a
  // contact without a picture (Evolution API's WhatsApp bridge, on every message): as in Chatwoot,
  // that takes the picture away. A file is not stored here (forms refuse one naming it); an image
  // is taken by its URL.
  avatar: z
    .union([z.null(), z.literal('')], "avatar takes an image file, which is not stored here: give the image's URL as avatar_url")
    .optional()
    .describe("Chatwoot's avatar file: null or empty (no file) takes the picture away, unless avatar_url gives one; give an image's URL as avatar_url"),
  company_name: nullableText(255),
  city: nullableText(255),
  country: nullableText(255),
  country_code: nullableText(8),
  description: nullableText(5000),
  additional_attributes: attributesOrNull,
  custom_attributes: attributesOrNull,
  // null is no date given, as Rails fills a nil created_at on create (it was a 422, while
  // last_activity_at took null: a migration that had no creation date for some rows failed on them).
  // Blank is null, as Rails casts "" for a date (and an empty form field): it was a 422.
  created_at: blankAsNull(nullAsAbsent(timestamp.optional())),
  last_activity_at: blankAsNull(timestamp.nullable()),
  // As Chatwoot reads it: an id as a number or a string of digits; null or "" (blank) mean no inbox.
  inbox_id: acceptingAlso(z.preprocess((value) => (value === '' ? null : value), bodyId('inbox_id must be an inbox id (a positive integer)').nullable()), {
    const: '',
    description: 'the same as null',
  }),
  // With inbox_id on create, the contact's address in that inbox, as Chatwoot's clients may send it (checked by the inbox).
  source_id: z.preprocess((value) => (value === '' ? null : value), text(255).nullable()),
};

export const contactInputSchema = z
  .strictObject({
    ...contactFields,
    // Chatwoot's dashboard sends its new-contact form with `id: 0`, and Chatwoot ignores an id on
    // create (it was a 422, so the dashboard could create no contact): taken, and the service gives the id.
    id: z
      .unknown()
      .refine((id) => id === undefined || id === null || id === '' || Number.isInteger(id) || (typeof id === 'string' && /^-?\d+$/.test(id.trim())), {
        message: 'id is given by the service: leave it out (a whole number, its text, null or blank is taken and ignored)',
      })
      .transform(() => undefined)
      .describe("ignored: the service gives a new contact its id (Chatwoot's dashboard sends id: 0)"),
    // Chatwoot drops labels on create without a word; here they are part of the contact, so a
    // client that sends them expects them set (on update they are read-back: read-back-fields.ts).
    labels: nullAsAbsent(
      z
        .array(z.string(), 'labels must be an array of label titles')
        .optional()
        .describe('label titles the contact is created with; a title the account lacks becomes an account label, as POST /contacts/{id}/labels makes it'),
    ),
  })
  .partial();
export type ContactInput = z.infer<typeof contactInputSchema>;

/** An update also takes back what a read answered (read-back-fields.ts), so a contact read can be sent back whole. */
export const contactUpdateSchema = z.strictObject({ ...contactFields, ...readBackFields }).partial();
export type ContactUpdateInput = z.infer<typeof contactUpdateSchema>;

/** Chatwoot's `POST /contacts/{id}/destroy_custom_attributes`: the keys to take off the contact. */
export const destroyCustomAttributesSchema = z.strictObject({
  // One key may come alone, as Chatwoot's `excluding(params[:custom_attributes])` takes it.
  custom_attributes: acceptingAlso(
    z.preprocess((value) => (typeof value === 'string' ? [value] : value), z.array(z.string().max(255), 'custom_attributes must be an array of attribute keys (or one key)').max(100, 'at most 100 keys at once')),
    { type: 'string', description: 'one key' },
  ),
});

export const contactIdParams = z.object({
  account_id: z.string(),
  id: pathId('contact'),
});

/** If-Match on a contact's write (contact-etag.ts); express joins a repeated header with commas. */
export const ifMatchHeaders = z.looseObject({
  'if-match': z
    .string()
    .max(4096, 'if-match must be at most 4096 characters')
    .optional()
    .describe("An ETag a read or write of this contact answered (or several, comma-separated, or *): the write happens only if the contact is still at that version, else 412"),
});

/** A browser's or client's revalidation of a contact it holds: 304 when the answer would carry one of these ETags. */
export const ifNoneMatchHeaders = ifNoneMatchHeadersOf('the contact');

export const listQuery = pageQuery.extend({
  labels: labelsParam,
});

export const searchQuery = listQuery.extend({
  q: z.string({ error: (issue) => (issue.input === undefined ? 'q is required' : 'q must be one string, sent once') }).max(255, 'q must be at most 255 characters'),
});
