import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { testConfig } from '../../test/support/context';
import { createDependencies } from '../../src/dependencies';
import { createLogger } from '../../src/shared/logger';

export interface E2eAccount {
  id: number;
  adminToken: string;
  agentToken: string;
  /** Each user's email and password, for the console's sign-in. */
  admin: { email: string; password: string };
  agent: { email: string; password: string };
  /** A call to the account's API as its administrator: the same public API the console uses. */
  api: <T = unknown>(method: string, suffix: string, body?: unknown) => Promise<{ status: number; body: T }>;
}

type Dependencies = Awaited<ReturnType<typeof createDependencies>>;

/**
 * Accounts and users are made through the accounts service (there is no public route for
 * them), as the API tests do; everything else goes through the HTTP API the browser uses.
 */
export const test = base.extend<{ account: E2eAccount }, { deps: Dependencies }>({
  deps: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const config = testConfig();
      const deps = await createDependencies(config, createLogger(config.LOG_LEVEL));
      await use(deps);
      await deps.close();
    },
    { scope: 'worker' },
  ],
  account: async ({ deps }, use) => {
    const account = await deps.services.accounts.createAccount(`e2e ${randomUUID()}`);
    const adminLogin = { email: `ada-${randomUUID()}@test.local`, password: `pw-${randomUUID()}` };
    const agentLogin = { email: `alan-${randomUUID()}@test.local`, password: `pw-${randomUUID()}` };
    const admin = await deps.services.accounts.createUser({ accountId: account.id, role: 'administrator', name: 'Ada Admin', ...adminLogin });
    const agent = await deps.services.accounts.createUser({ accountId: account.id, role: 'agent', name: 'Alan Agent', ...agentLogin });
    const api: E2eAccount['api'] = async (method, suffix, body) => {
      const res = await fetch(`${process.env.E2E_BASE_URL}/api/v1/accounts/${account.id}${suffix}`, {
        method,
        headers: { api_access_token: admin.accessToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: (text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as never };
    };
    await use({ id: account.id, adminToken: admin.accessToken, agentToken: agent.accessToken, admin: adminLogin, agent: agentLogin, api });
  },
});

export { expect };

/** Creates contacts through the API and waits until the list (the search index) holds them all. */
export async function createContacts(account: E2eAccount, contacts: Record<string, unknown>[]): Promise<number[]> {
  const ids: number[] = [];
  for (const contact of contacts) {
    const res = await account.api<{ payload: { contact: { id: number } } }>('POST', '/contacts', contact);
    if (res.status !== 200) throw new Error(`contact not created: ${res.status} ${JSON.stringify(res.body)}`);
    ids.push(res.body.payload.contact.id);
  }
  await expect
    .poll(async () => (await account.api<{ meta: { count: number } }>('GET', '/contacts?per_page=1')).body.meta.count, { timeout: 20_000 })
    .toBeGreaterThanOrEqual(contacts.length);
  return ids;
}

/** Signs in with email and password, as the administrator unless told (a user of one account goes straight in). */
export async function signIn(page: Page, account: E2eAccount, who: 'admin' | 'agent' = 'admin'): Promise<void> {
  await page.goto('/app/');
  await page.getByLabel('Email').fill(account[who].email);
  await page.getByLabel('Password').fill(account[who].password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('who')).toBeVisible();
}

/** Signs in with the account id and an API access token (the form behind "Use an access token instead"). */
export async function signInWithToken(page: Page, account: E2eAccount, token = account.adminToken): Promise<void> {
  await page.goto('/app/');
  await page.getByRole('button', { name: 'Use an access token instead' }).click();
  await page.getByLabel('Account id').fill(String(account.id));
  await page.getByLabel('API access token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('who')).toBeVisible();
}

/** Saves a screenshot of a main screen: .local/screenshots by default, docs/screenshots for the README (E2E_SCREENSHOTS=docs/screenshots). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = path.resolve(__dirname, '..', '..', process.env.E2E_SCREENSHOTS ?? '.local/screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/** The visible names of the list's rows, top to bottom. */
export async function rowNames(page: Page): Promise<string[]> {
  return page.getByTestId('contact-row').locator('td:nth-child(2)').allTextContents();
}

/**
 * The elements whose right edge passes the screen's, named by tag, class and text, innermost
 * first: an empty list means nothing is wider than the screen, and a failure says what was.
 */
export async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {
    const width = document.documentElement.clientWidth;
    const found = [];
    for (const el of document.querySelectorAll('body *')) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.right <= width + 0.5) continue;
      if ([...el.children].some((child) => child.getBoundingClientRect().right > width + 0.5)) continue;
      if (el.closest('.table-scroll') && !el.classList.contains('table-scroll')) continue;
      found.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '') + ' ' + Math.round(box.right) + 'px "' + (el.textContent || '').trim().slice(0, 40) + '"');
    }
    return found;
  })()`);
}
