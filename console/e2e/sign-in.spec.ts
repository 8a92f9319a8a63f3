import { randomUUID } from 'node:crypto';
import { createContacts, expect, screenshot, signIn, signInWithToken, test } from './support';

const profileStatus = async (token: string) =>
  (await fetch(`${process.env.E2E_BASE_URL}/api/v1/profile`, { headers: { api_access_token: token } })).status;

test('when an administrator signs in with email and password, then the list shows with their name and role, and signing out ends the session', async ({ page, account }) => {
  await createContacts(account, [{ name: 'Ana Admin-View', email: 'ana@example.com' }]);
  await page.goto('/');
  await expect(page).toHaveURL(/\/app\/$/);
  await screenshot(page, 'sign-in');
  await signIn(page, account);
  await expect(page.getByTestId('who')).toContainText('Ada Admin');
  // The account by its name (the fixture's "e2e <uuid>"), not "Account 7".
  await expect(page.getByTestId('who')).toContainText(/ · e2e [0-9a-f-]{36} · /);
  await expect(page.getByTestId('who')).toContainText('administrator');
  await expect(page.getByTestId('count')).toHaveText('1 contact');

  await page.reload();
  await expect(page.getByTestId('who')).toContainText('administrator');

  const storedSession = () => page.evaluate<string | null>("sessionStorage.getItem('contacts.session')");
  const stored = JSON.parse((await storedSession()) ?? 'null') as { token: string; kind: string } | null;
  expect(stored?.kind).toBe('session');
  expect(await profileStatus(stored!.token)).toBe(200);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to Contacts' })).toBeVisible();
  expect(await storedSession()).toBeNull();
  // DELETE /auth/sign_out ended the session token; the user's API token is untouched.
  expect(await profileStatus(stored!.token)).toBe(401);
  expect(await profileStatus(account.adminToken)).toBe(200);
});

// A reload while the restored session was being checked (the check aborted), or the service away
// for a moment, forgot the session: the user was signed out.
test('when the session check after a reload fails for a moment, then the session is kept and checked again; a refusal still ends it', async ({ page, account }) => {
  await createContacts(account, [{ name: 'Kept Session' }]);
  await signIn(page, account);
  await expect(page.getByTestId('count')).toHaveText('1 contact');
  let failures = 2;
  await page.route('**/api/v1/profile', (route) => (failures-- > 0 ? route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":"away"}' }) : route.continue()));
  await page.reload();
  await expect(page.getByTestId('count')).toHaveText('1 contact');
  expect(failures).toBeLessThan(0);

  await page.route('**/api/v1/profile', (route) => route.fulfill({ status: 401, contentType: 'application/json', body: '{"error":"invalid api_access_token"}' }));
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Sign in to Contacts' })).toBeVisible();
});

test('when an agent signs in, then the role shown is agent and administrator-only actions are explained', async ({ page, account }) => {
  await signIn(page, account, 'agent');
  await expect(page.getByTestId('who')).toContainText('Alan Agent');
  await expect(page.getByTestId('who')).toContainText('agent');
  await page.getByRole('button', { name: 'Administration', exact: true }).click();
  await expect(page.getByText('Administrators only')).toBeVisible();
});

test('when a user of two accounts signs in, then they pick the account and see their role in it', async ({ page, account, deps }) => {
  const second = await deps.services.accounts.createAccount(`e2e second ${randomUUID()}`);
  await deps.services.accounts.addMember(second.id, { role: 'agent', name: 'Ada Admin', email: account.admin.email });
  await page.goto('/app/');
  await page.getByLabel('Email').fill(account.admin.email);
  await page.getByLabel('Password').fill(account.admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Choose an account' })).toBeVisible();
  await page.getByRole('combobox', { name: 'Account' }).selectOption(String(second.id));
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByTestId('who')).toContainText(second.name);
  await expect(page.getByTestId('who')).toContainText('agent');
});

test('when a user whose email is in another script signs in, typing it in capitals, then the browser lets it through and the service finds them', async ({ page, account, deps }) => {
  // A field of type email would refuse ü before the @ (and send the domain as punycode).
  const email = `ünal-${randomUUID()}@örnek.test`;
  const password = `pw-${randomUUID()}`;
  await deps.services.accounts.addMember(account.id, { role: 'agent', name: 'Ünal Agent', email, password });
  await page.goto('/app/');
  await page.getByLabel('Email').fill(email.toUpperCase());
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('who')).toContainText('Ünal Agent');
});

test('when the password is wrong, then the sign-in screen says so', async ({ page, account }) => {
  await page.goto('/app/');
  await page.getByLabel('Email').fill(account.admin.email);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('That email and password were refused.');
});

// "not a member of any account yet" told a member an administrator had removed that they were new.
test('when a member removed from their only account signs in, then the screen says they belong to no account and who can add them', async ({ page, account }) => {
  const agents = await account.api<{ id: number; email: string }[]>('GET', '/agents');
  const agent = agents.body.find((a) => a.email === account.agent.email)!;
  expect((await account.api('DELETE', `/agents/${agent.id}`)).status).toBe(200);
  await page.goto('/app/');
  await page.getByLabel('Email').fill(account.agent.email);
  await page.getByLabel('Password').fill(account.agent.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('You are not a member of any account. An administrator of an account can add you to it.');
});

test('when an API user signs in with the account id and token, then the role shows, and a wrong token is refused', async ({ page, account }) => {
  await signInWithToken(page, account, account.agentToken);
  await expect(page.getByTestId('who')).toContainText('Alan Agent');
  await expect(page.getByTestId('who')).toContainText('agent');
  await page.getByRole('button', { name: 'Sign out' }).click();
  // An API token is the user's, for scripts: signing out of the console leaves it valid.
  expect(await profileStatus(account.agentToken)).toBe(200);

  await page.getByRole('button', { name: 'Use an access token instead' }).click();
  await page.getByLabel('Account id').fill(String(account.id));
  await page.getByLabel('API access token').fill('not-a-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('That account id and token were refused.');
});

test('when the language is switched to Spanish, then the console speaks Spanish', async ({ page, account }) => {
  await signIn(page, account);
  await page.getByLabel('Language').selectOption('es');
  await expect(page.getByRole('button', { name: 'Salir' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Todos los contactos' })).toBeVisible();
});

test('when the console loads, then it declares its own icon, so the browser asks for no /favicon.ico, and nothing it asks for is missing', async ({ page, account }) => {
  const missing: string[] = [];
  page.on('response', (response) => {
    if (response.status() === 404) missing.push(response.url());
  });
  await signIn(page, account);
  await page.reload();
  await expect(page.getByTestId('who')).toBeVisible();
  // Headless Chromium never asks for a favicon; a browser with a window asks /favicon.ico (a 404) unless the page names one.
  await expect(page.locator('link[rel="icon"]')).toHaveAttribute('href', /^data:image\/svg\+xml,/);
  expect(missing).toEqual([]);
});

test('when the session is ended elsewhere, then the next call returns to the sign-in screen saying so, and signing in again comes back to the same list', async ({ page, account }) => {
  await createContacts(account, [{ name: 'Sol Session' }]);
  await account.api('POST', '/labels', { label: { title: 'kept' } });
  await signIn(page, account);
  await page.getByRole('button', { name: 'kept', exact: true }).click();
  await expect(page.getByRole('heading', { name: '# kept' })).toBeVisible();
  // Nothing else in flight: the sort's read is to be the call that finds the session ended.
  await page.waitForLoadState('networkidle');
  const stored = JSON.parse((await page.evaluate<string | null>("sessionStorage.getItem('contacts.session')")) ?? 'null') as { token: string };
  // Signed out in another tab: the token is ended.
  await fetch(`${process.env.E2E_BASE_URL}/auth/sign_out`, { method: 'DELETE', headers: { api_access_token: stored.token } });
  expect(await profileStatus(stored.token)).toBe(401);

  await page.getByRole('button', { name: 'Name', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to Contacts' })).toBeVisible();
  await expect(page.getByTestId('sign-in-notice')).toHaveText('Your session has ended (signed out elsewhere or revoked). Sign in again to go on.');
  await expect(page.getByText('invalid api_access_token')).toHaveCount(0);
  // A reload of the sign-in screen still says why it shows.
  await page.reload();
  await expect(page.getByTestId('sign-in-notice')).toContainText('Your session has ended');

  await page.getByLabel('Email').fill(account.admin.email);
  await page.getByLabel('Password').fill(account.admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: '# kept' })).toBeVisible();
  await expect(page.getByTestId('sign-in-notice')).toHaveCount(0);
});

test('when a reload finds the session ended, then the sign-in screen says so', async ({ page, account }) => {
  await signIn(page, account);
  const stored = JSON.parse((await page.evaluate<string | null>("sessionStorage.getItem('contacts.session')")) ?? 'null') as { token: string };
  await fetch(`${process.env.E2E_BASE_URL}/auth/sign_out`, { method: 'DELETE', headers: { api_access_token: stored.token } });
  await page.reload();
  await expect(page.getByTestId('sign-in-notice')).toContainText('Your session has ended');
});

test('when a user signs in, then the header names the account by its name, not its number', async ({ page, account }) => {
  const profile = (await (await fetch(`${process.env.E2E_BASE_URL}/api/v1/profile`, { headers: { api_access_token: account.adminToken } })).json()) as { accounts: { id: number; name: string }[] };
  const name = profile.accounts.find((a) => a.id === account.id)!.name;
  await signIn(page, account);
  await expect(page.getByTestId('who')).toHaveText(`Ada Admin · ${name} · administrator`);
});

test('when sign-in is rate limited, then the message says how long to wait, from Retry-After', async ({ page }) => {
  let wait = '120';
  await page.route('**/auth/sign_in', (route) =>
    route.fulfill({ status: 429, contentType: 'application/json', headers: { 'Retry-After': wait }, body: JSON.stringify({ error: 'too many sign-in attempts' }) }));
  await page.goto('/app/');
  await page.getByLabel('Email').fill('someone@test.local');
  await page.getByLabel('Password').fill('whatever');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Too many attempts. Try again in 2 minutes.');
  wait = '45';
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Too many attempts. Try again in 45 seconds.');
  await page.getByRole('combobox', { name: 'Language' }).selectOption('es');
  await page.getByRole('button', { name: 'Entrar' }).click();
  await expect(page.getByRole('alert')).toHaveText('Demasiados intentos. Vuelve a probar dentro de 45 segundos.');
});
