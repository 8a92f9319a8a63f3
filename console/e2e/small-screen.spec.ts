import { createContacts, expect, overflowing, screenshot, signIn, test } from './support';

test.use({ viewport: { width: 390, height: 844 } });

test('when the screen is phone-sized, then nothing is wider than it: the sidebar folds behind Menu, the header wraps and the table scrolls in its box', async ({ page, account }) => {
  await createContacts(account, [
    { name: 'Maximiliano Fernández de la Cruz', email: 'maximiliano.fernandez.delacruz@example.com', company_name: 'Compañía Internacional de Ejemplos', city: 'San Juan de Lurigancho', country: 'Perú' },
  ]);
  await account.api('POST', '/labels', { label: { title: 'small' } });
  await signIn(page, account);
  await expect(page.getByTestId('count')).toHaveText('1 contact');

  const pageWidth = () => page.evaluate<number>('document.documentElement.scrollWidth');
  expect(await overflowing(page)).toEqual([]);
  expect(await pageWidth()).toBeLessThanOrEqual(390);
  const signOut = await page.getByRole('button', { name: 'Sign out' }).boundingBox();
  expect(signOut!.x + signOut!.width).toBeLessThanOrEqual(390);
  // The table is wider than the screen and scrolls inside its own box.
  const scroll = page.locator('.table-scroll');
  expect(await scroll.evaluate((el: { scrollWidth: number; clientWidth: number }) => el.scrollWidth > el.clientWidth)).toBe(true);
  expect((await scroll.boundingBox())!.width).toBeLessThanOrEqual(390);
  await screenshot(page, 'small-screen');

  await expect(page.getByRole('button', { name: 'small', exact: true })).toBeHidden();
  await page.getByRole('button', { name: 'Menu' }).click();
  await expect(page.getByRole('button', { name: 'Menu' })).toHaveAttribute('aria-expanded', 'true');
  await page.getByRole('button', { name: 'small', exact: true }).click();
  await expect(page.getByRole('heading', { name: '# small' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'small', exact: true })).toBeHidden();
  expect(await overflowing(page)).toEqual([]);
  expect(await pageWidth()).toBeLessThanOrEqual(390);

  await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Import contacts from CSV' })).toBeVisible();
  expect(await overflowing(page)).toEqual([]);
  expect(await pageWidth()).toBeLessThanOrEqual(390);
});

test('when a contact is opened on a phone-sized screen, then its page is no wider than the screen, the channel list included', async ({ page, account }) => {
  const name = 'Atención al cliente de la región metropolitana de Lima y Callao';
  await account.api('POST', '/inboxes', { name, channel: { type: 'sms', provider_url: 'http://127.0.0.1:9', account_sid: 'AC1', auth_token: 'token-1234', phone_number: '+34600000000' } });
  const [id] = await createContacts(account, [{ name: 'Pía Pantalla', phone_number: '+34644444444' }]);
  await signIn(page, account);
  await page.goto(`/app/#/contact/${id}`);
  // Measured once the channels are read: the select is narrow until its long option arrives.
  await expect(page.getByLabel('Channel').locator('option', { hasText: name })).toHaveCount(1);
  expect(await overflowing(page)).toEqual([]);
  expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
  await screenshot(page, 'small-screen-contact');
});

test('when the screen is wide, then the sidebar shows and there is no Menu button', async ({ page, account }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await signIn(page, account);
  await expect(page.getByRole('button', { name: 'Menu' })).toBeHidden();
  await expect(page.getByRole('button', { name: 'All contacts' })).toBeVisible();
});

// At 360 px the custom attributes table ended at 529 px (its Edit and Delete buttons off the
// panel, the page scrolling sideways) and the import's file input at 390 (found by a black-box tester).
test('when administration and import are opened on a 360 px screen, then neither is wider than it: the attributes table scrolls in its box', async ({ page, account }) => {
  await page.setViewportSize({ width: 360, height: 780 });
  await account.api('POST', '/custom_attribute_definitions', {
    attribute_key: 'preferred_contact_channel',
    attribute_display_name: 'Preferred contact channel for renewals',
    attribute_display_type: 'list',
    attribute_values: ['telephone', 'electronic mail', 'in person'],
    attribute_description: 'How the customer asked to be reached about renewals',
  });
  await signIn(page, account);
  const pageWidth = () => page.evaluate<number>('document.documentElement.scrollWidth');
  await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByRole('button', { name: 'Administration', exact: true }).click();
  await expect(page.getByTestId('definition-row')).toHaveCount(1);
  expect(await overflowing(page)).toEqual([]);
  expect(await pageWidth()).toBeLessThanOrEqual(360);

  await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Import contacts from CSV' })).toBeVisible();
  expect(await overflowing(page)).toEqual([]);
  expect(await pageWidth()).toBeLessThanOrEqual(360);
});
