import { createContacts, expect, signIn, test } from './support';

test('when a panel is given up with Escape or Cancel, then the focus goes back to the button that opened it', async ({ page, account }) => {
  await createContacts(account, [{ name: 'Teclado Tomás' }]);
  await signIn(page, account);
  for (const [button, panel] of [['New contact', 'form.new-contact'], ['Export CSV', 'section.export-panel'], ['Filter', 'section.filter-builder']] as const) {
    const opener = page.getByRole('button', { name: button, exact: true });
    await opener.click();
    await page.locator(panel).locator('input, select').first().focus();
    await page.keyboard.press('Escape');
    await expect(opener).toBeFocused();
    await opener.click();
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(opener).toBeFocused();
  }
});

test('when the pages are walked with the keyboard, then the focus stays on Next and Previous as the list changes', async ({ page, account }) => {
  await createContacts(account, Array.from({ length: 30 }, (_, i) => ({ name: `Página ${String(i).padStart(2, '0')}` })));
  await signIn(page, account);
  const next = page.getByRole('button', { name: 'Next page' });
  await expect(page.getByTestId('contact-row')).toHaveCount(25);
  await expect(next).toBeEnabled();
  await next.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('contact-row')).toHaveCount(5);
  await expect(next).toBeFocused();
  const previous = page.getByRole('button', { name: 'Previous page' });
  await previous.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('contact-row')).toHaveCount(25);
  await expect(previous).toBeFocused();
});

test('when a bulk action on selected contacts ends, then the focus lands on its result, not on the page, so the keyboard carries on from there', async ({ page, account }) => {
  await createContacts(account, [{ name: 'Foco Uno' }, { name: 'Foco Dos' }, { name: 'Foco Tres' }]);
  await signIn(page, account);
  const result = page.getByTestId('bulk-result');

  await page.getByRole('checkbox', { name: 'Select Foco Uno' }).check();
  await page.getByRole('checkbox', { name: 'Select Foco Dos' }).check();
  const bar = page.getByRole('region', { name: '2 selected', exact: true });
  await bar.getByLabel('Label').fill('vip');
  await bar.getByRole('button', { name: 'Add label' }).focus();
  await page.keyboard.press('Enter');
  await expect(result).toContainText('Done: 2 contacts changed');
  await expect(result).toBeFocused();
  // Tab goes on from the result (its Dismiss), not from the page's top.
  await page.keyboard.press('Tab');
  await expect(result.getByRole('button', { name: 'Dismiss' })).toBeFocused();

  await page.getByRole('checkbox', { name: 'Select Foco Uno' }).check();
  await page.getByRole('region', { name: '1 selected', exact: true }).getByLabel('Label').fill('vip');
  await page.getByRole('button', { name: 'Remove label' }).focus();
  await page.keyboard.press('Enter');
  await expect(result).toContainText('Done: 1 contact changed');
  await expect(result).toBeFocused();

  await page.getByRole('checkbox', { name: 'Select Foco Tres' }).check();
  const deleteSelected = page.getByRole('button', { name: 'Delete selected' });
  await deleteSelected.focus();
  await page.keyboard.press('Enter');
  // Escape gives up the confirmation, back on "Delete selected".
  await expect(page.getByRole('button', { name: 'Confirm' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(deleteSelected).toBeFocused();
  await page.keyboard.press('Enter');
  // The confirmation takes the focus, and Confirm ends on the result too.
  await expect(page.getByRole('button', { name: 'Confirm' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(result).toContainText('Done: 1 contact changed');
  await expect(result).toBeFocused();
  await expect(page.getByTestId('count')).toHaveText('2 contacts');

  // Dismissing the result leaves the focus on the list's title, not on the page.
  await result.getByRole('button', { name: 'Dismiss' }).press('Enter');
  await expect(result).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'All contacts' })).toBeFocused();
});

test('when a panel is opened from the keyboard, then the focus moves into it, so that Escape closes it from there and Tab goes through it first', async ({ page, account }) => {
  await createContacts(account, [{ name: 'Panel Paula' }]);
  await signIn(page, account);
  for (const [button, panel] of [['New contact', 'form.new-contact'], ['Export CSV', 'section.export-panel'], ['Filter', 'section.filter-builder']] as const) {
    const opener = page.getByRole('button', { name: button, exact: true });
    await opener.focus();
    await page.keyboard.press('Enter');
    await expect(page.locator(panel)).toBeVisible();
    await expect(page.locator(panel).locator(':focus')).toHaveCount(1);
    await page.keyboard.press('Escape');
    await expect(page.locator(panel)).toHaveCount(0);
    await expect(opener).toBeFocused();
  }
});

test('when a contact\'s note, label or confirmation is finished with by keyboard, then the focus stays near it, not on the page', async ({ page, account }) => {
  const [id] = await createContacts(account, [{ name: 'Kira Keys' }]);
  await account.api('POST', `/contacts/${id}/notes`, { content: 'Primera' });
  await account.api('POST', `/contacts/${id}/notes`, { content: 'Segunda' });
  await account.api('POST', `/contacts/${id}/labels`, { labels: ['vip', 'gold'] });
  await signIn(page, account);
  await page.getByRole('link', { name: 'Kira Keys' }).click();
  const notes = page.getByTestId('note');
  await expect(notes).toHaveCount(2);

  // A note's delete given up: back on its Delete note.
  const deleteFirst = notes.first().getByRole('button', { name: 'Delete note' });
  await deleteFirst.press('Enter');
  await page.keyboard.press('Escape');
  await expect(deleteFirst).toBeFocused();
  // An edit given up or saved: back on its Edit note.
  const editFirst = notes.first().getByRole('button', { name: 'Edit note' });
  await editFirst.press('Enter');
  await page.keyboard.press('Escape');
  await expect(editFirst).toBeFocused();
  await editFirst.press('Enter');
  await page.keyboard.press('Control+Enter');
  await expect(notes.first().getByRole('button', { name: 'Edit note' })).toBeFocused();
  // A note deleted: the focus goes to the notes' heading, not to the page.
  await deleteFirst.press('Enter');
  await page.keyboard.press('Enter'); // Cancel has the focus: gives up again
  await expect(deleteFirst).toBeFocused();
  await deleteFirst.press('Enter');
  await notes.first().getByRole('button', { name: 'Confirm' }).press('Enter');
  await expect(notes).toHaveCount(1);
  await expect(page.getByRole('heading', { name: 'Notes' })).toBeFocused();

  // A label removed: the focus goes to the label box.
  await page.getByRole('button', { name: 'Remove label vip' }).press('Enter');
  await expect(page.getByRole('button', { name: 'Remove label vip' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Labels' }).getByLabel('Label', { exact: true })).toBeFocused();

  // The contact's delete given up: back on Delete contact.
  const deleteContact = page.getByRole('button', { name: 'Delete contact' });
  await deleteContact.press('Enter');
  await page.keyboard.press('Escape');
  await expect(deleteContact).toBeFocused();
});

test('when a filter is applied, a segment saved or deleted, or a contact opened and left by keyboard, then the focus goes to the new screen\'s title, not to the page', async ({ page, account }) => {
  await createContacts(account, [{ name: 'Ruta Uno', city: 'Lima' }, { name: 'Ruta Dos', city: 'Cusco' }]);
  await signIn(page, account);
  const title = page.getByRole('heading', { level: 1 });
  await page.getByRole('button', { name: 'Filter', exact: true }).press('Enter');
  const condition = page.locator('.condition').first();
  await condition.getByLabel('Attribute').selectOption('city');
  await condition.getByLabel('Operator').selectOption('equal_to');
  await condition.getByLabel('Value').fill('Lima');
  await page.getByRole('button', { name: 'Apply' }).press('Enter');
  await expect(page.getByTestId('count')).toHaveText('1 contact');
  await expect(title).toHaveText('Filtered contacts');
  await expect(title).toBeFocused();

  await page.getByRole('link', { name: 'Ruta Uno' }).press('Enter');
  await expect(title).toHaveText('Ruta Uno');
  await expect(title).toBeFocused();
  await page.getByRole('button', { name: /Back to the list/ }).press('Enter');
  await expect(title).toHaveText('Filtered contacts');
  await expect(title).toBeFocused();

  await page.getByRole('button', { name: 'Filter', exact: true }).press('Enter');
  await page.getByRole('button', { name: 'Save as segment' }).press('Enter');
  // The name box replaces the button and takes the focus: typed at once, the name lands there.
  await expect(page.getByLabel('Segment name')).toBeFocused();
  await page.keyboard.type('Limeños');
  await expect(page.getByLabel('Segment name')).toHaveValue('Limeños');
  await page.getByRole('button', { name: 'Save', exact: true }).press('Enter');
  await expect(title).toHaveText('Limeños');
  await expect(title).toBeFocused();
  // The confirmation takes the focus; Escape gives it up and gives it back to "Delete segment".
  const deleteSegment = page.getByRole('button', { name: 'Delete segment' });
  await deleteSegment.press('Enter');
  await expect(page.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('button', { name: 'Confirm' })).toHaveCount(0);
  await expect(deleteSegment).toBeFocused();
  await deleteSegment.press('Enter');
  await page.getByRole('button', { name: 'Confirm' }).press('Enter');
  await expect(title).toHaveText('All contacts');
  await expect(title).toBeFocused();
});

test('when a condition or a group is removed from the filter builder by keyboard, then the focus goes to its level\'s Add condition, not to the page', async ({ page, account }) => {
  await signIn(page, account);
  await page.getByRole('button', { name: 'Filter', exact: true }).press('Enter');
  const builder = page.locator('section.filter-builder');
  const addTop = builder.locator('.actions').first().getByRole('button', { name: 'Add condition' });
  await addTop.press('Enter');
  await expect(builder.locator('.condition')).toHaveCount(2);
  await builder.locator('.condition').nth(1).getByRole('button', { name: 'Remove condition' }).press('Enter');
  await expect(builder.locator('.condition')).toHaveCount(1);
  await expect(addTop).toBeFocused();

  await builder.getByRole('button', { name: 'Add group' }).press('Enter');
  const group = builder.locator('fieldset.group');
  await group.getByRole('button', { name: 'Add condition' }).press('Enter');
  await expect(group.locator('.condition')).toHaveCount(2);
  await group.locator('.condition').nth(1).getByRole('button', { name: 'Remove condition' }).press('Enter');
  await expect(group.locator('.condition')).toHaveCount(1);
  await expect(group.getByRole('button', { name: 'Add condition' })).toBeFocused();
  await group.getByRole('button', { name: 'Remove group' }).press('Enter');
  await expect(group).toHaveCount(0);
  await expect(addTop).toBeFocused();
});
