import { createContacts, expect, signIn, test } from './support';

test('when a screen fails to render, then it says so in place, and the sidebar, the header and Sign out still work', async ({ page, account }) => {
  await createContacts(account, [{ name: 'Rita Render' }]);
  await signIn(page, account);
  await expect(page.getByRole('link', { name: 'Rita Render' })).toBeVisible();

  // A list answer the console cannot render (a row that is no contact) stands for any rendering error.
  const list = /\/api\/v1\/accounts\/\d+\/contacts\?/;
  await page.route(list, (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ meta: { count: 1 }, payload: [null] }) }));
  await page.getByRole('button', { name: 'Administration' }).click();
  await page.getByRole('button', { name: 'All contacts' }).click();

  const failed = page.getByTestId('render-failed');
  await expect(failed).toBeVisible();
  await expect(failed.getByRole('heading')).toHaveText('This screen could not be shown');
  await expect(failed).toContainText('Nothing was changed');
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();

  // Going elsewhere renders afresh: the sidebar leads on, and back to a list that can be shown.
  await page.getByRole('navigation').getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Import contacts from CSV' })).toBeVisible();
  await expect(failed).toHaveCount(0);
  await page.unroute(list);
  await page.getByRole('button', { name: 'All contacts' }).click();
  await expect(page.getByRole('link', { name: 'Rita Render' })).toBeVisible();

  // "Back to all contacts" from the message, and Sign out from beside it, both work too.
  await page.route(list, (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ meta: { count: 1 }, payload: [null] }) }));
  await page.getByRole('button', { name: 'Administration' }).click();
  await page.getByRole('button', { name: 'All contacts' }).click();
  await expect(failed).toBeVisible();
  await page.unroute(list);
  await failed.getByRole('button', { name: 'Back to all contacts' }).click();
  await expect(page.getByRole('link', { name: 'Rita Render' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByLabel('Email')).toBeVisible();
});
