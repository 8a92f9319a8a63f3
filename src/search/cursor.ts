import { ValidationError } from '../shared/errors';

// A cursor carries the sort it was made for and the sort values of the last contact returned.
// Elasticsearch reports a missing date or number as Long.MIN/MAX, which JSON numbers cannot
// hold exactly; such values travel as strings so that search_after gets them back intact.

type SortValue = string | number | boolean | null;

interface CursorBody {
  s: string;
  v: SortValue[];
}

const LONG_MAX = '9223372036854775807';
const LONG_MIN = '-9223372036854775808';

function exact(value: SortValue): SortValue {
  if (typeof value === 'number' && !Number.isSafeInteger(value) && Number.isInteger(value)) {
    return value > 0 ? LONG_MAX : LONG_MIN;
  }
  return value;
}

export function encodeCursor(sort: string, values: SortValue[]): string {
  const body: CursorBody = { s: sort, v: values.map(exact) };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

export function decodeCursor(cursor: string, sort: string): SortValue[] {
  let body: CursorBody;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new ValidationError('after is not a cursor this service issued', 'after');
  }
  if (!body || typeof body.s !== 'string' || !Array.isArray(body.v)) {
    throw new ValidationError('after is not a cursor this service issued', 'after');
  }
  if (body.s !== sort) {
    throw new ValidationError(`after is a cursor for sort "${body.s}", not "${sort}"`, 'after');
  }
  return body.v;
}
