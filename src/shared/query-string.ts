import type { RequestHandler } from 'express';
import { BadRequestError } from './errors';
import { shownName } from './rails-form';

/**
 * A query string whose percent-escapes are not UTF-8 (`q=Jos%E9` from a Latin-1 client, `%ZZ`, a
 * cut sequence) is a 400 naming the parameter, as Rack (Chatwoot's server) answers it and as a
 * path segment or a form field here is: the query parser kept such a value as typed, and a search
 * for "Jos%E9" answered nothing with a 200.
 */
export const percentEncodedQuery: RequestHandler = (req, _res, next) => {
  const at = req.originalUrl.indexOf('?');
  if (at < 0) return next();
  for (const pair of req.originalUrl.slice(at + 1).split('&')) {
    try {
      decodeURIComponent(pair.replace(/\+/g, ' '));
    } catch {
      return next(new BadRequestError(`the query string is not valid percent-encoding (escapes must be UTF-8): ${shownName(pair)}`));
    }
  }
  next();
};
