import type { Page } from '@playwright/test';
import { createContacts, expect, rowNames, screenshot, signIn, test, type E2eAccount } from './support';

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
  // The builder closed, the list says what it holds to (it said only "Filtered contacts").
  await expect(page.getByTestId('filter-summary')).toHaveText('Showing contacts where City equal to "Lima" OR (City equal to "Quito" AND Labels equal to "vip")');

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
  // A segment says its conditions as a filtered list does.
  await expect(page.getByTestId('filter-summary')).toHaveText('Showing contacts where City equal to "Lima" OR (City equal to "Quito" AND Labels equal to "vip")');
  await page.getByRole('button', { name: 'Edit segment' }).click();
  await expect(page.locator('.condition')).toHaveCount(3);
  await page.locator('.condition').nth(2).getByRole('button', { name: 'Remove condition' }).click();
  await page.getByLabel('Segment name').fill('Lima or Quito');
  await page.getByLabel('Segment name').press('Enter');

  const renamed = page.getByTestId('segments').getByRole('button', { name: /Lima or Quito/ });
  await expect(renamed).toContainText('3');
  await expect(page.getByTestId('count')).toHaveText('3 contacts');
  // The builder closed under the keyboard: the focus is on the segment's title, not dropped to the page.
  await expect(page.getByRole('heading', { name: 'Lima or Quito' })).toBeFocused();
  await expect(page.getByTestId('filter-summary')).toHaveText('Showing contacts where City equal to "Lima" OR (City equal to "Quito")');
  await screenshot(page, 'segment');

  await page.getByRole('button', { name: 'Delete segment' }).click();
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByTestId('segments')).toContainText('No segments yet');
});

// From a black-box audit in Chromium: a 600-character value was refused in the API's words, naming its setting.
test('when a contains value is typed, then its box holds as much as the API takes; an equal-to box is not cut', async ({ page, account }) => {
  await signIn(page, account);
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await setCondition(page, 0, 'city', 'contains', 'x'.repeat(300));
  const value = page.locator('.condition').first().getByLabel('Value');
  await expect(value).toHaveValue('x'.repeat(255));
  await setCondition(page, 0, 'city', 'equal_to', 'y'.repeat(300));
  await expect(value).toHaveValue('y'.repeat(300));
});

test('when the filter builder is open, then Escape closes it', async ({ page, account }) => {
  await signIn(page, account);
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  const builder = page.getByRole('region', { name: 'Filter contacts' });
  await builder.locator('.condition').first().getByLabel('Attribute').focus();
  await page.keyboard.press('Escape');
  await expect(builder).toHaveCount(0);
});

test('when a condition has no value, a day count that is negative or not whole, or a group is empty, then the builder marks it and stays open, and the list does not hang', async ({ page, account }) => {
  await account.api('POST', '/custom_attribute_definitions', { attribute_key: 'seats', attribute_display_name: 'Seats', attribute_display_type: 'number', attribute_model: 'contact_attribute' });
  await createContacts(account, [{ name: 'Lucía Lima', city: 'Lima' }, { name: 'Bea Bogotá', city: 'Bogotá' }]);
  await signIn(page, account);
  await expect(page.getByTestId('count')).toHaveText('2 contacts');
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  const builder = page.locator('section.filter-builder');
  const row = (i: number) => page.locator('.condition').nth(i);

  await setCondition(page, 0, 'city', 'contains', '');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(row(0).getByTestId('filter-problem')).toHaveText('Enter a value.');
  await expect(row(0).getByLabel('Value')).toHaveAttribute('aria-invalid', 'true');
  await expect(builder).toBeVisible();
  await expect(page.getByTestId('count')).toHaveText('2 contacts');

  await setCondition(page, 0, 'city', 'contains', 'Lima');
  await expect(row(0).getByTestId('filter-problem')).toHaveCount(0);
  await page.getByRole('button', { name: 'Add condition' }).click();
  for (const days of ['-5', '1.5']) {
    await setCondition(page, 1, 'created_at', 'days_before', days);
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(row(1).getByTestId('filter-problem')).toHaveText('Enter a whole number of days, 0 or more.');
  }
  await setCondition(page, 1, 'created_at', 'is_greater_than', '');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(row(1).getByTestId('filter-problem')).toHaveText('Pick a date.');
  // A number attribute chosen and left untouched: its box held 0 and the filter ran as "= 0".
  await row(1).getByLabel('Attribute').selectOption('seats');
  await expect(row(1).getByLabel('Value')).toHaveValue('');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(row(1).getByTestId('filter-problem')).toHaveText('Enter a number.');
  await row(1).getByRole('button', { name: 'Remove condition' }).click();

  await page.getByRole('button', { name: 'Add group' }).click();
  await page.locator('fieldset.group').getByRole('button', { name: 'Remove condition' }).click();
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.locator('fieldset.group').getByTestId('filter-problem')).toHaveText('This group has no conditions: add one or remove the group.');
  await page.getByRole('button', { name: 'Remove group' }).click();

  await row(0).getByRole('button', { name: 'Remove condition' }).click();
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(builder.getByTestId('filter-problem')).toHaveText('Add at least one condition.');
  await expect(builder).toBeVisible();
  await expect(page.getByTestId('count')).toHaveText('2 contacts');
  await expect(page.getByRole('heading', { name: 'All contacts' })).toBeVisible();
});

test('when the API refuses a condition the builder let through, then its message shows at that condition, in a group too, and the builder stays open', async ({ page, account }) => {
  await createContacts(account, [{ name: 'Lucía Lima', city: 'Lima', phone_number: '+51987654321' }, { name: 'Bea Bogotá', city: 'Bogotá' }]);
  await signIn(page, account);
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  const builder = page.locator('section.filter-builder');
  await setCondition(page, 0, 'city', 'equal_to', 'Lima');
  await page.getByRole('button', { name: 'Add group' }).click();
  await page.locator('fieldset.group').getByRole('button', { name: 'Add condition' }).click();
  await setCondition(page, 1, 'name', 'is_present');
  // Not a phone number: the API's own rules (E.164) refuse it, naming payload[1].group[1].
  await setCondition(page, 2, 'phone_number', 'equal_to', 'not-a-phone');
  await page.getByRole('button', { name: 'Apply' }).click();

  const problem = page.locator('.condition').nth(2).getByTestId('filter-problem');
  await expect(problem).toContainText('The server refused this:');
  await expect(page.locator('.condition').nth(2)).toHaveAttribute('data-invalid', 'true');
  await expect(page.locator('.condition').nth(0).getByTestId('filter-problem')).toHaveCount(0);
  await expect(builder).toBeVisible();
  await expect(page.getByTestId('count')).toHaveText('2 contacts');

  await setCondition(page, 2, 'phone_number', 'equal_to', '+51 987 654 321');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('count')).toHaveText('1 contact');
  await expect(builder).toHaveCount(0);
  expect(await rowNames(page)).toEqual(['Lucía Lima']);
});

test('when a filter from a link is refused, then the builder opens at the condition and the list says why instead of loading for ever', async ({ page, account }) => {
  await createContacts(account, [{ name: 'Lucía Lima', city: 'Lima' }]);
  await signIn(page, account);
  const payload = [{ attribute_key: 'city', filter_operator: 'contains', values: ['Lima'], query_operator: 'and' }, { attribute_key: 'created_at', filter_operator: 'days_before', values: [-5] }];
  await page.goto(`/app/#/filter?payload=${encodeURIComponent(JSON.stringify(payload))}`);
  // In the console's words, as its own check says it when Apply is pressed (it was the API's English).
  await expect(page.locator('.condition').nth(1).getByTestId('filter-problem')).toHaveText('Enter a whole number of days, 0 or more.');
  await expect(page.getByTestId('count')).not.toHaveText('Loading…');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('alert')).toContainText('The list could not be read');
});

// A one-letter contains on an attribute matched by wildcard, marked by the builder before it is
// sent, reached the API from a link and was refused in its English, naming its setting, in the
// Spanish console too (console audit at 940,000 contacts).
test('when a filter from a link holds a one-letter contains on a company, then the builder says so in the console\'s language', async ({ page, account }) => {
  await signIn(page, account);
  await page.getByLabel('Language').selectOption('es');
  const payload = [{ attribute_key: 'company_name', filter_operator: 'contains', values: ['a'] }];
  await page.goto(`/app/#/filter?payload=${encodeURIComponent(JSON.stringify(payload))}`);
  await expect(page.locator('.condition').first().getByTestId('filter-problem')).toHaveText('Escribe al menos 2 caracteres: este campo no se busca por una sola letra.');
});

test('when a segment made through the API holds several values for a condition, then the builder shows them all and editing the first keeps the others', async ({ page, account }) => {
  await createContacts(account, [{ name: 'Lía Lima', city: 'Lima' }, { name: 'Ciro Cusco', city: 'Cusco' }, { name: 'Quela Quito', city: 'Quito' }]);
  const segment = await account.api<{ id: number }>('POST', '/custom_filters', {
    name: 'Perú', filter_type: 'contact', query: { payload: [{ attribute_key: 'city', filter_operator: 'equal_to', values: ['Lima', 'Cusco'] }] },
  });
  await signIn(page, account);
  await page.getByRole('button', { name: /^Perú/ }).click();
  await expect(page.getByTestId('count')).toHaveText('2 contacts');
  await page.getByRole('button', { name: 'Edit segment' }).click();
  const condition = page.locator('.condition').first();
  await expect(condition).toContainText('Cusco');
  await condition.getByLabel('Value').fill('Quito');
  await page.getByRole('button', { name: 'Save segment' }).click();
  await expect.poll(async () => (await account.api<{ query: { payload: { values: string[] }[] } }>('GET', `/custom_filters/${segment.body.id}`)).body.query.payload[0].values).toEqual(['Quito', 'Cusco']);
});

// It answered "custom filter 8030 not found" in the API's words, with no way to keep the conditions (black-box read of two users).
test('when someone else deletes a segment while it is edited, then Save segment says so, the conditions stay, and Save as segment keeps them as a new one', async ({ page, account }) => {
  await createContacts(account, [{ name: 'Lía Lima', city: 'Lima' }, { name: 'Ciro Cusco', city: 'Cusco' }]);
  const segment = await account.api<{ id: number }>('POST', '/custom_filters', {
    name: 'Limeños', filter_type: 'contact', query: { payload: [{ attribute_key: 'city', filter_operator: 'equal_to', values: ['Lima'] }] },
  });
  await signIn(page, account);
  await page.getByRole('button', { name: /^Limeños/ }).click();
  await page.getByRole('button', { name: 'Edit segment' }).click();
  const condition = page.locator('.condition').first();
  await condition.getByLabel('Value').fill('Cusco');
  await account.api('DELETE', `/custom_filters/${segment.body.id}`);
  await page.getByRole('button', { name: 'Save segment' }).click();
  await expect(page.getByTestId('filter-problem')).toHaveText('This segment was deleted by someone else while you edited it. Your conditions are kept: Save as segment saves them as a new one.');
  await expect(page.locator('section.filter-builder')).toBeVisible();

  await page.getByRole('button', { name: 'Save as segment' }).click();
  await expect(page.getByLabel('Segment name')).toBeFocused();
  await page.getByLabel('Segment name').fill('Cusqueños');
  await page.getByLabel('Segment name').press('Enter');
  await expect(page.getByRole('heading', { name: /Cusqueños/ })).toBeVisible();
  await expect(page.getByTestId('count')).toHaveText('1 contact');
  const saved = (await account.api<{ name: string; query: { payload: { values: string[] }[] } }[]>('GET', '/custom_filters')).body;
  expect(saved.map((s) => [s.name, s.query.payload[0].values])).toEqual([['Cusqueños', ['Cusco']]]);
});

test('when a condition is given several values, then "is" matches any of them and "is not" none, and the link and the saved segment keep them all', async ({ page, account }) => {
  await createContacts(account, [{ name: 'Lía Lima', city: 'Lima' }, { name: 'Ciro Cusco', city: 'Cusco' }, { name: 'Quela Quito', city: 'Quito' }]);
  await signIn(page, account);
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await setCondition(page, 0, 'city', 'equal_to', 'Lima');
  const condition = page.locator('.condition').first();
  const value = condition.getByLabel('Value');
  // The value typed becomes a chip, and the box takes the next one (Enter does the same).
  await condition.getByRole('button', { name: 'Add another value' }).click();
  await expect(value).toHaveValue('');
  await expect(value).toBeFocused();
  await value.fill('Cusco');
  await value.press('Enter');
  await expect(condition.getByTestId('value-chip')).toHaveText(['Lima', 'Cusco']);
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('count')).toHaveText('2 contacts');
  await expect.poll(async () => (await rowNames(page)).sort()).toEqual(['Ciro Cusco', 'Lía Lima']);

  // The link holds both values.
  await page.reload();
  await expect(page.getByTestId('count')).toHaveText('2 contacts');
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await expect(condition.getByLabel('Value')).toHaveValue('Lima');
  await expect(condition.getByTestId('value-chip')).toHaveText(['Cusco']);
  await condition.getByLabel('Operator').selectOption('not_equal_to');
  await expect(condition.getByTestId('value-chip')).toHaveText(['Cusco']);
  await expect(condition.getByTestId('values-join')).toHaveText('nor');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('count')).toHaveText('1 contact');
  await expect.poll(() => rowNames(page)).toEqual(['Quela Quito']);

  // A chip removed is gone from what is saved; the segment keeps the values shown.
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await condition.getByRole('button', { name: 'Remove Cusco' }).click();
  await expect(condition.getByTestId('value-chip')).toHaveCount(0);
  await condition.getByRole('button', { name: 'Add another value' }).click();
  await condition.getByLabel('Value').fill('Quito');
  await condition.getByRole('button', { name: 'Add another value' }).click();
  await page.getByRole('button', { name: 'Save as segment' }).click();
  await page.getByLabel('Segment name').fill('Ni Lima ni Quito');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Ni Lima ni Quito' })).toBeVisible();
  await expect(page.getByTestId('count')).toHaveText('1 contact');
  await expect.poll(() => rowNames(page)).toEqual(['Ciro Cusco']);
  const segments = (await account.api<{ name: string; query: { payload: { values: string[] }[] } }[]>('GET', '/custom_filters')).body;
  expect(segments.find((s) => s.name === 'Ni Lima ni Quito')!.query.payload[0].values).toEqual(['Lima', 'Quito']);
});

test('when labels are given several values in Spanish, then the contacts with any of them are listed and every string is Spanish', async ({ page, account }) => {
  const [ana, beto] = await createContacts(account, [{ name: 'Ana Oro' }, { name: 'Beto Plata' }, { name: 'Cora Nada' }]);
  await account.api('POST', `/contacts/${ana}/labels`, { labels: ['oro'] });
  await account.api('POST', `/contacts/${beto}/labels`, { labels: ['plata'] });
  await expect.poll(async () => (await account.api<{ meta: { count: number } }>('GET', '/contacts?labels[]=plata')).body.meta.count).toBe(1);
  await signIn(page, account);
  await page.getByLabel('Language').selectOption('es');
  await page.getByRole('button', { name: 'Filtrar', exact: true }).click();
  const condition = page.locator('.condition').first();
  await condition.getByLabel('Atributo').selectOption('labels');
  await condition.getByLabel('Operador').selectOption('equal_to');
  await condition.getByLabel('Valor').selectOption('oro');
  await condition.getByRole('button', { name: 'Añadir otro valor' }).click();
  await expect(condition.getByLabel('Valor')).toHaveValue('');
  await condition.getByLabel('Valor').selectOption('plata');
  await expect(condition.getByTestId('value-chip')).toHaveText(['oro']);
  await expect(condition.getByRole('button', { name: 'Quitar oro' })).toBeVisible();
  await page.getByRole('button', { name: 'Aplicar' }).click();
  await expect(page.getByTestId('count')).toHaveText('2 contactos');
  await expect.poll(async () => (await rowNames(page)).sort()).toEqual(['Ana Oro', 'Beto Plata']);
});

test('when a segment names a custom attribute whose definition was deleted, then the builder shows that attribute, not another one in its place', async ({ page, account }) => {
  const definition = await account.api<{ id: number }>('POST', '/custom_attribute_definitions', { attribute_key: 'plan', attribute_display_name: 'Plan', attribute_display_type: 'text', attribute_model: 'contact_attribute' });
  await createContacts(account, [{ name: 'Pía Plan', custom_attributes: { plan: 'pro' } }]);
  await account.api('POST', '/custom_filters', { name: 'Plan pro', filter_type: 'contact', query: { payload: [{ attribute_key: 'plan', filter_operator: 'equal_to', values: ['pro'] }] } });
  await account.api('DELETE', `/custom_attribute_definitions/${definition.body.id}`);
  await signIn(page, account);
  await page.getByRole('button', { name: /^Plan pro/ }).click();
  // From a black-box read: it offered "Try again", which a segment that no longer compiles cannot pass.
  const refused = page.getByRole('alert').filter({ hasText: 'This segment no longer runs:' });
  await expect(refused).toContainText('no longer compiles');
  await expect(refused.getByRole('button', { name: 'Try again' })).toHaveCount(0);
  await refused.getByRole('button', { name: 'Edit its conditions' }).click();
  const condition = page.locator('.condition').first();
  await expect(condition.getByLabel('Attribute')).toHaveValue('plan');
  await expect(condition.getByLabel('Attribute').locator('option:checked')).toHaveText('plan (not defined)');
  await expect(condition.getByLabel('Operator')).toHaveValue('equal_to');
  await expect(condition.getByLabel('Value')).toHaveValue('pro');
});

// The builder kept offering it, and Apply showed the API's own words (black-box read of two users).
test('when an administrator deletes a custom attribute while the builder uses it, then Apply says so in words and the builder shows it as not defined', async ({ page, account }) => {
  const definition = await account.api<{ id: number }>('POST', '/custom_attribute_definitions', { attribute_key: 'plan', attribute_display_name: 'Plan', attribute_display_type: 'text', attribute_model: 'contact_attribute' });
  await createContacts(account, [{ name: 'Pía Plan', custom_attributes: { plan: 'pro' } }]);
  await signIn(page, account);
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await setCondition(page, 0, 'plan', 'equal_to', 'pro');
  await account.api('DELETE', `/custom_attribute_definitions/${definition.body.id}`);
  await page.getByRole('button', { name: 'Apply' }).click();
  const condition = page.locator('.condition').first();
  await expect(condition.getByTestId('filter-problem')).toHaveText('The attribute "plan" is not defined (an administrator deleted it): remove this condition or choose another attribute.');
  await expect(condition.getByLabel('Attribute').locator('option:checked')).toHaveText('plan (not defined)');
  await expect(condition.getByLabel('Attribute').locator('option', { hasText: /^Plan$/ })).toHaveCount(0);
});

test('when a segment names a label the account no longer has, then the builder shows that label, not "—"', async ({ page, account }) => {
  await account.api('POST', '/labels', { title: 'vip', color: '#ff0000' });
  await account.api('POST', '/custom_filters', { name: 'Antiguos', filter_type: 'contact', query: { payload: [{ attribute_key: 'labels', filter_operator: 'equal_to', values: ['retirada'] }] } });
  await signIn(page, account);
  await page.getByRole('button', { name: /^Antiguos/ }).click();
  await page.getByRole('button', { name: 'Edit segment' }).click();
  const value = page.locator('.condition').first().getByLabel('Value');
  await expect(value).toHaveValue('retirada');
  await expect(value.locator('option:checked')).toHaveText('retirada');
});

test('when a number is typed with a decimal comma in Spanish and the segment is named with Enter, then the filter compares that number, reads as a number\'s, and the segment is saved', async ({ page, account }) => {
  await account.api('POST', '/custom_attribute_definitions', { attribute_key: 'score', attribute_display_name: 'Score', attribute_display_type: 'number', attribute_model: 'contact_attribute' });
  await createContacts(account, [{ name: 'Baja', custom_attributes: { score: 7.25 } }, { name: 'Alta', custom_attributes: { score: 9 } }]);
  await signIn(page, account);
  await page.getByLabel('Language').selectOption('es');
  await page.getByRole('button', { name: 'Filtrar', exact: true }).click();
  const condition = page.locator('.condition').first();
  await condition.getByLabel('Atributo').selectOption('score');
  // A number's comparison, not a date's ("es anterior / menor que" read as both).
  await expect(condition.getByLabel('Operador').locator('option[value="is_less_than"]')).toHaveText('es menor que');
  await condition.getByLabel('Operador').selectOption('is_less_than');
  // The browser's number box read 7,5 as 75 and the filter ran on that.
  await condition.getByLabel('Valor').fill('7,5');
  await expect(condition.getByLabel('Valor')).toHaveValue('7,5');
  await page.getByRole('button', { name: 'Aplicar' }).click();
  await expect(page.getByTestId('count')).toHaveText('1 contacto');
  await expect.poll(() => rowNames(page)).toEqual(['Baja']);

  await page.getByRole('button', { name: 'Filtrar', exact: true }).click();
  // The list's Limpiar and the builder's are told apart.
  await expect(page.getByRole('button', { name: 'Limpiar', exact: true })).toHaveCount(1);
  await expect(page.getByRole('button', { name: 'Limpiar filtro', exact: true })).toHaveCount(1);
  await page.getByRole('button', { name: 'Guardar como segmento' }).click();
  await page.getByLabel('Nombre del segmento').fill('Puntuación baja');
  await page.getByLabel('Nombre del segmento').press('Enter');
  await expect(page.getByTestId('segments').getByRole('button', { name: /Puntuación baja/ })).toContainText('1');
  const saved = await account.api<{ query: { payload: { values: unknown[] }[] } }[]>('GET', '/custom_filters');
  expect(saved.body[0].query.payload[0].values).toEqual([7.5]);
});

// city = Lima AND (plan = pro OR (labels has vip AND active = true)): a group inside a group, as the API takes it.
const NESTED = [
  { attribute_key: 'city', filter_operator: 'equal_to', values: ['Lima'], query_operator: 'and' },
  {
    group: [
      { attribute_key: 'plan', filter_operator: 'equal_to', values: ['pro'], query_operator: 'or' },
      { group: [{ attribute_key: 'labels', filter_operator: 'equal_to', values: ['vip'], query_operator: 'and' }, { attribute_key: 'active', filter_operator: 'equal_to', values: [true] }] },
    ],
  },
];

async function nestedAccountData(account: E2eAccount) {
  await account.api('POST', '/custom_attribute_definitions', { attribute_key: 'plan', attribute_display_name: 'Plan', attribute_display_type: 'text', attribute_model: 'contact_attribute' });
  await account.api('POST', '/custom_attribute_definitions', { attribute_key: 'active', attribute_display_name: 'Active', attribute_display_type: 'checkbox', attribute_model: 'contact_attribute' });
  await account.api('POST', '/labels', { title: 'vip', color: '#ff0000' });
  const [, vip] = await createContacts(account, [
    { name: 'Pía Pro', city: 'Lima', custom_attributes: { plan: 'pro' } },
    { name: 'Vico Vip', city: 'Lima', custom_attributes: { active: true } },
    { name: 'Vera Idle', city: 'Lima', custom_attributes: { active: false } },
    { name: 'Quique Pro', city: 'Quito', custom_attributes: { plan: 'pro' } },
  ]);
  await account.api('POST', `/contacts/${vip}/labels`, { labels: ['vip'] });
  await expect.poll(async () => (await account.api<{ meta: { count: number } }>('POST', '/contacts/filter', { payload: NESTED })).body.meta.count).toBe(2);
}

test('when a segment holds a group inside a group, then Edit segment shows the nested group with its joins, and saving keeps it', async ({ page, account }) => {
  await nestedAccountData(account);
  const segment = await account.api<{ id: number }>('POST', '/custom_filters', { name: 'Nested', filter_type: 'contact', query: { payload: NESTED } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await signIn(page, account);
  await page.goto(`/app/#/segment/${segment.body.id}`);
  await expect(page.getByTestId('count')).toHaveText('2 contacts');
  await page.getByRole('button', { name: 'Edit segment' }).click();

  const outer = page.locator('.filter-builder > ol > li > fieldset.group');
  const inner = outer.locator('fieldset.group');
  await expect(outer).toHaveCount(1);
  await expect(inner).toHaveCount(1);
  await expect(page.locator('.condition')).toHaveCount(4);
  await expect(inner.locator('.condition').first().getByLabel('Value')).toHaveValue('vip');
  await expect(inner.locator('.condition').nth(1).getByLabel('Attribute')).toHaveValue('active');
  // The outer group's join of plan to the inner group is OR; the inner one's is AND.
  await expect(outer.locator(':scope > ol > li > label.join select')).toHaveValue('or');
  await expect(inner.getByLabel('Join with the next condition')).toHaveValue('and');
  await screenshot(page, 'filter-nested-group');

  await page.getByLabel('Segment name').fill('Nested, renamed');
  await page.getByRole('button', { name: 'Save segment' }).click();
  await expect(page.getByRole('heading', { name: 'Nested, renamed' })).toBeVisible();
  const saved = await account.api<{ query: { payload: unknown } }>('GET', `/custom_filters/${segment.body.id}`);
  expect(saved.body.query.payload).toEqual(NESTED);
  await expect(page.getByTestId('count')).toHaveText('2 contacts');
  expect(errors).toEqual([]);
});

test('when a filter link holds a nested group, then Filter shows it, a group can be added inside a group down to the API\'s depth, and Apply runs it', async ({ page, account }) => {
  await nestedAccountData(account);
  await signIn(page, account);
  await page.goto(`/app/#/filter?payload=${encodeURIComponent(JSON.stringify(NESTED))}`);
  await expect(page.getByTestId('count')).toHaveText('2 contacts');
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await expect(page.locator('fieldset.group fieldset.group .condition')).toHaveCount(2);

  // The inner group (depth 2) offers groups inside it down to depth 5, then no more.
  let deepest = page.locator('fieldset.group fieldset.group');
  for (let depth = 3; depth <= 5; depth++) {
    await deepest.last().getByRole('button', { name: 'Add group' }).last().click();
    deepest = page.locator(`fieldset.group${' fieldset.group'.repeat(depth - 1)}`);
    await expect(deepest).toHaveCount(1);
  }
  await expect(deepest.getByRole('button', { name: 'Add group' })).toHaveCount(0);
  // Each new group's condition: city contains Lim (every contact of Lima), ANDed after the vip/active pair.
  for (let depth = 3; depth <= 5; depth++) {
    const condition = page.locator(`fieldset.group${' fieldset.group'.repeat(depth - 1)}`).first().locator(':scope > ol > li > .condition');
    await condition.getByLabel('Attribute').selectOption('city');
    await condition.getByLabel('Operator').selectOption('contains');
    await condition.getByLabel('Value').fill('Lim');
  }
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('count')).toHaveText('2 contacts');
  await expect.poll(async () => (await rowNames(page)).sort()).toEqual(['Pía Pro', 'Vico Vip']);

  // Removing the deepest group's condition leaves an empty group, said at that group.
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await page.locator('fieldset.group'.concat(' fieldset.group'.repeat(4))).getByRole('button', { name: 'Remove condition' }).click();
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.locator('fieldset.group'.concat(' fieldset.group'.repeat(4))).getByTestId('filter-problem')).toHaveText('This group has no conditions: add one or remove the group.');
});

test('when a segment\'s joins are stored as "OR" and "And", then the builder shows OR and AND, and saving keeps the segment\'s meaning', async ({ page, account }) => {
  await createContacts(account, [{ name: 'Lía Lima', city: 'Lima' }, { name: 'Quela Quito', city: 'Quito' }, { name: 'Bea Bogotá', city: 'Bogotá' }]);
  const segment = await account.api<{ id: number }>('POST', '/custom_filters', {
    name: 'Upper', filter_type: 'contact', query: { payload: [
      { attribute_key: 'city', filter_operator: 'equal_to', values: ['Lima'], query_operator: 'OR' },
      { group: [{ attribute_key: 'city', filter_operator: 'equal_to', values: ['Quito'], query_operator: 'And' }, { attribute_key: 'name', filter_operator: 'contains', values: ['Quela'] }] },
    ] },
  });
  await signIn(page, account);
  await page.goto(`/app/#/segment/${segment.body.id}`);
  await expect(page.getByTestId('count')).toHaveText('2 contacts');
  await page.getByRole('button', { name: 'Edit segment' }).click();
  const joins = page.getByLabel('Join with the next condition');
  await expect(joins).toHaveCount(2);
  await expect(joins.first()).toHaveValue('or');
  await expect(joins.nth(1)).toHaveValue('and');
  await page.getByLabel('Segment name').fill('Upper, saved');
  await page.getByRole('button', { name: 'Save segment' }).click();
  await expect(page.getByRole('heading', { name: 'Upper, saved' })).toBeVisible();
  await expect(page.getByTestId('count')).toHaveText('2 contacts');
  const saved = await account.api<{ query: { payload: { query_operator?: string }[] } }>('GET', `/custom_filters/${segment.body.id}`);
  expect(saved.body.query.payload[0].query_operator).toBe('or');
});

// From a black-box read: "contains" on a list attribute offered only the list's whole values.
test('when a list attribute is filtered by contains or starts with, then part of a value is typed, and the matches are listed', async ({ page, account }) => {
  await account.api('POST', '/custom_attribute_definitions', { attribute_key: 'plan', attribute_display_name: 'Plan', attribute_display_type: 'list', attribute_model: 'contact_attribute', attribute_values: ['Gold Plus', 'Silver'] });
  await createContacts(account, [{ name: 'Oro Uno', custom_attributes: { plan: 'Gold Plus' } }, { name: 'Plata Dos', custom_attributes: { plan: 'Silver' } }]);
  await signIn(page, account);
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  const condition = page.locator('.condition').first();
  await setCondition(page, 0, 'plan', 'equal_to');
  await expect(condition.getByLabel('Value')).toHaveJSProperty('tagName', 'SELECT');
  await setCondition(page, 0, 'plan', 'contains', 'plus');
  await expect(condition.getByLabel('Value')).toHaveJSProperty('tagName', 'INPUT');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('count')).toHaveText('1 contact');
  await expect.poll(() => rowNames(page)).toEqual(['Oro Uno']);
});
