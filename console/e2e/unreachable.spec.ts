import { createContacts, expect, signIn, test } from './support';

test('when the service cannot be reached, then saving a note, a bulk label and a new contact each say so, and the buttons come back', async ({ page, account }) => {
  await createContacts(account, [{ name: 'Rocío Ruiz' }]);
  await signIn(page, account);

  // The connection drops (the service stopped, the network down): every API call fails before any answer.
  await page.route('**/api/v1/**', (route) => route.abort('connectionrefused'));

  await page.getByRole('checkbox', { name: 'Select Rocío Ruiz' }).check();
  const bar = page.getByRole('region', { name: '1 selected', exact: true });
  await bar.getByLabel('Label').fill('vip');
  await bar.getByRole('button', { name: 'Add label' }).click();
  await expect(bar.getByRole('alert')).toHaveText('The service cannot be reached. Check the connection and try again.');
  await expect(bar.getByRole('button', { name: 'Add label' })).toBeEnabled();

  await page.getByRole('button', { name: 'New contact' }).click();
  const form = page.locator('form.new-contact');
  await form.getByLabel('Name').fill('Nadia Nueva');
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(form.getByRole('alert')).toHaveText('The service cannot be reached. Check the connection and try again.');
  await expect(form.getByLabel('Name')).toHaveValue('Nadia Nueva');

  await page.unroute('**/api/v1/**');
  await page.getByRole('link', { name: 'Rocío Ruiz' }).click();
  await expect(page.getByRole('heading', { name: 'Rocío Ruiz' })).toBeVisible();
  await page.route('**/api/v1/**', (route) => route.abort('connectionrefused'));
  await page.getByLabel(/New note/).fill('Llamada perdida');
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(page.getByRole('alert')).toHaveText('The service cannot be reached. Check the connection and try again.');
  await expect(page.getByLabel(/New note/)).toHaveValue('Llamada perdida');
});

test('when Create is double-clicked in the new-contact form, then one contact is made', async ({ page, account }) => {
  await signIn(page, account);
  await page.getByRole('button', { name: 'New contact' }).click();
  const form = page.locator('form.new-contact');
  await form.getByLabel('Name').fill('Doble Clic');
  await form.getByRole('button', { name: 'Create' }).dblclick();
  await expect(page.getByRole('heading', { name: 'Doble Clic' })).toBeVisible();
  const count = async () => (await account.api<{ meta: { count: number } }>('GET', '/contacts?per_page=1')).body.meta.count;
  await expect.poll(count).toBeGreaterThanOrEqual(1);
  // A second create would be indexed within the second.
  await page.waitForTimeout(1500);
  expect(await count()).toBe(1);
});

test('when a contact\'s notes or conversations cannot be read, then the screen says so instead of showing none', async ({ page, account }) => {
  const [id] = await createContacts(account, [{ name: 'Nélida Notas', email: 'nelida@example.com' }]);
  await account.api('POST', `/contacts/${id}/notes`, { content: 'Llamó el lunes' });
  const refuse = (route: import('@playwright/test').Route) =>
    route.request().method() === 'GET' ? route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: 'the store is unavailable' }) }) : route.continue();
  await page.route(`**/contacts/${id}/notes`, refuse);
  await page.route(`**/contacts/${id}/conversations`, refuse);
  await signIn(page, account);
  await page.getByRole('link', { name: 'Nélida Notas' }).click();
  await expect(page.getByRole('region', { name: 'Notes' }).getByRole('alert')).toHaveText('the store is unavailable');
  await expect(page.getByRole('region', { name: 'Conversations' }).getByRole('alert')).toHaveText('the store is unavailable');
  await expect(page.getByText('No conversations')).toHaveCount(0);
});

test('when the segments cannot be read, then the sidebar says so instead of "No segments yet"', async ({ page, account }) => {
  await account.api('POST', '/custom_filters', { name: 'Lima', filter_type: 'contact', query: { payload: [{ attribute_key: 'city', filter_operator: 'equal_to', values: ['Lima'] }] } });
  await page.route('**/custom_filters?*', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: 'search is unavailable' }) }));
  await signIn(page, account);
  await expect(page.getByTestId('segments').getByRole('alert')).toHaveText('search is unavailable');
  await expect(page.getByText('No segments yet')).toHaveCount(0);
});
