// A query parameter whose name says it holds a credential. The API reads none from the query
// string (tokens only from the api_access_token header), but a client that puts one there by
// mistake must not have it written to the logs.
const SECRET_PARAM = /([?&][^=&#]*(?:token|password|secret|hash|api_key|auth)[^=&#]*=)[^&#]*/gi;

/** The URL for a log line: each credential-like query value replaced by [redacted]. */
export function loggableUrl(url: string): string {
  return url.includes('?') ? url.replace(SECRET_PARAM, '$1[redacted]') : url;
}

/** `text` with each of `secrets` (at least 4 characters long) replaced by [redacted]. */
export function withoutSecrets(text: string, secrets: readonly string[]): string {
  return secrets.filter((secret) => secret.length >= 4).reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}
