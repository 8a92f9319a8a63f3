import { ValidationError } from '../shared/errors';

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

export interface ContactSort {
  key: SortKey;
  order: 'asc' | 'desc';
}

export const DEFAULT_SORT = '-last_activity_at';

// Elasticsearch's own "_last" for a date is Long.MIN/MAX, which it then refuses to parse back
// as a search_after date; the ends of the date range sort last just the same and round-trip.
const LAST_DATE = { asc: Date.UTC(9999, 11, 31), desc: Date.UTC(1, 0, 1) - 1 };
const DATE_KEYS: ReadonlySet<SortKey> = new Set(['last_activity_at', 'created_at']);

function missingLast(sort: ContactSort): '_last' | number {
  return DATE_KEYS.has(sort.key) ? LAST_DATE[sort.order] : '_last';
}

export function parseSort(raw: string | undefined): ContactSort {
  const text = (raw ?? DEFAULT_SORT).trim() || DEFAULT_SORT;
  const order = text.startsWith('-') ? 'desc' : 'asc';
  const key = text.replace(/^[-+]/, '');
  if (!(key in SORT_FIELDS)) {
    throw new ValidationError(`unknown sort key "${key}"; use one of ${Object.keys(SORT_FIELDS).join(', ')}, with - for descending`, 'sort');
  }
  return { key: key as SortKey, order };
}

export const sortToString = (sort: ContactSort) => `${sort.order === 'desc' ? '-' : ''}${sort.key}`;

/**
 * The Elasticsearch sort: the field, missing values last in both directions, then the contact
 * id so that the order is total and a cursor never skips or repeats a contact.
 */
export function toSearchSort(sort: ContactSort) {
  return [
    { [SORT_FIELDS[sort.key]]: { order: sort.order, missing: missingLast(sort) } },
    { id: { order: sort.order } },
  ];
}
