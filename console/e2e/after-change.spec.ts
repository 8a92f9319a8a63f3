import { createContacts, expect, signIn, test } from './support';

test('when a contact is deleted on its screen, then the list it goes back to no longer shows it and counts one fewer', async ({ page, account }) => {
  await createContacts(account, [{ name: 'Adela Alba' }, { name: 'Bruno Bravo' }, { name: 'Celia Cruz' }]);
  await signIn(page, account);
  await expect(page.getByTestId('count')).toHaveText('3 contacts');
  await page.getByRole('link', { name: 'Bruno Bravo' }).click();
  await page.getByRole('button', { name: 'Delete contact' }).click();
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByTestId('contact-row')).toHaveCount(2);
  await expect(page.getByTestId('count')).toHaveText('2 contacts');
  await expect(page.getByRole('link', { name: 'Bruno Bravo' })).toHaveCount(0);
});

test('when a segment cannot be deleted, then the console says why and stays on it', async ({ page, account }) => {
  const segment = await account.api<{ id: number }>('POST', '/custom_filters', {
    name: 'Lima', filter_type: 'contact', query: { payload: [{ attribute_key: 'city', filter_operator: 'equal_to', values: ['Lima'] }] },
  });
  await signIn(page, account);
  await page.getByRole('button', { name: /^Lima/ }).click();
  await page.route(`**/custom_filters/${segment.body.id}`, (route) =>
    route.request().method() === 'DELETE' ? route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: 'search is unavailable' }) }) : route.continue(),
  );
  await page.getByRole('button', { name: 'Delete segment' }).click();
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByRole('alert')).toHaveText('search is unavailable');
  await expect(page.getByRole('heading', { name: 'Lima' })).toBeVisible();
});

test('when a contact opened from the list is gone, then the screen says so and still leads back to the list', async ({ page, account }) => {
  const [id] = await createContacts(account, [{ name: 'Gloria Gone' }, { name: 'Quique Queda' }]);
  await signIn(page, account);
  await account.api('DELETE', `/contacts/${id}`);
  await page.getByRole('link', { name: 'Gloria Gone' }).click();
  // In the console's words, as a missing segment or label is (it showed the API's English "contact N not found" in Spanish too).
  await expect(page.getByRole('alert')).toHaveText('This contact does not exist: it was deleted, or merged into another contact.');
  await page.getByRole('button', { name: /Back to the list/ }).click();
  await expect(page.getByRole('link', { name: 'Quique Queda' })).toBeVisible();
});

// It showed an empty title, "Search in " with no name, the API's "custom filter N not found" with a
// Try again that could never succeed, and Export CSV.
test('when a segment is gone, then its page says so once, in words, and offers no edit, delete, retry, search, export, table or pager', async ({ page, account }) => {
  const segment = await account.api<{ id: number }>('POST', '/custom_filters', {
    name: 'Efímero', filter_type: 'contact', query: { payload: [{ attribute_key: 'city', filter_operator: 'equal_to', values: ['Lima'] }] },
  });
  await signIn(page, account);
  await account.api('DELETE', `/custom_filters/${segment.body.id}`);
  await page.goto(`/app/#/segment/${segment.body.id}`);
  await expect(page.getByRole('heading', { name: 'Segment not found' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(1);
  await expect(page.getByRole('alert')).toHaveText('This segment does not exist: it was deleted, or the link is wrong. Pick a segment from the list, or All contacts.');
  for (const name of ['Edit segment', 'Delete segment', 'Try again', 'Export CSV']) await expect(page.getByRole('button', { name })).toHaveCount(0);
  await expect(page.getByLabel('Search contacts')).toHaveCount(0);
  // Nor an empty table with column headers and a pager, as if the segment held no one.
  await expect(page.getByRole('table')).toHaveCount(0);
  await expect(page.getByRole('navigation', { name: /Page/ })).toHaveCount(0);
  await expect(page.getByTestId('count')).toHaveCount(0);
});
