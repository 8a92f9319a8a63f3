import { ValidationError } from './errors';

/**
 * A JSON.parse reviver for request bodies: a number literal beyond a double's range (`1e400`)
 * parses to Infinity, which no field can mean, JSON cannot write back (a response would show
 * null) and the local MongoDB-wire server refuses to store (a 500 for it in free-form attributes,
 * where MongoDB would keep it). Refused here, once, for every route.
 */
export function finiteNumbersOnly(this: unknown, key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    const where = key === '' ? 'the request body' : Array.isArray(this) ? `item ${key} of a list` : `the value of ${JSON.stringify(key)}`;
    throw new ValidationError(`${where} is a number beyond what a double holds (about ±1.8e308)`);
  }
  return value;
}
