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
