import { createApiClient, type Session } from '../api/client';
import type { Role } from '../shell/session';

export class SignInRefused extends Error {}

/**
 * Checks a session against the API and finds the user's role and name. No endpoint tells the
 * role yet, so it is read from the API's own rule: POST /labels with an empty body is refused
 * with 403 to an agent before validation, and with 422 (nothing created) to an administrator.
 */
export async function checkSession(session: Session): Promise<{ role: Role; userName: string | null }> {
  const client = createApiClient(session);
  const account_id = String(session.accountId);
  const list = await client.GET('/api/v1/accounts/{account_id}/contacts', { params: { path: { account_id }, query: { per_page: 1 } } });
  if (list.response.status === 401 || list.response.status === 404) throw new SignInRefused();
  if (!list.response.ok) throw new Error(`the API answered ${list.response.status}`);
  const probe = await client.POST('/api/v1/accounts/{account_id}/labels', { params: { path: { account_id } }, body: {} as never });
  const role: Role = probe.response.status === 403 ? 'agent' : 'administrator';
  let userName: string | null = null;
  try {
    // Not in the API yet (another issue adds it); used when it answers.
    const profile = await fetch('/api/v1/profile', { headers: { api_access_token: session.token } });
    if (profile.ok) userName = ((await profile.json()) as { name?: string }).name ?? null;
  } catch {
    userName = null;
  }
  return { role, userName };
}
