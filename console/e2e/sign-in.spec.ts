import { createContacts, expect, screenshot, signIn, test } from './support';

test('when an administrator signs in with the account id and token, then the list shows with the role, and signing out returns to the sign-in screen', async ({ page, account }) => {
  await createContacts(account, [{ name: 'Ana Admin-View', email: 'ana@example.com' }]);
  await page.goto('/');
  await expect(page).toHaveURL(/\/app\/$/);
  await screenshot(page, 'sign-in');
  await signIn(page, account);
  await expect(page.getByTestId('who')).toContainText(`Account ${account.id}`);
  await expect(page.getByTestId('who')).toContainText('administrator');
  await expect(page.getByTestId('count')).toHaveText('1 contact');

  await page.reload();
  await expect(page.getByTestId('who')).toContainText('administrator');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to Contacts' })).toBeVisible();
});

test('when an agent signs in, then the role shown is agent and administrator-only actions are explained', async ({ page, account }) => {
  await signIn(page, account, account.agentToken);
  await expect(page.getByTestId('who')).toContainText('agent');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText('Administrators only')).toBeVisible();
});

test('when the token is wrong, then the sign-in screen says so', async ({ page, account }) => {
  await page.goto('/app/');
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
