import { createContacts, expect, rowNames, screenshot, signIn, test } from './support';

test('when a header is clicked, then the list sorts by it, and a second click reverses it', async ({ page, account }) => {
  await createContacts(account, [
    { name: 'Bruno Díaz', email: 'bruno@example.com', city: 'Quito', company_name: 'Beta' },
    { name: 'Álvaro Ruiz', email: 'alvaro@example.com', city: 'Lima', company_name: 'Alfa' },
    { name: 'Carla Gómez', email: 'carla@example.com', city: 'Bogotá', company_name: 'Gamma' },
  ]);
  await signIn(page, account);
  await expect(page.getByTestId('count')).toHaveText('3 contacts');

  await page.getByRole('button', { name: 'Name', exact: true }).click();
  await expect(page.getByRole('columnheader', { name: 'Name' })).toHaveAttribute('aria-sort', 'ascending');
  await expect.poll(() => rowNames(page)).toEqual(['Álvaro Ruiz', 'Bruno Díaz', 'Carla Gómez']);

  await page.getByRole('button', { name: 'Name', exact: true }).click();
  await expect(page.getByRole('columnheader', { name: 'Name' })).toHaveAttribute('aria-sort', 'descending');
  await expect.poll(() => rowNames(page)).toEqual(['Carla Gómez', 'Bruno Díaz', 'Álvaro Ruiz']);

  await page.getByRole('button', { name: 'City', exact: true }).click();
  await expect.poll(() => rowNames(page)).toEqual(['Carla Gómez', 'Álvaro Ruiz', 'Bruno Díaz']);
  await screenshot(page, 'contacts-list');
});

// From a black-box audit in Chromium: on a slow network the header and the URL said the new sort
// over the old rows, and only a faint background said the list was being read.
test('when a sort is read slowly, then the list says it is loading until the rows come, and says nothing on a quick read', async ({ page, account }) => {
  await createContacts(account, [{ name: 'Bruno Díaz', email: 'bruno@example.com' }, { name: 'Álvaro Ruiz', email: 'alvaro@example.com' }]);
  await signIn(page, account);
  await expect(page.getByTestId('count')).toHaveText('2 contacts');
  await page.getByRole('button', { name: 'Name', exact: true }).click();
  await expect.poll(() => rowNames(page)).toEqual(['Álvaro Ruiz', 'Bruno Díaz']);
  await expect(page.getByTestId('list-loading')).toHaveCount(0);

  await page.route(/\/contacts\?/, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await route.continue();
  });
  await page.getByRole('button', { name: 'Name', exact: true }).click();
  await expect(page.getByTestId('list-loading')).toHaveText('Loading…');
  await expect.poll(() => rowNames(page)).toEqual(['Bruno Díaz', 'Álvaro Ruiz']);
  await expect(page.getByTestId('list-loading')).toHaveCount(0);
});

test('when the search box is typed into, then the list shows the matches with their exact count', async ({ page, account }) => {
  await createContacts(account, [{ name: 'José Pérez' }, { name: 'Marta Pereira' }, { name: 'Luis Soto' }]);
  await signIn(page, account);
  await page.getByLabel('Search contacts').fill('pere');
  await expect(page.getByTestId('count')).toHaveText('2 contacts');
  await expect.poll(async () => (await rowNames(page)).sort()).toEqual(['José Pérez', 'Marta Pereira']);
});

test('when there are more contacts than a page, then next page follows the cursor and previous page comes back', async ({ page, account }) => {
  await createContacts(account, Array.from({ length: 27 }, (_, i) => ({ name: `Person ${String(i + 1).padStart(2, '0')}` })));
  await signIn(page, account);
  await page.getByRole('button', { name: 'Name', exact: true }).click();
  await expect(page.getByTestId('count')).toHaveText('27 contacts');
  await expect(page.getByTestId('contact-row')).toHaveCount(25);
  await expect(page.getByTestId('contact-row').first()).toContainText('Person 01');
  await page.getByRole('button', { name: 'Next page' }).click();
  await expect.poll(() => rowNames(page)).toEqual(['Person 26', 'Person 27']);
  await expect(page.getByRole('button', { name: 'Next page' })).toBeDisabled();
  await page.getByRole('button', { name: 'Previous page' }).click();
  await expect(page.getByTestId('contact-row')).toHaveCount(25);
  await expect(page.getByTestId('contact-row').first()).toContainText('Person 01');
});

test('when Last page is pressed, then the last page shows with its number, a reload keeps it, and Previous walks back to the first page', async ({ page, account }) => {
  await createContacts(account, Array.from({ length: 57 }, (_, i) => ({ name: `Person ${String(i + 1).padStart(2, '0')}` })));
  await signIn(page, account);
  await page.getByRole('button', { name: 'Name', exact: true }).click();
  await expect(page.getByTestId('count')).toHaveText('57 contacts');
  const pager = page.getByRole('navigation', { name: /Page|Last page/ });
  const names = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `Person ${String(from + i).padStart(2, '0')}`);

  await pager.getByRole('button', { name: 'Last page' }).click();
  await expect.poll(() => rowNames(page)).toEqual(names(51, 57));
  await expect(pager.getByText('Page 3', { exact: true })).toBeVisible();
  await expect(pager.getByRole('button', { name: 'Next page' })).toHaveAttribute('aria-disabled', 'true');
  await expect(pager.getByRole('button', { name: 'Last page' })).toHaveAttribute('aria-disabled', 'true');
  expect(page.url()).toContain('page=last');

  await page.reload();
  await expect.poll(() => rowNames(page)).toEqual(names(51, 57));
  await expect(pager.getByText('Page 3', { exact: true })).toBeVisible();

  await pager.getByRole('button', { name: 'Previous page' }).click();
  await expect.poll(() => rowNames(page)).toEqual(names(26, 50));
  await expect(pager.getByText('Page 2', { exact: true })).toBeVisible();
  // A page reached going back reloads as itself, and goes on forward as the list does.
  await page.reload();
  await expect.poll(() => rowNames(page)).toEqual(names(26, 50));
  await pager.getByRole('button', { name: 'Next page' }).click();
  await expect.poll(() => rowNames(page)).toEqual(names(51, 57));
  await expect(pager.getByText('Page 3', { exact: true })).toBeVisible();
  await pager.getByRole('button', { name: 'Previous page' }).click();
  await expect.poll(() => rowNames(page)).toEqual(names(26, 50));

  await pager.getByRole('button', { name: 'Previous page' }).click();
  await expect.poll(() => rowNames(page)).toEqual(names(1, 25));
  await expect(pager.getByText('Page 1', { exact: true })).toBeVisible();
  await expect(pager.getByRole('button', { name: 'Previous page' })).toHaveAttribute('aria-disabled', 'true');
  expect(page.url()).not.toMatch(/after=|before=|page=/);
  await screenshot(page, 'contacts-last-page');
});

test('when page 2 is opened from a link, then Previous leads to the first page (the earlier pages were never seen here)', async ({ page, account }) => {
  await createContacts(account, Array.from({ length: 30 }, (_, i) => ({ name: `Linked ${String(i + 1).padStart(2, '0')}` })));
  await signIn(page, account);
  await page.getByRole('button', { name: 'Name', exact: true }).click();
  await page.getByRole('button', { name: 'Next page' }).click();
  await expect(page.getByTestId('contact-row')).toHaveCount(5);
  const link = new URL(page.url()).hash;

  // The link alone, as pasted: nothing of the walk that made it is kept.
  await page.goto('/app/#/contacts');
  await page.goto(`/app/${link}`);
  await page.reload();
  await expect(page.getByTestId('contact-row')).toHaveCount(5);
  await expect(page.getByText('Page 2', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Previous page' }).click();
  await expect(page.getByTestId('contact-row')).toHaveCount(25);
  await expect(page.getByTestId('contact-row').first()).toContainText('Linked 01');
});

test('when a segment or a label is open and the search box is typed into, then the search stays within it and the title still names it', async ({ page, account }) => {
  const [lima1] = await createContacts(account, [
    { name: 'User Lima One', city: 'Lima' },
    { name: 'User Lima Two', city: 'Lima' },
    { name: 'Other Lima', city: 'Lima' },
    { name: 'User Quito', city: 'Quito' },
    { name: 'User Bogotá', city: 'Bogotá' },
  ]);
  await account.api('POST', `/contacts/${lima1}/labels`, { labels: ['pro'] });
  await account.api('POST', '/custom_filters', { name: 'Lima people', query: { payload: [{ attribute_key: 'city', filter_operator: 'equal_to', values: ['Lima'] }] } });
  await expect.poll(async () => (await account.api<{ meta: { count: number } }>('GET', '/contacts?labels[]=pro')).body.meta.count).toBe(1);
  await signIn(page, account);

  await page.getByTestId('segments').getByRole('button', { name: /Lima people/ }).click();
  await expect(page.getByTestId('count')).toHaveText('3 contacts');
  await page.getByLabel('Search contacts').fill('user');
  await expect(page.getByTestId('count')).toHaveText('2 contacts');
  await expect.poll(async () => (await rowNames(page)).sort()).toEqual(['User Lima One', 'User Lima Two']);
  await expect(page.getByRole('heading', { name: 'Lima people' })).toBeVisible();
  await expect(page.getByTestId('search-scope')).toHaveText('Searching "user" within Lima people');

  await page.getByRole('button', { name: 'pro', exact: true }).click();
  await expect(page.getByLabel('Search contacts')).toHaveValue('');
  await page.getByLabel('Search contacts').fill('user');
  await expect(page.getByTestId('count')).toHaveText('1 contact');
  expect(await rowNames(page)).toEqual(['User Lima One']);

  await page.getByRole('button', { name: 'All contacts' }).click();
  await page.getByLabel('Search contacts').fill('user');
  await expect(page.getByTestId('count')).toHaveText('4 contacts');
});

test('when a contact is opened from page 2 of a sorted, searched list, then reload keeps it, and Back, Forward and "Back to the list" restore the list as it was', async ({ page, account }) => {
  await createContacts(account, [
    ...Array.from({ length: 27 }, (_, i) => ({ name: `Person ${String(i + 1).padStart(2, '0')}` })),
    { name: 'Somebody Else' },
  ]);
  await signIn(page, account);
  await page.getByRole('button', { name: 'Name', exact: true }).click();
  await page.getByLabel('Search contacts').fill('person');
  await expect(page.getByTestId('count')).toHaveText('27 contacts');
  await page.getByRole('button', { name: 'Next page' }).click();
  await expect.poll(() => rowNames(page)).toEqual(['Person 26', 'Person 27']);

  const listIsPage2 = async () => {
    await expect.poll(() => rowNames(page)).toEqual(['Person 26', 'Person 27']);
    await expect(page.getByLabel('Search contacts')).toHaveValue('person');
    await expect(page.getByRole('columnheader', { name: 'Name' })).toHaveAttribute('aria-sort', 'ascending');
    await expect(page.getByText('Page 2', { exact: true })).toBeVisible();
  };

  // A reload keeps the page, and Previous still works (the page's own answer leads back).
  await page.reload();
  await listIsPage2();
  await page.getByRole('button', { name: 'Previous page' }).click();
  await expect(page.getByTestId('contact-row').first()).toContainText('Person 01');
  await page.goBack();
  await listIsPage2();

  await page.getByRole('link', { name: 'Person 26' }).click();
  await expect(page.getByRole('heading', { name: 'Person 26' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Person 26' })).toBeVisible();
  await page.getByRole('button', { name: 'Back to the list' }).click();
  await listIsPage2();
  await page.goForward();
  await expect(page.getByRole('heading', { name: 'Person 26' })).toBeVisible();
  await page.goBack();
  await listIsPage2();
  // Back again, past the search: the first page of the unsearched list, still in the app.
  await page.goBack();
  await page.goBack();
  await expect(page.getByTestId('count')).toHaveText('28 contacts');
  await expect(page.getByLabel('Search contacts')).toHaveValue('');
  await expect(page.getByTestId('who')).toBeVisible();
});

test('when a link\'s cursor was tampered with, then the list says the position is invalid and offers the first page instead of pretending', async ({ page, account }) => {
  await createContacts(account, Array.from({ length: 27 }, (_, i) => ({ name: `Cursor ${String(i + 1).padStart(2, '0')}` })));
  await signIn(page, account);
  await page.getByRole('button', { name: 'Next page' }).click();
  await expect(page.getByTestId('contact-row')).toHaveCount(2);
  const hash = new URL(page.url()).hash;
  const after = new URLSearchParams(hash.split('?')[1]).get('after')!;
  const tampered = `${after.slice(0, -4)}${after.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;

  for (const link of [hash.replace(encodeURIComponent(after), encodeURIComponent(tampered)), `#/contacts?after=${encodeURIComponent(tampered)}`, `#/contacts?after=${encodeURIComponent(after)}`]) {
    await page.goto(`/app/${link}`);
    await page.reload();
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('This link’s position in the list is not valid');
    await expect(page.getByTestId('contact-row')).toHaveCount(0);
    await expect(page.getByTestId('count')).not.toHaveText('27 contacts');
    await alert.getByRole('button', { name: 'Go to the first page' }).press('Enter');
    await expect(page.getByTestId('contact-row')).toHaveCount(25);
    await expect(page.getByRole('heading', { name: 'All contacts' })).toBeFocused();
    await expect(page.getByTestId('count')).toHaveText('27 contacts');
    expect(page.url()).not.toContain('after=');
    await expect(page.getByRole('alert')).toHaveCount(0);
  }
});

test('when a link names no screen of the console, then all contacts are listed under a message saying the link was not understood', async ({ page, account }) => {
  await createContacts(account, [{ name: 'Link One' }, { name: 'Link Two' }]);
  await signIn(page, account);
  for (const link of ['#/contact/abc', '#/nowhere/at/all', '#/segment/x', `#/filter?payload=${encodeURIComponent('[5]')}`]) {
    await page.goto(`/app/${link}`);
    await page.reload();
    const message = link.startsWith('#/filter') ? 'filter-unreadable' : 'link-unreadable';
    await expect(page.getByTestId(message), link).toBeVisible();
    await expect(page.getByTestId('contact-row')).toHaveCount(2);
  }
  await expect(page.getByTestId('link-unreadable')).toHaveCount(0);
  await page.goto('/app/#/nowhere');
  await expect(page.getByTestId('link-unreadable')).toHaveText('This link was not understood (it may be mistyped or cut short): all contacts are shown.');
  // Going on from there, and the plain address, say nothing of the kind.
  await page.getByRole('button', { name: 'All contacts' }).click();
  await expect(page.getByTestId('link-unreadable')).toHaveCount(0);
  await page.goto('/app/');
  await page.reload();
  await expect(page.getByTestId('contact-row')).toHaveCount(2);
  await expect(page.getByTestId('link-unreadable')).toHaveCount(0);
});

test('when a link names a filter that cannot be read, then all contacts are listed under a message saying so', async ({ page, account }) => {
  await createContacts(account, [{ name: 'Link One' }, { name: 'Link Two' }]);
  await signIn(page, account);
  for (const link of ['#/filter?payload=notjson', `#/filter?payload=${encodeURIComponent('[{"attribute_key":"city"')}`]) {
    await page.goto(`/app/${link}`);
    await page.reload();
    await expect(page.getByTestId('filter-unreadable')).toHaveText('The filter in this link could not be read (it may have been cut short): all contacts are shown.');
    await expect(page.getByTestId('contact-row')).toHaveCount(2);
  }
  // A link that can be read says nothing of the kind.
  await page.goto(`/app/#/filter?payload=${encodeURIComponent('[{"attribute_key":"name","filter_operator":"contains","values":["One"]}]')}`);
  await page.reload();
  await expect(page.getByTestId('contact-row')).toHaveCount(1);
  await expect(page.getByTestId('filter-unreadable')).toHaveCount(0);
});

test('when a contact has no name, then the list and its screen call it by its identifier, else its email or phone', async ({ page, account }) => {
  const [onlyId] = await createContacts(account, [{ identifier: 'ONLY-ID-7' }, { email: 'only-mail@example.com' }, { phone_number: '+51987654321' }, { name: 'Named One', identifier: 'NAMED-ID' }]);
  await signIn(page, account);
  await expect.poll(async () => (await rowNames(page)).sort()).toEqual(['+51987654321', 'Named One', 'ONLY-ID-7', 'only-mail@example.com']);
  await page.getByRole('link', { name: 'ONLY-ID-7' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('ONLY-ID-7');
  expect(page.url()).toContain(`#/contact/${onlyId}`);
});
