import type { RequestHandler, Response } from 'express';
import { isUtf8 } from 'node:buffer';
import { lossyNumberLiterals } from './decimal-text';
import { BadRequestError, ValidationError } from './errors';
import { quotedKey } from './text';

const LONE_SURROGATE = /\p{Cs}/u;
const LONE_SURROGATE_IS = ' holds a lone surrogate, which is not a Unicode character (a UTF-16 pair must be whole)';

/** A key or index as a path shows it: `.name`, `[2]`, or `["a b"]` when it is no plain name. */
const pathStep = (key: string | number): string =>
  typeof key === 'number' ? `[${key}]` : /^[A-Za-z_][A-Za-z0-9_]{0,39}$/.test(key) ? `.${key}` : `[${quotedKey(key)}]`;

/** A place in a body: its key or index, the place holding it and its depth; its path is written only when one is named. */
type Place = { key: string | number; parent?: Place; depth: number };

const pathOf = (place: Place): string => {
  const steps: string[] = [];
  for (let at: Place | undefined = place; at; at = at.parent) steps.push(pathStep(at.key));
  return steps.reverse().join('').replace(/^\./, '');
};

/**
 * How deep a body may nest. The parser reads any depth the size limit lets through (1 MB of `[`
 * is 500,000 levels), and whatever reads a value after it — a message quoting it with
 * JSON.stringify, a validator — would recurse as deep and overflow the stack (a 500). No body
 * means more: a filter's groups nest 5 deep, attribute values 20.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * The first value of a parsed JSON body that no store can keep, as a 422 naming where it is
 * (`payload[1].values[1]`, the path a filter's own errors use): a number literal beyond a
 * double's range (`1e400`) parses to Infinity, which no field can mean, JSON cannot write back (a
 * response would show null) and the local MongoDB-wire server refuses to store (a 500 for it in
 * free-form attributes, where MongoDB would keep it); a number literal whose digits the parse
 * changed (`lossy`, from lossyNumberLiterals: a Facebook id of 17 digits in custom_attributes was
 * stored with its last digit changed, as Chatwoot's Postgres would not); a lone surrogate
 * (`\ud800` escaped in JSON) is no character: BSON, the index and any UTF-8 writer turn it into
 * U+FFFD, so what was stored would not be what was answered. Checked once, for every route,
 * without recursion; a body nested deeper than MAX_JSON_DEPTH is a 400.
 */
export function unstorableJson(body: unknown, lossy?: ReadonlyMap<number, string>): ValidationError | BadRequestError | undefined {
  const pending: [unknown, Place | undefined][] = [[body, undefined]];
  while (pending.length) {
    const [value, place] = pending.pop()!;
    if (place && place.depth > MAX_JSON_DEPTH) return new BadRequestError(`request body is nested too deep to read: at most ${MAX_JSON_DEPTH} levels`);
    const depth = (place?.depth ?? 0) + 1;
    const refused = (what: string) => {
      const path = place && pathOf(place);
      return new ValidationError(`${path ?? 'the request body'}${what}`, path);
    };
    if (typeof value === 'number' && !Number.isFinite(value)) return refused(' is a number beyond what a double holds (about ±1.8e308)');
    const literal = typeof value === 'number' ? lossy?.get(value) : undefined;
    if (literal !== undefined) {
      return refused(
        ` is ${literal}, a number with more digits than a JSON number keeps here (a double: every whole number up to 9007199254740991, only some past it; this one would be ${value}): send it as text, "${literal}"`,
      );
    }
    if (typeof value === 'string' && LONE_SURROGATE.test(value)) return refused(LONE_SURROGATE_IS);
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) pending.push([value[i], { key: i, parent: place, depth }]);
    } else if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value);
      const lone = keys.find((key) => LONE_SURROGATE.test(key));
      if (lone !== undefined) {
        const path = place && pathOf(place);
        return new ValidationError(`the key ${JSON.stringify(lone)}${path ? ` in ${path}` : ''}${LONE_SURROGATE_IS}`, path);
      }
      for (let i = keys.length - 1; i >= 0; i--) pending.push([(value as Record<string, unknown>)[keys[i]], { key: keys[i], parent: place, depth }]);
    }
  }
  return undefined;
}

/** The largest JSON body any route reads, in bytes (after any Content-Encoding is undone). */
export const JSON_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * express.json's `verify`, for a body declared UTF-8 (the default). Bytes that are not UTF-8 are
 * refused: the decoder would turn them into U+FFFD and the route would store that, changed
 * without a word. Then the body's number literals that lose digits are kept for unstorableJson:
 * only the parser's input still holds them.
 */
export function verifyJsonBody(_req: unknown, res: Response, buf: Buffer, encoding: string): void {
  if (!/^utf-?8$/i.test(encoding)) return;
  if (!isUtf8(buf)) throw new BadRequestError('request body is not valid UTF-8: JSON must be sent as UTF-8 (a string holds bytes that are not)');
  const lossy = lossyNumberLiterals(buf);
  if (lossy.size) res.locals.lossyNumbers = lossy;
}

// Charsets that are ASCII below 128: a JSON text in them that is ASCII is the same text in UTF-8.
const ASCII_CHARSETS = /^(iso-8859-1|latin-?1|us-ascii|ascii|windows-1252|cp1252)$/i;

/**
 * A JSON body labelled with an ASCII-based charset (Apache HttpClient's default ISO-8859-1) is
 * read as UTF-8, as Rails reads JSON whatever its label says and as forms are read here: it was a
 * 415 "unsupported charset", refusing a client Chatwoot takes. Bytes that are not UTF-8 are still
 * a 400 (utf8Only), never stored garbled.
 */
export const jsonCharsetAsUtf8: RequestHandler = (req, _res, next) => {
  const type = req.headers['content-type'];
  if (type && /^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(type);
    if (charset && ASCII_CHARSETS.test(charset[1])) req.headers['content-type'] = type.replace(charset[0], '; charset=utf-8');
  }
  next();
};

/**
 * What is wrong with a JSON body body-parser could not parse, for the 400. `contentType`, the
 * request's: a body labelled UTF-16 is decoded as UTF-16, so one sent as UTF-8 under that label
 * reads as CJK characters, and was told only that it "must be a JSON object or array".
 */
export function jsonParseFailure(err: { message?: string; body?: unknown }, contentType = ''): string {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType)?.[1];
  if (charset && !/^utf-?8$/i.test(charset)) {
    return `request body is not valid JSON when read as ${charset.toUpperCase()}, the charset its Content-Type names: JSON sent as UTF-8 must say charset=utf-8, or name no charset`;
  }
  const body = typeof err.body === 'string' ? err.body.trimStart() : '';
  if (body !== '' && body[0] !== '{' && body[0] !== '[') return 'request body must be a JSON object or array';
  return `request body is not valid JSON: ${err.message ?? 'it could not be parsed'}`;
}
