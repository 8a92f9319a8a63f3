import { unescapeUnreserved } from './rails-path';

// A query parameter whose name says it holds a credential. The API reads none from the query
// string (tokens only from the api_access_token header), but a client that puts one there by
// mistake must not have it written to the logs. The name is read decoded, in any case, without
// its - and _: `apiKey`, `API-KEY` and `toke%6E` named credentials that were logged in clear.
const SECRET_NAME = /token|passw|pwd|secret|hash|apikey|accesskey|privatekey|auth|credential|signature|session|jwt/;
const SECRET_NAMES = new Set(['key', 'sig', 'code', 'pass']);
// A website visitor's source_id is their credential in the widget's routes (it opens their
// conversations): the path segment after /contacts/ there.
// In any case and with its letters escaped or not, as the router matches it: `/PUBLIC/…/SRC123` and
// `…/contact%73/SRC123` reached the widget's route and were logged in clear.
const VISITOR_PATH = /^(\/public\/api\/v1\/inboxes\/[^/?#]+\/contacts\/)[^/?#]+/i;

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

const isSecretName = (rawName: string) => {
  const name = decoded(rawName).toLowerCase().replace(/[-_\s.[\]]/g, '');
  return SECRET_NAME.test(name) || SECRET_NAMES.has(name);
};

/** The URL for a log line: a visitor's source_id and each credential-like query value replaced by [redacted]. */
export function loggableUrl(raw: string): string {
  const pathEnd = raw.search(/[?#]/);
  const path = pathEnd < 0 ? raw : raw.slice(0, pathEnd);
  const url = unescapeUnreserved(path).replace(VISITOR_PATH, '$1[redacted]') + (pathEnd < 0 ? '' : raw.slice(pathEnd));
  const start = url.indexOf('?');
  if (start < 0) return url;
  const end = url.indexOf('#', start);
  const query = url.slice(start + 1, end < 0 ? undefined : end);
  const redacted = query
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      return equals >= 0 && isSecretName(pair.slice(0, equals)) ? `${pair.slice(0, equals)}=[redacted]` : pair;
    })
    .join('&');
  return `${url.slice(0, start + 1)}${redacted}${end < 0 ? '' : url.slice(end)}`;
}

/** `text` with each of `secrets` (at least 4 characters long) replaced by [redacted]. */
export function withoutSecrets(text: string, secrets: readonly string[]): string {
  return secrets.filter((secret) => secret.length >= 4).reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}
