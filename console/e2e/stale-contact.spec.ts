import { createContacts, expect, signIn, test } from './support';

// Found by a black-box test with two users at work at once: a contact screen left open while
// someone else changed the contact wrote its stale view back over their change, in silence.

const profilesOf = async (account: Parameters<typeof createContacts>[0], id: number) =>
  (await account.api<{ payload: { additional_attributes: { social_profiles?: unknown } } }>('GET', `/contacts/${id}`)).body.payload.additional_attributes.social_profiles;

test("when another user sets a social profile while the contact is open, then a save from the open screen does not wipe it: it is refused, said, and the screen shows theirs", async ({ page, account }) => {
  const [id] = await createContacts(account, [{ name: 'Vera Stale' }]);
  await signIn(page, account);
  await page.getByRole('link', { name: 'Vera Stale' }).click();
  const facebook = page.getByLabel('Facebook');
  await expect(facebook).toHaveValue('');

  expect((await account.api('PATCH', `/contacts/${id}`, { additional_attributes: { social_profiles: { twitter: 'vera_tw' } } })).status).toBe(200);

  await facebook.fill('vera_fb');
  await facebook.press('Enter');
  await expect(page.getByRole('alert')).toContainText('Someone else changed this contact meanwhile');
  await expect(page.getByLabel('Twitter')).toHaveValue('vera_tw');
  expect(await profilesOf(account, id)).toEqual({ twitter: 'vera_tw' });

  // Made again on the screen as it is now, the change is saved beside theirs.
  await facebook.fill('vera_fb');
  await facebook.press('Enter');
  await expect.poll(() => profilesOf(account, id)).toEqual({ twitter: 'vera_tw', facebook: 'vera_fb' });
  await expect(facebook).not.toHaveAttribute('aria-invalid', 'true');
});

test("when the screen's own label change or save moved the contact, then the next save is not taken for someone else's, even one sent while the other is in flight", async ({ page, account }) => {
  await createContacts(account, [{ name: 'Walter Own' }]);
  await signIn(page, account);
  await page.getByRole('link', { name: 'Walter Own' }).click();
  const labels = page.getByRole('region', { name: 'Labels' });
  await labels.getByLabel('Label', { exact: true }).fill('mine');
  await labels.getByLabel('Label', { exact: true }).press('Enter');
  await expect(labels.locator('.chip')).toHaveText(['mine×']);
  // Tab saves the name, and the city is typed and sent at once, before that save has answered.
  const name = page.getByLabel('Name');
  await name.fill('Walter Two');
  await name.press('Tab');
  const city = page.getByLabel('City');
  await city.fill('Lima');
  await city.press('Enter');
  await expect(page.getByRole('status')).toContainText('Saved');
  await expect(page.getByRole('alert')).toHaveCount(0);
  const first = async () => (await account.api<{ payload: { name: string; additional_attributes: { city?: string } }[] }>('GET', '/contacts?per_page=1')).body.payload[0];
  await expect.poll(async () => { const c = await first(); return [c.name, c.additional_attributes.city]; }).toEqual(['Walter Two', 'Lima']);
});

test('when an administrator deletes a custom attribute while a contact shows it, then saving it is refused and said, and the attribute is not defined again', async ({ page, account }) => {
  const definition = await account.api<{ id: number }>('POST', '/custom_attribute_definitions', {
    attribute_key: 'score', attribute_display_name: 'Score', attribute_display_type: 'number', attribute_model: 'contact_attribute',
  });
  await createContacts(account, [{ name: 'Xena Score', custom_attributes: { score: 5 } }]);
  await signIn(page, account);
  await page.getByRole('link', { name: 'Xena Score' }).click();
  const score = page.getByLabel('Score', { exact: true });
  await expect(score).toHaveValue('5');

  expect((await account.api('DELETE', `/custom_attribute_definitions/${definition.body.id}`)).status).toBeLessThan(300);

  await score.fill('42');
  await score.press('Enter');
  await expect(page.getByRole('alert')).toContainText('An administrator deleted the attribute "Score" meanwhile');
  const keys = (await account.api<{ attribute_key: string }[]>('GET', '/custom_attribute_definitions')).body.map((d) => d.attribute_key);
  expect(keys).not.toContain('score');
  // The screen reads the definitions again: the field is gone.
  await expect(page.getByLabel('Score', { exact: true })).toHaveCount(0);
});

// Found by the big-account review (2026-12-05): the screen sent the label set it showed, so a label
// a bulk action had added meanwhile was taken off when a label was added or removed here.
test('when another user labels the contact while it is open, then adding and removing a label here keeps theirs', async ({ page, account }) => {
  for (const title of ['partner', 'wave3', 'personal']) await account.api('POST', '/labels', { title });
  const [id] = await createContacts(account, [{ name: 'Lola Labels' }]);
  await account.api('POST', `/contacts/${id}/labels`, { labels: ['partner'] });
  const labelsOf = async () => (await account.api<{ payload: string[] }>('GET', `/contacts/${id}/labels`)).body.payload;
  await signIn(page, account);
  await page.getByRole('link', { name: 'Lola Labels' }).click();
  await expect(page.getByRole('button', { name: 'Remove label partner' })).toBeVisible();

  expect((await account.api('POST', '/bulk_actions', { type: 'Contact', ids: [id], labels: { add: ['wave3'] } })).status).toBe(200);
  await expect.poll(labelsOf).toEqual(['partner', 'wave3']);

  await page.getByLabel('Label', { exact: true }).fill('personal');
  await page.getByRole('button', { name: 'Add label' }).click();
  await expect.poll(labelsOf).toEqual(['partner', 'wave3', 'personal']);
  await expect(page.getByRole('button', { name: 'Remove label wave3' })).toBeVisible();

  expect((await account.api('POST', `/contacts/${id}/labels`, { labels: ['partner', 'wave3', 'personal', 'vip'] })).status).toBe(200);
  await page.getByRole('button', { name: 'Remove label partner' }).click();
  await expect.poll(labelsOf).toEqual(['wave3', 'personal', 'vip']);
  await expect(page.getByRole('alert')).toHaveCount(0);
});

// Found by the big-account review (2026-12-05): an edit was refused as a conflict when the other
// write was a bulk label, and during a bulk action every agent editing a contact it touched met it.
test('when another write left the edited field as the screen showed it, then the edit is saved on it; when it changed that field, it is refused', async ({ page, account }) => {
  await account.api('POST', '/labels', { title: 'wave3' });
  const [id] = await createContacts(account, [{ name: 'Nora Nudge', city: 'Lima' }]);
  const contactOf = async () => (await account.api<{ payload: { labels: string[]; additional_attributes: { city?: string } } }>('GET', `/contacts/${id}`)).body.payload;
  await signIn(page, account);
  await page.getByRole('link', { name: 'Nora Nudge' }).click();
  const city = page.getByLabel('City', { exact: true });
  await expect(city).toHaveValue('Lima');

  expect((await account.api('POST', '/bulk_actions', { type: 'Contact', ids: [id], labels: { add: ['wave3'] } })).status).toBe(200);
  await expect.poll(async () => (await contactOf()).labels).toEqual(['wave3']);
  await city.fill('Cusco');
  await city.press('Enter');
  await expect.poll(async () => (await contactOf()).additional_attributes.city).toBe('Cusco');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Remove label wave3' })).toBeVisible();

  expect((await account.api('PATCH', `/contacts/${id}`, { city: 'Arequipa' })).status).toBe(200);
  await city.fill('Trujillo');
  await city.press('Enter');
  await expect(page.getByRole('alert')).toContainText('Someone else changed this contact meanwhile');
  expect((await contactOf()).additional_attributes.city).toBe('Arequipa');
});

// Each save said "contact N not found" at its own field, and the screen stayed as if nothing had happened (black-box read of two users).
test('when another user deletes the contact while it is open, then the next save says above it that the contact no longer exists', async ({ page, account }) => {
  const [id] = await createContacts(account, [{ name: 'Gone Soon', city: 'Lima' }]);
  await signIn(page, account);
  await page.getByRole('link', { name: 'Gone Soon' }).click();
  const city = page.getByRole('region', { name: 'Details' }).getByLabel('City', { exact: true });
  await expect(city).toHaveValue('Lima');
  expect((await account.api('DELETE', `/contacts/${id}`)).status).toBe(200);

  await city.fill('Cusco');
  await city.press('Enter');
  await expect(page.getByTestId('contact-gone')).toHaveText(/This contact no longer exists: it was deleted, or merged into another contact, while it was open/);
  // What was typed stays in its box, to be copied.
  await expect(city).toHaveValue('Cusco');
  await page.getByRole('button', { name: /Back/ }).first().click();
  await expect(page.getByRole('link', { name: 'Gone Soon' })).toHaveCount(0);
});

// Notes, labels and messages said "contact N not found" in English at their own box, under a
// screen that offered every action still (black-box audit of 2026-12-07).
test('when another user deletes the contact while it is open, then a note, a label or a message says so above the screen, not at its box', async ({ page, account }) => {
  await account.api('POST', '/inboxes', { name: 'Mail', channel: { type: 'email', email: 'help@shop.example', smtp_address: '127.0.0.1', smtp_port: 2525 } });
  const [id] = await createContacts(account, [{ name: 'Gone Later', email: 'gone.later@example.com' }]);
  await signIn(page, account);
  await page.getByRole('link', { name: 'Gone Later' }).click();
  await expect(page.getByLabel('Channel', { exact: true }).locator('option', { hasText: 'Mail' })).toBeEnabled();
  expect((await account.api('DELETE', `/contacts/${id}`)).status).toBe(200);

  const note = page.getByLabel(/New note/);
  await note.fill('Called, no answer');
  await note.press('Control+Enter');
  await expect(page.getByTestId('contact-gone')).toBeVisible();
  await expect(page.getByText(/not found/)).toHaveCount(0);
  await expect(note).toHaveValue('Called, no answer');

  const labels = page.getByRole('region', { name: 'Labels' });
  await labels.getByLabel('Label', { exact: true }).fill('urgent');
  await labels.getByLabel('Label', { exact: true }).press('Enter');
  await page.getByLabel('Channel', { exact: true }).selectOption({ label: 'Mail (gone.later@example.com)' });
  await page.getByLabel('Message', { exact: true }).fill('hola');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('button', { name: 'Send' })).toBeEnabled();
  await expect(page.getByText(/not found/)).toHaveCount(0);
  await expect(page.getByTestId('contact-gone')).toHaveCount(1);
});

test('when a note is deleted by someone else while it is edited, then Save says so and its text goes to the new note box', async ({ page, account }) => {
  const [id] = await createContacts(account, [{ name: 'Nora Note' }]);
  const note = await account.api<{ id: number }>('POST', `/contacts/${id}/notes`, { content: 'to be deleted' });
  await signIn(page, account);
  await page.getByRole('link', { name: 'Nora Note' }).click();
  await page.getByRole('button', { name: 'Edit note' }).click();
  expect((await account.api('DELETE', `/contacts/${id}/notes/${note.body.id}`)).status).toBe(200);
  const editor = page.getByLabel(/Edit the note/);
  await editor.fill('my careful edit');
  await editor.press('Control+Enter');
  await expect(page.getByRole('alert')).toContainText('Someone else deleted the note you were editing');
  await expect(page.getByLabel(/New note/)).toHaveValue('my careful edit');
  await expect(page.getByTestId('note')).toHaveCount(0);
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(page.getByTestId('note')).toHaveText([/my careful edit/]);
});

// For a second or so after a delete the index still held the contact, and the list showed it with the old count (black-box audit).
test('when a contact is deleted on its screen, then the list it goes back to leaves it out at once, and counts without it', async ({ page, account }) => {
  await createContacts(account, [{ name: 'Keep One' }, { name: 'Drop One' }]);
  await signIn(page, account);
  await expect(page.getByTestId('count')).toHaveText('2 contacts');
  await page.getByRole('link', { name: 'Drop One' }).click();
  await page.getByRole('button', { name: 'Delete contact' }).click();
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByRole('link', { name: 'Keep One' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Drop One' })).toHaveCount(0);
  await expect(page.getByTestId('count')).toHaveText('1 contact');
});
