import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './openapi';

// Typed from the service's own OpenAPI document (npm run gen:api-types writes openapi.d.ts
// from the routers' declarations), so a call the API does not answer fails the typecheck.
export type Contact = components['schemas']['Contact'];
export type ContactList = components['schemas']['ContactList'];
export type ContactPatch = NonNullable<paths['/api/v1/accounts/{account_id}/contacts/{id}']['patch']['requestBody']>['content']['application/json'];
export type ApiError = { error: string; field?: string; request_id?: string };

export interface Session {
  accountId: number;
  token: string;
  /** `session`: a sign-in's session token (ended by DELETE /auth/sign_out); `api`: the user's API token, pasted. */
  kind: 'session' | 'api';
}

const SESSION_KEY = 'contacts.session';

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<Session>;
    if (!Number.isInteger(parsed.accountId) || typeof parsed.token !== 'string') return null;
    return { accountId: parsed.accountId!, token: parsed.token, kind: parsed.kind === 'session' ? 'session' : 'api' };
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null): void {
  if (session) sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(SESSION_KEY);
}

const ENDED_KEY = 'contacts.session-ended';

/**
 * Whether the last session was ended elsewhere (a 401). Kept in sessionStorage beside the session,
 * so that the sign-in screen still says why it shows after a reload, until the next sign-in: a
 * call in flight when the token was ended clears the session, and a reload then used to show the
 * plain sign-in screen.
 */
export function loadSessionEnded(): boolean {
  try {
    return sessionStorage.getItem(ENDED_KEY) === '1';
  } catch {
    return false;
  }
}

export function saveSessionEnded(ended: boolean): void {
  if (ended) sessionStorage.setItem(ENDED_KEY, '1');
  else sessionStorage.removeItem(ENDED_KEY);
}

export type Client = ReturnType<typeof createClient<paths>>;

/**
 * A session as the screens hold it: `onUnauthorized` is told of a 401 (the token was revoked or
 * signed out elsewhere), `onForbidden` of a 403 (the user's role may have changed elsewhere).
 */
export type CallingSession = Session & { onUnauthorized?: () => void; onForbidden?: () => void };

export function createApiClient(session: CallingSession): Client {
  const client = createClient<paths>({ baseUrl: window.location.origin });
  const auth: Middleware = {
    onRequest({ request }) {
      request.headers.set('api_access_token', session.token);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) session.onUnauthorized?.();
      if (response.status === 403) session.onForbidden?.();
      return response;
    },
    // No answer at all (the service stopped, the network down): an error answer like the API's,
    // so every screen shows it where it shows the API's errors and gives its buttons back.
    onError() {
      return unreachableResponse();
    },
  };
  client.use(auth);
  return client;
}

/** Raw fetch with the token, for what openapi-fetch does not model (CSV downloads, uploads). */
export async function authorizedFetch(session: CallingSession, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('api_access_token', session.token);
  const res = await fetch(`/api/v1/accounts/${session.accountId}${path}`, { ...init, headers }).catch(() => unreachableResponse());
  if (res.status === 401) session.onUnauthorized?.();
  return res;
}

// In the console's language: the I18nProvider sets them, as it sets <html lang>.
let unexpectedErrorText = 'Unexpected error';
let unreachableText = 'The service cannot be reached. Check the connection and try again.';
export function setUnexpectedErrorText(text: string, unreachable: string): void {
  unexpectedErrorText = text;
  unreachableText = unreachable;
}

/** What a call that got no answer resolves to: a 503 with the API's error shape. */
function unreachableResponse(): Response {
  return new Response(JSON.stringify({ error: unreachableText }), { status: 503, headers: { 'content-type': 'application/json' } });
}

/** The message of an error answer (the API answers {error, field}), or a generic one (a proxy's HTML page, say). */
export function errorOf(error: unknown): ApiError {
  if (error && typeof error === 'object' && 'error' in error && typeof (error as ApiError).error === 'string') return error as ApiError;
  return { error: unexpectedErrorText };
}

/** Saves a response body as a file named by its Content-Disposition, or by `fallback`. */
export async function download(res: Response, fallback: string): Promise<void> {
  saveAs(await res.blob(), res, fallback);
}

/** Saves a body already read (`blob`) as `res` names it (Content-Disposition), or as `fallback`. */
export function saveAs(blob: Blob, res: Response, fallback: string): void {
  const name = /filename="?([^";]+)"?/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallback;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
