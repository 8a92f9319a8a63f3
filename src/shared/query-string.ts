import type { RequestHandler } from 'express';
import { BadRequestError } from './errors';
import { shownName } from './rails-form';

/**
 * The most parameters a query string may hold: the query parser (qs) reads this many and drops
 * the rest without a word, so a `page` after a thousand others was ignored and a list answered.
 */
export const MAX_QUERY_PARAMETERS = 1000;

/**
 * A query string the parser would read otherwise than it was written is a 400: one of more than
 * MAX_QUERY_PARAMETERS parameters, or one whose percent-escapes are not UTF-8 (`q=Jos%E9` from
 * a Latin-1 client, `%ZZ`, a cut sequence), naming the parameter, as Rack (Chatwoot's server)
 * answers it and as a path segment or a form field here is: the query parser kept such a value
 * as typed, and a search for "Jos%E9" answered nothing with a 200.
 */
export const readableQueryString: RequestHandler = (req, _res, next) => {
  const at = req.originalUrl.indexOf('?');
  if (at < 0) return next();
  const pairs = req.originalUrl.slice(at + 1).split('&');
  if (pairs.length > MAX_QUERY_PARAMETERS) {
    return next(new BadRequestError(`the query string holds ${pairs.length} parameters; at most ${MAX_QUERY_PARAMETERS} are read`));
  }
  for (const pair of pairs) {
    try {
      decodeURIComponent(pair.replace(/\+/g, ' '));
    } catch {
      return next(new BadRequestError(`the query string is not valid percent-encoding (escapes must be UTF-8): ${shownName(pair)}`));
    }
  }
  next();
};
