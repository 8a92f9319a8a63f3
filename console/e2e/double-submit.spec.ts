import { createContacts, expect, signIn, test } from './support';

// A double click (or a second Ctrl+Enter before the answer) sends one request, not two.

test('when Add note is double-clicked, then one note is saved', async ({ page, account }) => {
  const [id] = await createContacts(account, [{ name: 'Dora Doble' }]);
  await signIn(page, account);
  await page.getByRole('link', { name: 'Dora Doble' }).click();
  await page.getByLabel(/New note/).fill('Llamada de **seguimiento**');
  await page.getByRole('button', { name: 'Add note' }).dblclick();
  await expect(page.getByTestId('note')).toHaveCount(1);
  await page.waitForTimeout(500);
  expect((await account.api<unknown[]>('GET', `/contacts/${id}/notes`)).body).toHaveLength(1);
  await expect(page.getByTestId('note')).toHaveCount(1);
});

test('when Send is double-clicked, then one message is sent', async ({ page, account }) => {
  await account.api('POST', '/inboxes', { name: 'SMS', channel: { type: 'sms', provider_url: 'http://127.0.0.1:9', account_sid: 'AC1', auth_token: 'token-1234', phone_number: '+34600000000' } });
  const [id] = await createContacts(account, [{ name: 'Samuel Sms', phone_number: '+34611111111' }]);
  await signIn(page, account);
  await page.getByRole('link', { name: 'Samuel Sms' }).click();
  await page.getByLabel('Channel').selectOption({ label: 'SMS (+34611111111)' });
  await page.getByLabel('Message', { exact: true }).fill('Su pedido ha salido.');
  await page.getByRole('button', { name: 'Send' }).dblclick();
  await expect(page.getByTestId('message')).toHaveCount(1);
  await page.waitForTimeout(500);
  const conversations = (await account.api<{ payload: { messages: unknown[] }[] }>('GET', `/contacts/${id}/conversations`)).body.payload;
  expect(conversations.flatMap((c) => c.messages)).toHaveLength(1);
});

test('when Upload is double-clicked, then the file is imported once', async ({ page, account }) => {
  await signIn(page, account);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const csv = ['name,email', 'Ulises Único,ulises@example.com'].join('\n');
  await page.getByLabel('CSV file').setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Upload' }).dblclick();
  await expect(page.getByTestId('import-state')).toHaveText('Status: completed', { timeout: 30_000 });
  expect((await account.api<{ payload: unknown[] }>('GET', '/contacts/imports')).body.payload).toHaveLength(1);
});

test('when Add is double-clicked in the label and custom attribute forms, then each is made once and no "already exists" error shows', async ({ page, account }) => {
  await signIn(page, account);
  await page.getByRole('button', { name: 'Administration' }).click();
  const newLabel = page.getByRole('form', { name: 'New label' });
  await newLabel.getByLabel('Title').fill('morosos');
  await newLabel.getByRole('button', { name: 'Add' }).dblclick();
  await expect(page.getByRole('region', { name: 'Labels' }).getByRole('button', { name: 'Edit morosos' })).toBeVisible();
  await page.waitForTimeout(500);
  await expect(newLabel.getByRole('alert')).toHaveCount(0);
  await expect(newLabel.locator('[aria-invalid="true"]')).toHaveCount(0);

  const newAttribute = page.getByRole('form', { name: 'New custom attribute' });
  await newAttribute.getByLabel('Key').fill('puntuacion');
  await newAttribute.getByRole('button', { name: 'Add' }).dblclick();
  await expect(page.getByRole('region', { name: 'Custom attributes' }).getByRole('button', { name: 'Edit puntuacion' })).toBeVisible();
  await page.waitForTimeout(500);
  await expect(newAttribute.getByRole('alert')).toHaveCount(0);
  await expect(newAttribute.locator('[aria-invalid="true"]')).toHaveCount(0);
});

test('when Confirm of a merge is double-clicked, then the contacts are merged once and no error shows', async ({ page, account }) => {
  const [base, mergee] = await createContacts(account, [{ name: 'Berta Base', email: 'berta@example.com' }, { name: 'Berta Copia', phone_number: '+34622222222' }]);
  await signIn(page, account);
  await page.getByRole('link', { name: 'Berta Base' }).click();
  const merge = page.getByRole('region', { name: 'Merge' });
  await merge.getByLabel('Id of the contact to merge in').fill(String(mergee));
  await merge.getByRole('button', { name: 'Merge' }).click();
  await merge.getByRole('button', { name: 'Confirm' }).dblclick();
  await expect(page.getByLabel('Phone', { exact: true })).toHaveValue('+34622222222');
  await page.waitForTimeout(500);
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect((await account.api('GET', `/contacts/${base}`)).status).toBe(200);
});

test('when Confirm of a note\'s delete is double-clicked, then the note is deleted once and no error shows', async ({ page, account }) => {
  const [id] = await createContacts(account, [{ name: 'Dina Doble' }]);
  await account.api('POST', `/contacts/${id}/notes`, { content: 'Para borrar' });
  let deletes = 0;
  await page.route('**/notes/*', async (route) => {
    if (route.request().method() !== 'DELETE') return route.continue();
    deletes += 1;
    const response = await route.fetch();
    await new Promise((resolve) => setTimeout(resolve, 400));
    await route.fulfill({ response });
  });
  await signIn(page, account);
  await page.getByRole('link', { name: 'Dina Doble' }).click();
  await page.getByRole('button', { name: 'Delete note' }).click();
  await page.getByTestId('note').getByRole('button', { name: 'Confirm' }).dblclick();
  await expect(page.getByTestId('note')).toHaveCount(0);
  await page.waitForTimeout(800);
  expect(deletes).toBe(1);
  await expect(page.getByRole('region', { name: 'Notes' }).getByRole('alert')).toHaveCount(0);
});

// From a black-box audit in Chromium: under a slow answer, a double Enter in the label box sent
// the labels twice (the second refused as stale, then sent again).
test('when Enter is pressed twice in a contact\'s label box before the answer, then the labels are sent once', async ({ page, account }) => {
  const [id] = await createContacts(account, [{ name: 'Lalo Label' }]);
  let posts = 0;
  await page.route(`**/contacts/${id}/labels`, async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    posts += 1;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue();
  });
  await signIn(page, account);
  await page.getByRole('link', { name: 'Lalo Label' }).click();
  const box = page.locator('#contact-label-input');
  await box.fill('vip');
  await box.press('Enter');
  await box.press('Enter');
  await expect(page.locator('.chip', { hasText: 'vip' })).toHaveCount(1);
  await page.waitForTimeout(500);
  expect(posts).toBe(1);
  expect((await account.api<{ payload: { labels: string[] } }>('GET', `/contacts/${id}`)).body.payload.labels).toEqual(['vip']);
});
