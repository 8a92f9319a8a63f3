import { attributeKeyOf } from '../records/contact-fields';
import { searchFieldOf, type DefinitionRef } from '../records/custom-attribute-fields';
import { ValidationError } from '../shared/errors';
import type { SortValueType } from './cursor';
import { ABOVE_EVERY_KEY } from './text-sort-key';

// Sort key of the API → field of the search index. Text fields hold folded text, phone_sort
// the E.164 digits as a number, dates epoch millis.
export const SORT_FIELDS = {
  name: 'name',
  email: 'email',
  phone_number: 'phone_sort',
  company_name: 'company_name',
  city: 'city',
  country: 'country',
  last_activity_at: 'last_activity_at',
  created_at: 'created_at',
} as const;

export type SortKey = keyof typeof SORT_FIELDS;

/**
 * Older names of a sort key that Chatwoot's clients still send: its contacts controller sorted by
 * `company` (`sort_on :company`) before it was `company_name`, and dashboards of those versions
 * send `sort=company`. Read as the key it names, so a cursor made under either name serves both.
 */
export const SORT_KEY_ALIASES: Readonly<Record<string, SortKey>> = { company: 'company_name' };

/** Sorting by a custom attribute: `sort=custom_attributes.<key>` (or `-custom_attributes.<key>`). */
export const CUSTOM_SORT_PREFIX = 'custom_attributes.';

export interface ContactSort {
  key: SortKey | `${typeof CUSTOM_SORT_PREFIX}${string}`;
  order: 'asc' | 'desc';
  /** The index field of a custom attribute sort, resolved from the account's definitions. */
  field?: string;
}

export const DEFAULT_SORT = '-last_activity_at';

// Elasticsearch's own "_last" for a date is Long.MIN/MAX, which it then refuses to parse back
// as a search_after date; the ends of the date range sort last just the same and round-trip.
// Both lie outside the years a timestamp may name (1000 to 3000, shared/time.ts). Not
// Date.UTC(1, …): it reads years 0 to 99 as 1900 to 1999, so a contact of 1900 sorted after
// the contacts without a date.
const LAST_DATE = { asc: Date.parse('9999-12-31T00:00:00Z'), desc: Date.parse('0001-01-01T00:00:00Z') - 1 };
const isDateField = (field: string) => field === 'last_activity_at' || field === 'created_at' || field.startsWith('cf_date_');
// A checkbox sorts as 0 and 1, but a search_after value for it must read "true" or "false",
// so "_last" (Long.MIN/MAX, which travel as strings) could not come back: a cursor ending on a
// contact without the value was refused. A number past either end sorts last and comes back as one.
const LAST_CHECKBOX = { asc: 2, desc: -1 };
const isCheckboxField = (field: string) => field.startsWith('cf_bool_');
// Doubles: Elasticsearch answers a missing one's place as the text "Infinity" ("-Infinity" descending).
const isCustomNumberField = (field: string) => field.startsWith('cf_num_');

function missingLast(sort: ContactSort): '_last' | number {
  const field = sortFieldOf(sort);
  if (isDateField(field)) return LAST_DATE[sort.order];
  return isCheckboxField(field) ? LAST_CHECKBOX[sort.order] : '_last';
}

/** A custom attribute sort with the account's slot field for its key; a key the account does not define is a 422. */
export function withSortField(sort: ContactSort, definitions: DefinitionRef[]): ContactSort {
  if (!sort.key.startsWith(CUSTOM_SORT_PREFIX)) return sort;
  const key = sort.key.slice(CUSTOM_SORT_PREFIX.length);
  const def = definitions.find((d) => d.attribute_key === key || d.attribute_key === attributeKeyOf(key));
  if (!def) throw new ValidationError(`unknown sort key "${sort.key}": no custom attribute "${key}" is defined`, 'sort');
  return { ...sort, field: searchFieldOf(def) };
}

export function parseSort(raw: string | undefined): ContactSort {
  const text = (raw ?? DEFAULT_SORT).trim() || DEFAULT_SORT;
  const order = text.startsWith('-') ? 'desc' : 'asc';
  const given = text.replace(/^[-+]/, '');
  const key = Object.hasOwn(SORT_KEY_ALIASES, given) ? SORT_KEY_ALIASES[given] : given;
  if (key.startsWith(CUSTOM_SORT_PREFIX) && key.length > CUSTOM_SORT_PREFIX.length) {
    return { key: key as ContactSort['key'], order };
  }
  if (!Object.hasOwn(SORT_FIELDS, key)) {
    throw new ValidationError(
      // Quoted as sent: `--name` said `unknown sort key "-name"`, a key that exists.
      `unknown sort key "${text}"; use one of ${Object.keys(SORT_FIELDS).join(', ')} or custom_attributes.<key>, with - for descending`,
      'sort',
    );
  }
  return { key: key as SortKey, order };
}

/** The index field a sort orders by (a text's own field, not its numeric key): the one its missing contacts lack. */
export function sortFieldOf(sort: ContactSort): string {
  if (sort.field) return sort.field;
  if (Object.hasOwn(SORT_FIELDS, sort.key)) return SORT_FIELDS[sort.key as SortKey];
  throw new Error(`sort ${sort.key} was not resolved to an index field`);
}

// Keyword fields sort by text; phone_sort, dates, custom numbers and checkboxes by number.
const TEXT_SORT_FIELD = /^(name|email|company_name|city|country|cf_text_\d+)$/;

export const sortToString = (sort: ContactSort) => `${sort.order === 'desc' ? '-' : ''}${sort.key}`;

// Text fields Elasticsearch sorts faster by a numeric key of their start first (text-sort-key.ts).
// Only email: the key pays off when a text's first nine characters nearly tell it apart. Measured
// at a million contacts it made a page sorted by name up to 3x slower (names share their starts:
// every contact whose key ties the page's last one is compared again by the keyword), and city,
// country and company hold few distinct values, whose ties no key of the text can break.
const SORT_KEY_FIELDS = new Map([['email', 'email_sort']]);

const keyFieldOf = (sort: ContactSort): string | undefined => SORT_KEY_FIELDS.get(sortFieldOf(sort));
const missingKey = (order: ContactSort['order']) => (order === 'asc' ? ABOVE_EVERY_KEY : -1);

/**
 * The Elasticsearch sort: the field (after its numeric key, where it has one), missing values
 * last in both directions, then the contact id so that the order is total and a cursor never
 * skips or repeats a contact. The key's missing value sorts where the field's does; an index
 * without the key (an older mapping) ties every key and sorts by the field alone. A cursor
 * carries every value, the key's too: a document of an older mapping has none, so the key
 * could not be derived from the text again.
 */
export function toSearchSort(sort: ContactSort) {
  const keyField = keyFieldOf(sort);
  return [
    ...(keyField ? [{ [keyField]: { order: sort.order, missing: missingKey(sort.order), unmapped_type: 'long' } }] : []),
    { [sortFieldOf(sort)]: { order: sort.order, missing: missingLast(sort), unmapped_type: 'keyword' } },
    { id: { order: sort.order } },
  ];
}

/**
 * The sort values (before the id) Elasticsearch answers for a contact without the sort's field:
 * the places its missing values sort at. Long's ends for the phone number, as JSON numbers round
 * them (a cursor writes them back exactly); a double's infinities as the text Elasticsearch writes.
 */
export function missingSortValues(sort: ContactSort): (string | number | null)[] {
  const field = sortFieldOf(sort);
  const place = missingLast(sort);
  const value = typeof place === 'number' ? place : TEXT_SORT_FIELD.test(field) ? null : isCustomNumberField(field) ? (sort.order === 'asc' ? 'Infinity' : '-Infinity') : sort.order === 'asc' ? 2 ** 63 : -(2 ** 63);
  return keyFieldOf(sort) ? [missingKey(sort.order), value] : [value];
}

// What a date or checkbox sort yields, its missing values' places included: a date within the
// years 1 to 9999 (any a contact holds lies within 1000 to 3000), a checkbox 0 or 1.
const DATE_VALUES = { min: LAST_DATE.desc, max: LAST_DATE.asc, what: 'a date: whole milliseconds from 0001-01-01 to 9999-12-31' };
const CHECKBOX_VALUES = { min: LAST_CHECKBOX.desc, max: LAST_CHECKBOX.asc, what: `a checkbox's place: a whole number from ${LAST_CHECKBOX.desc} to ${LAST_CHECKBOX.asc}` };

/** The types of this sort's values in a cursor, before the contact id (see cursor.ts). */
export function sortValueTypes(sort: ContactSort): SortValueType[] {
  const field = sortFieldOf(sort);
  const type = TEXT_SORT_FIELD.test(field) ? 'text' : isDateField(field) ? DATE_VALUES : isCheckboxField(field) ? CHECKBOX_VALUES : 'number';
  return keyFieldOf(sort) ? ['number', type] : [type];
}

/**
 * The text field a page of this sort may be read from a tie of (see search-contacts.ts), when
 * the sort is on a text field alone. Not a text sorted by a numeric key first (its cursor values
 * are the key and the text), nor numbers and dates, whose missing values sort as a number a real
 * value could also hold.
 */
export function tiedTextField(sort: ContactSort): string | undefined {
  const field = sortFieldOf(sort);
  return TEXT_SORT_FIELD.test(field) && !keyFieldOf(sort) ? field : undefined;
}

/**
 * The index field whose lack places a page's sort values (those of one hit, its id last) among the
 * contacts without it, which every sort puts last, ordered by id alone; or undefined. Each missing
 * place is one no value holds: a text's null (an email's after its key), the phone number's
 * Long end (past a safe integer), a custom number's infinity (a double; JSON holds no infinite
 * value), the dates' and checkboxes' places past their range.
 */
export function missingSortField(sort: ContactSort, values: readonly unknown[]): string | undefined {
  const field = sortFieldOf(sort);
  const value = keyFieldOf(sort) ? values[1] : values[0];
  if (TEXT_SORT_FIELD.test(field)) return value === null ? field : undefined;
  if (isDateField(field)) return value === LAST_DATE[sort.order] ? field : undefined;
  if (isCheckboxField(field)) return value === LAST_CHECKBOX[sort.order] ? field : undefined;
  if (field === SORT_FIELDS.phone_number) return value !== undefined && !Number.isSafeInteger(value) ? field : undefined;
  if (isCustomNumberField(field)) return value === (sort.order === 'asc' ? 'Infinity' : '-Infinity') ? field : undefined;
  return undefined;
}

/** Whether every contact holds the sort's field: its creation time. No contact lies among those without it. */
export const neverMissing = (sort: ContactSort) => sortFieldOf(sort) === SORT_FIELDS.created_at;

/** A contact's own numeric sort field (the phone number, its dates): never missing as a value a contact could hold. */
const isOwnNumberField = (field: string) => field === SORT_FIELDS.phone_number || field === SORT_FIELDS.created_at || field === SORT_FIELDS.last_activity_at;

/**
 * The field a first page may be read from a window of (first-page-window.ts): the numeric key of
 * a text sorted by one (`keyed`: the contacts up to a key come first in the order), else a text,
 * the phone number or a contact's own date (the contacts before a value, then those at it up to
 * an id). Elasticsearch cuts a date sort's first page short by the field's points, but still
 * took 2.5-2.9 ms for it at a million contacts, against 1.0-1.1 ms from the window. Not
 * checkboxes, custom numbers and custom dates, whose values are the account's to define and whose
 * missing values sort as numbers a real value could also hold.
 */
export function firstPageField(sort: ContactSort): { field: string; keyed: boolean } | undefined {
  const key = keyFieldOf(sort);
  if (key) return { field: key, keyed: true };
  const field = sortFieldOf(sort);
  return TEXT_SORT_FIELD.test(field) || isOwnNumberField(field) ? { field, keyed: false } : undefined;
}

/**
 * The numeric field a page after a cursor may be read from a band of (value-window.ts): a text's
 * numeric key, the phone number, a contact's own dates. Not custom numbers, dates or checkboxes,
 * whose values are the account's to define (and a number's may be fractional).
 */
export function valueWindowField(sort: ContactSort): string | undefined {
  const key = keyFieldOf(sort);
  if (key) return key;
  const field = sortFieldOf(sort);
  return isOwnNumberField(field) ? field : undefined;
}

/** Whether the first sort value of a valueWindowField sort is a contact's own number, not the place of a missing one. */
export function isPresentSortNumber(sort: ContactSort, value: unknown): value is number {
  if (!Number.isSafeInteger(value)) return false;
  if (keyFieldOf(sort)) return (value as number) >= 0 && (value as number) < ABOVE_EVERY_KEY;
  return !isDateField(sortFieldOf(sort)) || value !== LAST_DATE[sort.order];
}

/** Whether a first sort value of a firstPageField sort is a contact's own, not the place of a missing one. */
export function isPresentSortValue(sort: ContactSort, value: unknown): value is string | number {
  // A missing date sorts as a date past any a contact holds.
  if (keyFieldOf(sort) || isDateField(sortFieldOf(sort))) return isPresentSortNumber(sort, value);
  // A missing text sorts as null; a missing number as Long's end, past a safe integer.
  return typeof value === 'string' || Number.isSafeInteger(value);
}
