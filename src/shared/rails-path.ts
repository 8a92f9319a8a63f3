import type { RequestHandler } from 'express';

// The API's paths, as Rails routes them for Chatwoot: the account API and the widget's.
const API_PATH = /^\/(public\/)?api\/v1\//;
// The format suffix on the account API only: the widget's paths end in a visitor's source_id, which
// the visitor chooses and may end in ".json" (its path then named another visitor, or none).
const ACCOUNT_API_PATH = /^\/api\/v1\//;
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * A path as Chatwoot's Rails server reads it, before routing:
 * - on the account API, a `.json` format suffix is dropped (`/contacts/7.json` is `/contacts/7`: Rails
 *   routes take an optional `(.:format)`, and older scripts write it; it was a 404 "contact 7.json not found");
 * - an escaped unreserved character is that character (`%34%37` is `47`, RFC 3986 §6.2.2.2: it was
 *   a 404 for a contact that exists, saying "no route for" a route that exists).
 * Other escapes (`%2F`, a space) stay as sent, for the route's own parameters to decode.
 */
export const railsPath: RequestHandler = (req, _res, next) => {
  const at = req.url.indexOf('?');
  const path = at < 0 ? req.url : req.url.slice(0, at);
  if (!API_PATH.test(path)) return next();
  let read = unescapeUnreserved(path);
  if (ACCOUNT_API_PATH.test(read)) read = read.replace(/([^/])\.json$/, '$1');
  if (read !== path) req.url = read + (at < 0 ? '' : req.url.slice(at));
  next();
};

/** The text with each escaped unreserved character (`%34`, `%7E`) written as itself; other escapes kept. */
export function unescapeUnreserved(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : escape;
  });
}
