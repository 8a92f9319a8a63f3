import { isUtf8 } from 'node:buffer';
import { BadRequestError, ValidationError } from './errors';

const LONE_SURROGATE = /\p{Cs}/u;
const LONE_SURROGATE_IS = ' holds a lone surrogate, which is not a Unicode character (a UTF-16 pair must be whole)';

/**
 * A JSON.parse reviver for request bodies: a number literal beyond a double's range (`1e400`)
 * parses to Infinity, which no field can mean, JSON cannot write back (a response would show
 * null) and the local MongoDB-wire server refuses to store (a 500 for it in free-form attributes,
 * where MongoDB would keep it). Refused here, once, for every route, as are strings and keys
 * holding a lone surrogate.
 */
export function storableJsonOnly(this: unknown, key: string, value: unknown): unknown {
  const where = () => (key === '' ? 'the request body' : Array.isArray(this) ? `item ${key} of a list` : `the value of ${JSON.stringify(key)}`);
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new ValidationError(`${where()} is a number beyond what a double holds (about ±1.8e308)`);
  }
  // A lone surrogate (`\ud800` escaped in JSON) is no character: BSON, the index and any UTF-8
  // writer turn it into U+FFFD, so what was stored would not be what was answered.
  if (!Array.isArray(this) && LONE_SURROGATE.test(key)) throw new ValidationError(`the key ${JSON.stringify(key)}${LONE_SURROGATE_IS}`);
  if (typeof value === 'string' && LONE_SURROGATE.test(value)) throw new ValidationError(`${where()}${LONE_SURROGATE_IS}`);
  return value;
}

/** The largest JSON body any route reads, in bytes (after any Content-Encoding is undone). */
export const JSON_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * express.json's `verify`: a body declared UTF-8 (the default) whose bytes are not UTF-8 is
 * refused. The decoder would turn them into U+FFFD and the route would store that, changed
 * without a word.
 */
export function utf8Only(_req: unknown, _res: unknown, buf: Buffer, encoding: string): void {
  if (/^utf-?8$/i.test(encoding) && !isUtf8(buf)) {
    throw new BadRequestError('request body is not valid UTF-8: JSON must be sent as UTF-8 (a string holds bytes that are not)');
  }
}

/** What is wrong with a JSON body body-parser could not parse, for the 400. */
export function jsonParseFailure(err: { message?: string; body?: unknown }): string {
  const body = typeof err.body === 'string' ? err.body.trimStart() : '';
  if (body !== '' && body[0] !== '{' && body[0] !== '[') return 'request body must be a JSON object or array';
  if (/call stack/i.test(err.message ?? '')) return 'request body is nested too deep to read';
  return `request body is not valid JSON: ${err.message ?? 'it could not be parsed'}`;
}
