import type { Page } from '@playwright/test';
import { createContacts, expect, rowNames, screenshot, signIn, test } from './support';

async function setCondition(page: Page, index: number, attribute: string, operator: string, value?: string) {
  const row = page.locator('.condition').nth(index);
  await row.getByLabel('Attribute').selectOption(attribute);
  await row.getByLabel('Operator').selectOption(operator);
  if (value !== undefined) {
    const input = row.getByLabel('Value');
    if ((await input.evaluate((el: { tagName: string }) => el.tagName)) === 'SELECT') await input.selectOption(value);
    else await input.fill(value);
  }
}

test('when a filter with an OR and an AND group is applied and saved as a segment, then the segment lists its count, reopens, and can be edited', async ({ page, account }) => {
  await createContacts(account, [
    { name: 'Lucía Lima', city: 'Lima' },
    { name: 'Quique Quito VIP', city: 'Quito' },
    { name: 'Quela Quito', city: 'Quito' },
    { name: 'Bea Bogotá', city: 'Bogotá' },
  ]);
  const vip = (await account.api<{ payload: { id: number; name: string }[] }>('GET', '/contacts/search?q=quique')).body.payload[0];
  await account.api('POST', `/contacts/${vip.id}/labels`, { labels: ['vip'] });
  await expect.poll(async () => (await account.api<{ meta: { count: number } }>('GET', '/contacts?labels[]=vip')).body.meta.count).toBe(1);

  await signIn(page, account);
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  // city = Lima OR (city = Quito AND labels has vip)
  await setCondition(page, 0, 'city', 'equal_to', 'Lima');
  await page.getByRole('button', { name: 'Add group' }).click();
  await page.getByLabel('Join with the next condition').first().selectOption('or');
  await setCondition(page, 1, 'city', 'equal_to', 'Quito');
  await page.locator('fieldset.group').getByRole('button', { name: 'Add condition' }).click();
  await setCondition(page, 2, 'labels', 'equal_to', 'vip');
  await expect(page.locator('fieldset.group').getByLabel('Join with the next condition')).toHaveValue('and');
  await screenshot(page, 'filter-builder');
  await page.getByRole('button', { name: 'Apply' }).click();

  await expect(page.getByTestId('count')).toHaveText('2 contacts');
  await expect.poll(async () => (await rowNames(page)).sort()).toEqual(['Lucía Lima', 'Quique Quito VIP']);

  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await page.getByRole('button', { name: 'Save as segment' }).click();
  await page.getByLabel('Segment name').fill('Lima or Quito VIPs');
  await page.getByRole('button', { name: 'Save', exact: true }).click();

  const segment = page.getByTestId('segments').getByRole('button', { name: /Lima or Quito VIPs/ });
  await expect(segment).toContainText('2');
  await expect(page.getByRole('heading', { name: 'Lima or Quito VIPs' })).toBeVisible();

  // Reopen from the sidebar, then edit: the group's label condition goes, and the name changes.
  await page.getByRole('button', { name: 'All contacts' }).click();
  await expect(page.getByTestId('count')).toHaveText('4 contacts');
  await segment.click();
  await expect(page.getByTestId('count')).toHaveText('2 contacts');
  await page.getByRole('button', { name: 'Edit segment' }).click();
  await expect(page.locator('.condition')).toHaveCount(3);
  await page.locator('.condition').nth(2).getByRole('button', { name: 'Remove condition' }).click();
  await page.getByLabel('Segment name').fill('Lima or Quito');
  await page.getByRole('button', { name: 'Save segment' }).click();

  const renamed = page.getByTestId('segments').getByRole('button', { name: /Lima or Quito/ });
  await expect(renamed).toContainText('3');
  await expect(page.getByTestId('count')).toHaveText('3 contacts');
  await screenshot(page, 'segment');

  await page.getByRole('button', { name: 'Delete segment' }).click();
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByTestId('segments')).toContainText('No segments yet');
});

test('when the filter builder is open, then Escape closes it', async ({ page, account }) => {
  await signIn(page, account);
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  const builder = page.getByRole('region', { name: 'Filter contacts' });
  await builder.locator('.condition').first().getByLabel('Attribute').focus();
  await page.keyboard.press('Escape');
  await expect(builder).toHaveCount(0);
});
