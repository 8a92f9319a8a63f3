import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '../shared/errors';

// A cursor carries the sort it was made for and the sort values of the last contact returned,
// signed with HMAC-SHA256 under the server's CURSOR_SECRET: Elasticsearch takes the values back
// as search_after, so a cursor the service did not issue is refused before they reach it.
// Elasticsearch reports a missing date or number as Long.MIN/MAX, which JSON numbers cannot
// hold exactly; such values travel as strings so that search_after gets them back intact.

type SortValue = string | number | boolean | null;

/**
 * What a sort value of a cursor must be: a text sort's a string (null when missing), a number
 * sort's a number, and a date's or a checkbox's a whole number within what its sort yields.
 */
export type SortValueType = 'text' | 'number' | WholeNumberRange;

/** Whole numbers from min to max; `what` names them in a refusal. */
export interface WholeNumberRange {
  min: number;
  max: number;
  what: string;
}

interface CursorBody {
  s: string;
  v: SortValue[];
  // t and w, the spans cursors carried before the gaps, are ignored: a hint read the old way
  // would size its window by the cursor's page, not the one asked for.
  /** The mean gap between the ids of a page whose contacts all tied on the sort value (see tie-window.ts). */
  g?: number;
  /** The mean gap between the numeric sort values of the page (see value-window.ts). */
  d?: number;
  /** The length of the start of the texts the next page is read from (see text-band.ts). */
  p?: number;
  /** Narrower starts for smaller pages: [rows, length] pairs (see text-band.ts). */
  n?: [number, number][];
  /** The account whose list it continues (listKeyOf); absent in cursors issued before it was kept. */
  l?: string;
  /** The mapping version of the index its page came from; absent in cursors issued before it was kept. */
  m?: number;
}

/** A start for a page of up to `rows` contacts: the start the `rows` texts nearest the cursor share, but its last character (see text-band.ts). */
export interface BandRung {
  rows: number;
  prefix: number;
}

export interface DecodedCursor {
  /** search_after: the sort values of the last contact returned, its id last. */
  values: SortValue[];
  /** Set when that page's contacts all tied on the sort value: the mean gap between their ids. */
  tieGap?: number;
  /** Set when the page was sorted by a number of the contacts' own: the mean gap between those numbers. */
  valueGap?: number;
  /** Set when the page was sorted by a text and its texts shared a start: that start's length, but one. */
  bandPrefix?: number;
  /** The starts the texts nearest the cursor share, for pages smaller than the cursor's (see text-band.ts). */
  bandRungs?: BandRung[];
  /** The mapping version of the index the cursor's page came from, when the cursor says. */
  indexVersion?: number;
}

/** What a cursor tells the next search besides where to continue (hints: one that does not hold is dropped). */
export interface CursorHints {
  tieGap?: number;
  valueGap?: number;
  bandPrefix?: number;
  bandRungs?: BandRung[];
}

const LONG_MAX = '9223372036854775807';
const LONG_MIN = '-9223372036854775808';
// How a number sort's missing value may travel: Long.MIN/MAX as strings (above), and the
// infinities Elasticsearch uses for a missing double, which it writes as strings itself.
const NUMBER_AS_STRING = new Set([LONG_MAX, LONG_MIN, 'Infinity', '-Infinity']);

/** Which parameter a cursor came in: `after` continues a list, `before` goes back along it. */
export type CursorParam = 'after' | 'before';

const notOurs = (param: CursorParam) => `${param} is not a cursor this service issued`;

// Only the two sentinels, which JSON rounds to ±2^63, go back as exact longs. Any other large
// number is a real value: a custom number attribute is a double and may be far beyond 2^53
// (2e16, 1e300); taking it for a sentinel sent the next page to Long.MAX, which repeated the page
// forever descending and skipped contacts ascending. A double of exactly 2^63 travels as LONG_MAX
// harmlessly: Elasticsearch reads that text back as the same double.
function exact(value: SortValue): SortValue {
  if (value === 2 ** 63) return LONG_MAX;
  if (value === -(2 ** 63)) return LONG_MIN;
  return value;
}

const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest();

/**
 * Names the account whose list a cursor continues, hashed: another account's cursor answered 200
 * with a page of this account's list from where the other stopped. A cursor is otherwise a
 * position in its sort, not bound to the query (README: a cursor is a position): taken to another
 * filter of the same account, it goes on from there.
 */
export const listKeyOf = (accountId: number): string => createHash('sha256').update(`cursor-account\n${accountId}`).digest('base64url').slice(0, 16);

export function encodeCursor(
  secret: string,
  sort: string,
  values: SortValue[],
  { tieGap, valueGap, bandPrefix, bandRungs }: CursorHints = {},
  list?: string,
  indexVersion?: number,
): string {
  const cursor: CursorBody = {
    s: sort,
    ...(list !== undefined ? { l: list } : {}),
    ...(indexVersion !== undefined ? { m: indexVersion } : {}),
    v: values.map(exact),
    ...(tieGap !== undefined ? { g: tieGap } : {}),
    ...(valueGap !== undefined ? { d: valueGap } : {}),
    ...(bandPrefix !== undefined ? { p: bandPrefix } : {}),
    ...(bandRungs?.length ? { n: bandRungs.map(({ rows, prefix }): [number, number] => [rows, prefix]) } : {}),
  };
  const body = Buffer.from(JSON.stringify(cursor)).toString('base64url');
  return `${body}.${sign(secret, body).toString('base64url')}`;
}

/** The body of a cursor whose signature holds; anything else is a 422 naming its parameter. */
function verified(secret: string, cursor: string, param: CursorParam): unknown {
  const [body, signature, ...rest] = cursor.split('.');
  if (!body || !signature || rest.length) throw new ValidationError(notOurs(param), param);
  // Compared as the text this service wrote: a base64url decoder skips characters outside its
  // alphabet and the spare bits of the last one, so another text could decode to the same bytes.
  const expected = Buffer.from(sign(secret, body).toString('base64url'));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new ValidationError(`${notOurs(param)} (its signature does not match)`, param);
  }
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw new ValidationError(notOurs(param), param);
  }
}

// A signed cursor's date could still lie past what Elasticsearch parses (9223372036854775807 as
// a double): its refusal, quoting its own text, was answered naming `sort`.
function checkValue(value: unknown, type: SortValueType): boolean {
  if (type === 'text') return value === null || typeof value === 'string';
  if (type === 'number') return (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && NUMBER_AS_STRING.has(value));
  return Number.isInteger(value) && (value as number) >= type.min && (value as number) <= type.max;
}

// A signed cursor with another number of values was made before an upgrade changed the sort's
// keys (v5 added email's numeric key): nothing to fix in it, so the message says what to do.
const staleShape = (param: CursorParam) => ` (a cursor made before an upgrade changed this sort): start the walk again without ${param}`;

const expected = (type: SortValueType) => (type === 'text' ? 'a string or null' : type === 'number' ? 'a number' : type.what);

/**
 * The search_after values of a cursor made for this sort: signed by this service, for this sort,
 * and of the shape this sort's search takes (`types`: its values, e.g. a numeric key and then the
 * text, then the contact id). A signed cursor can still be of another shape, e.g. one made before
 * a custom attribute was redefined with another type; that is a 422 too, never an Elasticsearch error.
 */
export function decodeCursor(secret: string, cursor: string, sort: string, types: SortValueType[], list?: string, param: CursorParam = 'after'): DecodedCursor {
  const body = verified(secret, cursor, param) as Partial<CursorBody> | null;
  if (!body || typeof body !== 'object' || typeof body.s !== 'string' || !Array.isArray(body.v)) throw new ValidationError(notOurs(param), param);
  if (body.s !== sort) {
    throw new ValidationError(`${param} is a cursor for sort "${body.s}", not "${sort}"`, param);
  }
  if (list !== undefined && body.l !== undefined && body.l !== list) {
    throw new ValidationError(`${param} is a cursor of another account's list: continue a list with the cursors its own pages answered`, param);
  }
  const values = body.v as unknown[];
  if (values.length !== types.length + 1) {
    throw new ValidationError(`${param} holds ${values.length} sort values; a cursor for sort "${sort}" holds ${types.length + 1}${staleShape(param)}`, param);
  }
  types.forEach((type, i) => {
    if (!checkValue(values[i], type)) {
      throw new ValidationError(`${param} holds ${JSON.stringify(values[i])} where sort "${sort}" expects ${expected(type)}`, param);
    }
  });
  const id = values[types.length];
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
    throw new ValidationError(`${param} holds ${JSON.stringify(id)} where a contact id is expected`, param);
  }
  // Only hints for the next search: one of the wrong kind is dropped, never refused.
  const count = (given: unknown) => (Number.isSafeInteger(given) && (given as number) >= 0 ? (given as number) : undefined);
  const gap = (given: unknown) => (typeof given === 'number' && given >= 0 && given <= Number.MAX_SAFE_INTEGER ? given : undefined);
  const tieGap = gap(body.g);
  const valueGap = gap(body.d);
  const bandPrefix = count(body.p);
  const bandRungs = Array.isArray(body.n) && body.n.every((rung) => Array.isArray(rung) && rung.length === 2 && rung.every((n) => (count(n) ?? 0) > 0))
    ? body.n.map(([rows, prefix]) => ({ rows, prefix }))
    : undefined;
  const indexVersion = count(body.m);
  return {
    values: values as SortValue[],
    ...(indexVersion !== undefined ? { indexVersion } : {}),
    ...(tieGap !== undefined ? { tieGap } : {}),
    ...(valueGap !== undefined ? { valueGap } : {}),
    ...(bandPrefix !== undefined ? { bandPrefix } : {}),
    ...(bandRungs?.length ? { bandRungs } : {}),
  };
}
