import createClient from 'openapi-fetch';
import { createApiClient, type Session } from '../api/client';
import type { paths } from '../api/openapi';
import type { Role } from '../shell/session';

/** The credentials were refused (401), or the token's user is not a member of the account. */
export class SignInRefused extends Error {}
/** Too many sign-in attempts (429): `retryAfterSeconds` from its Retry-After, null when it has none. */
export class SignInLimited extends Error {
  constructor(readonly retryAfterSeconds: number | null) {
    super('too many sign-in attempts');
  }
}

/** Retry-After as seconds: a number of seconds or an HTTP date (RFC 9110 §10.2.3); null when neither. */
export function retryAfterSeconds(header: string | null): number | null {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

export interface UserAccount {
  id: number;
  name: string;
  role: Role;
}

export interface PasswordSignIn {
  token: string;
  name: string;
  accounts: UserAccount[];
}

/** POST /auth/sign_in: a new session token and the accounts the user may choose from. */
export async function signInWithPassword(email: string, password: string): Promise<PasswordSignIn> {
  const client = createClient<paths>({ baseUrl: window.location.origin });
  const { data, response } = await client.POST('/auth/sign_in', { body: { email: email.trim(), password } });
  if (response.status === 401) throw new SignInRefused();
  if (response.status === 429) throw new SignInLimited(retryAfterSeconds(response.headers.get('retry-after')));
  if (!data) throw new Error(`the API answered ${response.status}`);
  return { token: data.data.access_token, name: data.data.name, accounts: data.data.accounts };
}

/**
 * Checks a session against the API and finds the user's name and role in the session's account,
 * from GET /api/v1/profile (its accounts carry the role in each).
 */
export interface Who {
  role: Role;
  userName: string | null;
  /** The account's name, shown in the header (a user of several accounts tells them apart by it). */
  accountName: string;
  /** The user's id: notes carry their author's, and only the author (or an administrator) may change one. */
  userId: number;
}

export async function checkSession(session: Session): Promise<Who> {
  const { data, response } = await createApiClient(session).GET('/api/v1/profile');
  if (response.status === 401) throw new SignInRefused();
  if (!data) throw new Error(`the API answered ${response.status}`);
  const account = data.accounts.find((a) => a.id === session.accountId);
  if (!account) throw new SignInRefused();
  return { role: account.role, userName: data.name, accountName: account.name, userId: data.id };
}

/** DELETE /auth/sign_out for a session token (an API token is left alone: it is the user's, for scripts). */
export async function endSession(session: Session): Promise<void> {
  if (session.kind !== 'session') return;
  try {
    await createApiClient(session).DELETE('/auth/sign_out');
  } catch {
    // Signing out locally goes ahead: the token expires on its own.
  }
}
