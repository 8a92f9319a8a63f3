import type { RequestHandler, Response } from 'express';

// The API answers data, never a page: a browser that opens one (a JSON body, a CSV) runs and
// loads nothing from it, and no page may frame it.
const API_POLICY = "default-src 'none'; frame-ancestors 'none'";

// The console (src/console-assets.ts): its own scripts and styles only — Vite emits no inline
// script, and React sets style props through the CSSOM, which style-src does not govern — its
// API on the same origin, the inline SVG favicon (data:), nothing framed, and nobody frames it.
export const CONSOLE_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Headers on every answer: not sniffed (a JSON or CSV body read as HTML), not framed
 * (clickjacking), no Referer sent on, and `Cache-Control: no-store` — answers carry contacts'
 * personal data and are for the token that asked, never for a shared or disk cache. The console's
 * assets set their own caching and policy (consoleAssetsRouter).
 */
export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Content-Security-Policy', API_POLICY);
  res.setHeader('Cache-Control', 'no-store');
  next();
};

/** For the console's page and assets: the policy a page needs instead of the API's, and their own caching. */
export function useConsolePolicy(res: Response): void {
  res.setHeader('Content-Security-Policy', CONSOLE_POLICY);
  // They hold no personal data; express.static sets its own Cache-Control only where none is set.
  res.removeHeader('Cache-Control');
}

/**
 * The website widget's public API (`/public/api/…`) may be called from any site, as Chatwoot's
 * (its rack-cors allows every origin there): a chat widget of the customer's own runs on the
 * customer's pages. Never with credentials — these routes use none (the inbox identifier and the
 * visitor's source_id are in the path) — and nowhere else: the account API and sign-in answer no
 * CORS header, so another site's script cannot read them (the console is on the same origin and
 * holds its token in sessionStorage, sent as a header, never a cookie). A preflight is answered
 * here, before the rate limit counts it.
 */
export const publicApiCors: RequestHandler = (req, res, next) => {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', 'X-Request-Id, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset');
  if (req.method !== 'OPTIONS') return next();
  // Any method and any header, as Chatwoot's rack-cors (`methods: :any, headers: :any`): its
  // widget sends X-Auth-Token on every call, and a browser refused a header left off this list.
  // Harmless without credentials; a method a path does not take is still its 405.
  res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', requestedHeaders(req.get('access-control-request-headers')));
  res.setHeader('Vary', 'Access-Control-Request-Headers');
  res.setHeader('Access-Control-Max-Age', '600');
  res.status(204).end();
};

/** The headers a preflight asks for, when they are a list of header names; else the ones every call may send. */
function requestedHeaders(asked: string | undefined): string {
  const names = (asked ?? '').split(',').map((name) => name.trim()).filter(Boolean);
  const valid = names.length > 0 && names.length <= 50 && names.every((name) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/.test(name));
  return valid ? names.join(', ') : 'Content-Type, X-Request-Id';
}
