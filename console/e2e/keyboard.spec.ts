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
