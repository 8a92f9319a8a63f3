import { readFileSync } from 'node:fs';
import { createContacts, expect, signIn, test } from './support';

test('when a new contact is created with a bad email, then the error shows at the email field, and once fixed the contact page opens', async ({ page, account }) => {
  await signIn(page, account);
  await page.getByRole('button', { name: 'New contact' }).click();
  const form = page.locator('form.new-contact');
  await form.getByLabel('Name').fill('Nico Nuevo');
  await form.getByLabel('Email').fill('nico@');
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(form.locator('#new-email-error')).toBeVisible();
  await expect(form.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
  await form.getByLabel('Email').fill('nico@example.com');
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('heading', { name: 'Nico Nuevo' })).toBeVisible();
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue('nico@example.com');
});

test('when an administrator defines a list attribute, then the filter builder offers it with its values and only its operators', async ({ page, account }) => {
  await signIn(page, account);
  await page.getByRole('button', { name: 'Administration' }).click();
  const attributes = page.getByRole('region', { name: 'Custom attributes' });
  await attributes.getByLabel('Key').fill('plan');
  await attributes.getByLabel('Display name').fill('Plan');
  await attributes.getByLabel('Type').selectOption('list');
  await attributes.getByLabel('List values').fill('free, pro');
  await attributes.getByRole('button', { name: 'Add' }).click();
  await expect(attributes.getByRole('cell', { name: 'plan', exact: true })).toBeVisible();

  await page.getByRole('button', { name: 'All contacts' }).click();
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  const row = page.locator('.condition').first();
  await row.getByLabel('Attribute').selectOption('plan');
  await expect(row.getByLabel('Value').locator('option')).toHaveText(['—', 'free', 'pro']);
  await row.getByLabel('Attribute').selectOption('created_at');
  await expect(row.getByLabel('Operator').locator('option')).toHaveCount(5);
  await expect(row.getByLabel('Value')).toHaveAttribute('type', 'date');
});

test('when the list of a label is exported, then the CSV holds that label\'s contacts only', async ({ page, account }) => {
  const [kept] = await createContacts(account, [{ name: 'Xena Export', email: 'xena@example.com' }, { name: 'Yuri Other', email: 'yuri@example.com' }]);
  await account.api('POST', `/contacts/${kept}/labels`, { labels: ['export-me'] });
  await expect.poll(async () => (await account.api<{ meta: { count: number } }>('GET', '/contacts?labels[]=export-me')).body.meta.count).toBe(1);
  await signIn(page, account);
  await page.getByRole('button', { name: '# export-me' }).click();
  await expect(page.getByTestId('count')).toHaveText('1 contact');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
  const csv = readFileSync(await download.path(), 'utf8');
  expect(csv).toContain('xena@example.com');
  expect(csv).not.toContain('yuri@example.com');
});
