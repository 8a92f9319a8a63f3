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

test('when the account\'s labels, custom attributes or a contact\'s channels cannot be read, then the sidebar, the contact and administration say so instead of showing none', async ({ page, account }) => {
  await account.api('POST', '/labels', { title: 'vip', color: '#ff0000' });
  await account.api('POST', '/custom_attribute_definitions', { attribute_key: 'plan', attribute_display_name: 'Plan', attribute_display_type: 'text', attribute_model: 'contact_attribute' });
  await account.api('POST', '/inboxes', { name: 'Web', channel: { type: 'web_widget', website_url: 'https://example.com' } });
  const [id] = await createContacts(account, [{ name: 'Lía Lecturas', email: 'lia@example.com', custom_attributes: { plan: 'pro' } }]);
  const refuse = (route: import('@playwright/test').Route) =>
    route.request().method() === 'GET' ? route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: 'the store is unavailable' }) }) : route.continue();
  await page.route(`**/accounts/${account.id}/labels`, refuse);
  await page.route(`**/accounts/${account.id}/custom_attribute_definitions`, refuse);
  await page.route(`**/contacts/${id}/contactable_inboxes`, refuse);
  await signIn(page, account);
  await expect(page.getByTestId('sidebar-labels').getByRole('alert')).toHaveText('the store is unavailable');

  await page.getByRole('link', { name: 'Lía Lecturas' }).click();
  await expect(page.getByTestId('custom-attributes-error')).toHaveText('The custom attributes could not be read: the store is unavailable');
  // Not "needs an HMAC-verified visitor": whether the contact can be reached is not known.
  await expect(page.getByTestId('channels-error')).toHaveText('The channels could not be read: the store is unavailable');
  await expect(page.getByLabel('Channel').locator('option')).toHaveText(['—']);

  await page.getByRole('button', { name: 'Administration' }).click();
  await expect(page.getByRole('region', { name: 'Labels' }).getByRole('alert')).toHaveText('The labels could not be read: the store is unavailable');
  await expect(page.getByRole('region', { name: 'Custom attributes' }).getByRole('alert')).toHaveText('The custom attributes could not be read: the store is unavailable');
});

test('when search is unavailable for a moment, then the list says so, reads itself again after a back-off, and recovers without a reload', async ({ page, account }) => {
  await createContacts(account, [{ name: 'Vuelve Pronto' }]);
  // Elasticsearch away for the list's first two reads: 503, as the API answers then.
  let refused = 0;
  await page.route('**/api/v1/accounts/*/contacts?*', (route) => {
    if (refused >= 2) return route.continue();
    refused += 1;
    return route.fulfill({ status: 503, contentType: 'application/json', headers: { 'Retry-After': '1' }, body: JSON.stringify({ error: 'search is unavailable right now; try again shortly' }) });
  });
  await signIn(page, account);
  await expect(page.getByRole('alert')).toContainText('The list could not be read: search is unavailable right now');
  await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();
  // No click: the list tries again by itself.
  await expect(page.getByRole('link', { name: 'Vuelve Pronto' })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText('The list could not be read')).toHaveCount(0);
  expect(refused).toBe(2);
});

test('when the list keeps failing, then "Try again" reads it again once it can be read', async ({ page, account }) => {
  await createContacts(account, [{ name: 'Reintento Manual' }]);
  await page.route('**/api/v1/accounts/*/contacts?*', (route) =>
    route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: 'something broke' }) }));
  await signIn(page, account);
  await expect(page.getByRole('alert')).toContainText('The list could not be read: something broke');
  await page.unroute('**/api/v1/accounts/*/contacts?*');
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByRole('link', { name: 'Reintento Manual' })).toBeVisible();
  await expect(page.getByText('The list could not be read')).toHaveCount(0);
});

// Saved again, it was told "Someone else changed this contact meanwhile", of its own save (black-box read of two users).
test('when a field save lands but its answer is lost, then saving it again says it is saved, not that someone else changed the contact', async ({ page, account }) => {
  const [id] = await createContacts(account, [{ name: 'Lost Answer', city: 'Lima' }]);
  await signIn(page, account);
  await page.getByRole('link', { name: 'Lost Answer' }).click();
  const city = page.getByRole('region', { name: 'Details' }).getByLabel('City', { exact: true });
  await expect(city).toHaveValue('Lima');
  // The PATCH reaches the service; its answer does not come back.
  await page.route(`**/api/v1/accounts/*/contacts/${id}`, async (route) => {
    if (route.request().method() !== 'PATCH') return route.fallback();
    await route.fetch();
    await route.abort('connectionreset');
  });
  await city.fill('Cusco');
  await city.press('Enter');
  await expect(page.getByRole('region', { name: 'Details' }).getByRole('alert')).toHaveText('The service cannot be reached. Check the connection and try again.');
  await page.unroute(`**/api/v1/accounts/*/contacts/${id}`);

  await city.press('Enter');
  await expect(page.getByRole('region', { name: 'Details' }).getByRole('status')).toContainText('Saved');
  await expect(page.getByText(/Someone else changed this contact/)).toHaveCount(0);
  await expect(city).toHaveValue('Cusco');
  expect((await account.api<{ payload: { additional_attributes: { city: string } } }>('GET', `/contacts/${id}`)).body.payload.additional_attributes.city).toBe('Cusco');
});
