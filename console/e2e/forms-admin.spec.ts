import { readFileSync } from 'node:fs';
import { createContacts, expect, screenshot, signIn, test } from './support';

test('when a new contact is created with a bad email, then the error shows at the email field, and once fixed the contact page opens', async ({ page, account }) => {
  await signIn(page, account);
  await page.getByRole('button', { name: 'New contact' }).click();
  const form = page.locator('form.new-contact');
  await form.getByLabel('Name').fill('Nico Nuevo');
  await form.getByLabel('Email').fill('nico@');
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(form.locator('#new-email-error')).toBeVisible();
  await expect(form.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
  await form.getByLabel('Email').fill('nico@example.com');
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('heading', { name: 'Nico Nuevo' })).toBeVisible();
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue('nico@example.com');
});

test('when a new contact is given only an identifier, then it is created: the form offers every field a contact can rest on', async ({ page, account }) => {
  await signIn(page, account);
  await page.getByRole('button', { name: 'New contact' }).click();
  const form = page.locator('form.new-contact');
  await form.getByLabel('Identifier').fill('crm-4711');
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByLabel('Identifier', { exact: true })).toHaveValue('crm-4711');
});

test('when Escape is pressed in the new-contact form or the export panel, then the panel closes and nothing is created', async ({ page, account }) => {
  await signIn(page, account);
  await page.getByRole('button', { name: 'New contact' }).click();
  const form = page.locator('form.new-contact');
  await form.getByLabel('Name').fill('Never Saved');
  await form.getByLabel('Name').press('Escape');
  await expect(form).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'New contact' })).toHaveAttribute('aria-expanded', 'false');

  await page.getByRole('button', { name: 'Export CSV' }).click();
  const panel = page.locator('section.export-panel');
  await expect(panel).toBeVisible();
  await panel.getByRole('button', { name: 'Download CSV' }).press('Escape');
  await expect(panel).toHaveCount(0);
  expect((await account.api<{ meta: { count: number } }>('GET', '/contacts')).body.meta.count).toBe(0);
});

test('when an administrator defines a list attribute, then the filter builder offers it with its values and only its operators', async ({ page, account }) => {
  await signIn(page, account);
  await page.getByRole('button', { name: 'Administration' }).click();
  const attributes = page.getByRole('region', { name: 'Custom attributes' });
  await attributes.getByLabel('Key').fill('plan');
  await attributes.getByLabel('Display name').fill('Plan');
  await attributes.getByLabel('Type').selectOption('list');
  await attributes.getByLabel('List values').fill('free\npro');
  await attributes.getByRole('button', { name: 'Add' }).click();
  await expect(attributes.getByRole('cell', { name: 'plan', exact: true })).toBeVisible();

  await page.getByRole('button', { name: 'All contacts' }).click();
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  const row = page.locator('.condition').first();
  await row.getByLabel('Attribute').selectOption('plan');
  await expect(row.getByLabel('Value').locator('option')).toHaveText(['—', 'free', 'pro']);
  // Untouched, it is "—" and flagged, not its first value (which ran as "= free" unseen).
  await expect(row.getByLabel('Value')).toHaveValue('');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(row.getByLabel('Value')).toHaveAttribute('aria-invalid', 'true');
  await row.getByLabel('Attribute').selectOption('created_at');
  await expect(row.getByLabel('Operator').locator('option')).toHaveCount(5);
  await expect(row.getByLabel('Value')).toHaveAttribute('type', 'date');
});

test('when the list of a label is exported, then the CSV holds that label\'s contacts only', async ({ page, account }) => {
  const [kept] = await createContacts(account, [{ name: 'Xena Export', email: 'xena@example.com' }, { name: 'Yuri Other', email: 'yuri@example.com' }]);
  await account.api('POST', `/contacts/${kept}/labels`, { labels: ['export-me'] });
  await expect.poll(async () => (await account.api<{ meta: { count: number } }>('GET', '/contacts?labels[]=export-me')).body.meta.count).toBe(1);
  await signIn(page, account);
  await page.getByRole('button', { name: 'export-me', exact: true }).click();
  await expect(page.getByTestId('count')).toHaveText('1 contact');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
  const csv = readFileSync(await download.path(), 'utf8');
  expect(csv).toContain('xena@example.com');
  expect(csv).not.toContain('yuri@example.com');
});

test('when an administrator edits and deletes a label, then Escape gives up an edit, Save keeps colour and description, a bad title shows at its field, and deleting asks first', async ({ page, account }) => {
  await account.api('POST', '/labels', { title: 'vip', color: '#ff0000' });
  const [id] = await createContacts(account, [{ name: 'Lola Label' }]);
  await account.api('POST', `/contacts/${id}/labels`, { labels: ['vip'] });
  await signIn(page, account);
  await page.getByRole('button', { name: 'Administration' }).click();
  const labels = page.getByRole('region', { name: 'Labels' });
  const label = async () => (await account.api<{ payload: { title: string; color: string; description: string | null }[] }>('GET', '/labels')).body.payload;

  await labels.getByRole('button', { name: 'Edit vip' }).click();
  const editor = labels.getByRole('form', { name: 'Edit vip' });
  await editor.getByLabel('Description').fill('Thrown away');
  await editor.getByLabel('Description').press('Escape');
  await expect(editor).toHaveCount(0);
  await labels.getByRole('button', { name: 'Edit vip' }).click();
  await editor.getByLabel('Color').fill('#00aa00');
  await editor.getByLabel('Description').fill('Very important');
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(labels.getByTestId('label-row').filter({ hasText: 'vip' })).toContainText('Very important');
  expect(await label()).toMatchObject([{ title: 'vip', color: '#00aa00', description: 'Very important' }]);

  const newLabel = labels.getByRole('form', { name: 'New label' });
  await newLabel.getByLabel('Title').fill('not a label!');
  await newLabel.getByRole('button', { name: 'Add' }).click();
  await expect(newLabel.locator('#new-label-title-error')).toContainText('may hold only letters, digits');
  await expect(newLabel.getByLabel('Title')).toHaveAttribute('aria-invalid', 'true');

  await labels.getByRole('button', { name: 'Delete vip' }).click();
  await expect(labels).toContainText('It is removed from every contact that carries it.');
  expect(await label()).toHaveLength(1);
  await labels.getByRole('button', { name: 'Cancel' }).click();
  await labels.getByRole('button', { name: 'Delete vip' }).click();
  await labels.getByRole('button', { name: 'Confirm' }).click();
  await expect(labels.getByTestId('label-row')).toHaveCount(0);
  expect(await label()).toEqual([]);
  await expect.poll(async () => (await account.api<{ payload: { labels: string[] } }>('GET', `/contacts/${id}`)).body.payload.labels).toEqual([]);
});

test('when an administrator renames a label, then the list and the contacts carrying it show the new title; a title another label has shows at its field', async ({ page, account }) => {
  await account.api('POST', '/labels', { title: 'trial' });
  await account.api('POST', '/labels', { title: 'paid' });
  const [id] = await createContacts(account, [{ name: 'Rita Rename' }]);
  await account.api('POST', `/contacts/${id}/labels`, { labels: ['trial'] });
  await signIn(page, account);
  await page.getByRole('button', { name: 'Administration' }).click();
  const labels = page.getByRole('region', { name: 'Labels' });

  await labels.getByRole('button', { name: 'Edit trial' }).click();
  const editor = labels.getByRole('form', { name: 'Edit trial' });
  await expect(editor.getByLabel('Title')).toBeFocused();
  await editor.getByLabel('Title').fill('paid');
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(editor.locator('[id$="-title-error"]')).toContainText('"paid" already exists');
  await editor.getByLabel('Title').fill('Customer');
  // Edited, the field no longer shows the error about what was sent.
  await expect(editor.locator('[id$="-title-error"]')).toHaveCount(0);
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(editor).toHaveCount(0);
  await expect(labels.getByTestId('label-row')).toHaveText([/customer/, /paid/]);
  await expect.poll(async () => (await account.api<{ payload: { labels: string[] } }>('GET', `/contacts/${id}`)).body.payload.labels).toEqual(['customer']);
});

test('when a new label is refused and its title is then edited, then the error about what was sent goes; later actions do not bring it back', async ({ page, account }) => {
  await account.api('POST', '/labels', { title: 'vip' });
  await account.api('POST', '/labels', { title: 'trial' });
  await signIn(page, account);
  await page.getByRole('button', { name: 'Administration' }).click();
  const labels = page.getByRole('region', { name: 'Labels' });
  const form = labels.getByRole('form', { name: 'New label' });
  await form.getByLabel('Title').fill('vip');
  await form.getByRole('button', { name: 'Add' }).click();
  await expect(form.locator('#new-label-title-error')).toContainText('"vip" already exists');
  await expect(form.getByLabel('Title')).toHaveAttribute('aria-invalid', 'true');
  await form.getByLabel('Title').fill('');
  await expect(form.locator('#new-label-title-error')).toHaveCount(0);
  await expect(form.getByLabel('Title')).not.toHaveAttribute('aria-invalid', 'true');
  // It stayed through a rename of another label, as the tester saw it.
  await labels.getByRole('button', { name: 'Edit trial' }).click();
  const editor = labels.getByRole('form', { name: 'Edit trial' });
  await editor.getByLabel('Title').fill('renamed');
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(editor).toHaveCount(0);
  await expect(labels.getByTestId('label-row')).toHaveText([/renamed/, /vip/]);
  await expect(labels.getByRole('alert')).toHaveCount(0);
});

test('when an administrator edits and deletes a custom attribute, then name, description and list values are saved, an error shows at its field, and deleting asks first', async ({ page, account }) => {
  await account.api('POST', '/custom_attribute_definitions', { attribute_key: 'plan', attribute_display_name: 'Plan', attribute_display_type: 'list', attribute_model: 'contact_attribute', attribute_values: ['free', 'pro'] });
  await signIn(page, account);
  await page.getByRole('button', { name: 'Administration' }).click();
  const attributes = page.getByRole('region', { name: 'Custom attributes' });
  const definitions = async () => (await account.api<{ attribute_display_name: string; attribute_description: string | null; attribute_values: string[] }[]>('GET', '/custom_attribute_definitions')).body;

  await attributes.getByRole('button', { name: 'Edit plan' }).click();
  const editor = attributes.getByRole('form', { name: 'Edit plan' });
  await editor.getByLabel('List values').fill('');
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(editor.locator('[id$="-values-error"]')).toContainText('a list attribute needs attribute_values');
  await editor.getByLabel('Display name').fill('Plan tier');
  await editor.getByLabel('Description').fill('Billing plan');
  await editor.getByLabel('List values').fill('free\npro\nenterprise');
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(editor).toHaveCount(0);
  const row = attributes.getByTestId('definition-row').filter({ hasText: 'plan' });
  await expect(row).toContainText('Plan tier');
  await expect(row).toContainText('Billing plan');
  expect(await definitions()).toMatchObject([{ attribute_display_name: 'Plan tier', attribute_description: 'Billing plan', attribute_values: ['free', 'pro', 'enterprise'] }]);

  await attributes.getByRole('button', { name: 'Edit plan' }).click();
  await editor.getByLabel('Display name').press('Escape');
  await expect(editor).toHaveCount(0);

  await attributes.getByRole('button', { name: 'Delete plan' }).click();
  await expect(attributes).toContainText('Delete the attribute "plan"?');
  await screenshot(page, 'administration');
  expect(await definitions()).toHaveLength(1);
  await attributes.getByRole('button', { name: 'Confirm' }).click();
  await expect(attributes.getByTestId('definition-row')).toHaveCount(0);
  expect(await definitions()).toEqual([]);
});

test('when list values hold commas, then they are made, shown and edited one per line, and saving only the name leaves them as they were', async ({ page, account }) => {
  await account.api('POST', '/custom_attribute_definitions', { attribute_key: 'region', attribute_display_name: 'Region', attribute_display_type: 'list', attribute_model: 'contact_attribute', attribute_values: ['Lima, Perú', ' Cusco'] });
  const definitions = async () => (await account.api<{ attribute_key: string; attribute_display_name: string; attribute_values: string[] }[]>('GET', '/custom_attribute_definitions')).body;
  const patches: unknown[] = [];
  page.on('request', (request) => { if (request.method() === 'PATCH' && request.url().includes('/custom_attribute_definitions/')) patches.push(request.postDataJSON()); });
  await signIn(page, account);
  await page.getByRole('button', { name: 'Administration' }).click();
  const attributes = page.getByRole('region', { name: 'Custom attributes' });
  await expect(attributes.getByTestId('definition-row').filter({ hasText: 'region' })).toContainText('(“Lima, Perú”, “ Cusco”)');

  await attributes.getByRole('button', { name: 'Edit region' }).click();
  const editor = attributes.getByRole('form', { name: 'Edit region' });
  await expect(editor.getByLabel('List values (one per line)')).toHaveValue('Lima, Perú\n Cusco');
  await editor.getByLabel('Display name').fill('Región del cliente');
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(editor).toHaveCount(0);
  expect(patches).toEqual([{ attribute_display_name: 'Región del cliente', attribute_description: null }]);
  expect(await definitions()).toMatchObject([{ attribute_display_name: 'Región del cliente', attribute_values: ['Lima, Perú', ' Cusco'] }]);

  // A value added on its own line, commas and all; the values kept are kept exactly.
  await attributes.getByRole('button', { name: 'Edit region' }).click();
  await editor.getByLabel('List values').press('Control+End');
  await editor.getByLabel('List values').pressSequentially('\n  Arequipa, Perú  \n\n');
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(editor).toHaveCount(0);
  expect(await definitions()).toMatchObject([{ attribute_values: ['Lima, Perú', ' Cusco', 'Arequipa, Perú'] }]);

  // A new list attribute takes its values one per line too.
  await attributes.getByLabel('Key').fill('zone');
  await attributes.getByLabel('Type').selectOption('list');
  await attributes.getByLabel('List values').fill('Norte, costa\nSur');
  await attributes.getByRole('button', { name: 'Add' }).click();
  await expect.poll(async () => (await definitions()).find((d) => d.attribute_key === 'zone')?.attribute_values).toEqual(['Norte, costa', 'Sur']);
});

test('when a label is typed on a contact or in the bulk bar, then the account\'s labels are offered as suggestions', async ({ page, account }) => {
  await account.api('POST', '/labels', { title: 'morosos' });
  await account.api('POST', '/labels', { title: 'vip' });
  await createContacts(account, [{ name: 'Sugerencia Sánchez' }]);
  await signIn(page, account);
  await page.getByRole('checkbox', { name: 'Select Sugerencia Sánchez' }).check();
  const bulkInput = page.getByRole('region', { name: '1 selected', exact: true }).getByLabel('Label');
  const suggestions = async (input: typeof bulkInput) => {
    const list = await input.getAttribute('list');
    if (!list) return [];
    const options = page.locator(`datalist[id="${list}"] option`);
    return Promise.all((await options.all()).map((o) => o.getAttribute('value')));
  };
  await expect.poll(() => suggestions(bulkInput)).toEqual(['morosos', 'vip']);

  await page.getByRole('link', { name: 'Sugerencia Sánchez' }).click();
  const contactInput = page.getByRole('region', { name: 'Labels' }).getByLabel('Label');
  await expect.poll(() => suggestions(contactInput)).toEqual(['morosos', 'vip']);
});

test('when an administrator deletes an attribute that segments use, then the confirmation names them, groups included, and the sidebar stops counting them', async ({ page, account }) => {
  const define = (key: string, type: string, values: string[] = []) =>
    account.api('POST', '/custom_attribute_definitions', { attribute_key: key, attribute_display_name: key, attribute_display_type: type, attribute_model: 'contact_attribute', attribute_values: values });
  await define('score', 'number');
  await define('plan', 'list', ['free', 'pro']);
  await define('nickname', 'text');
  await define('tier', 'text');
  await createContacts(account, [{ name: 'Sara Score', custom_attributes: { score: 42, plan: 'pro' } }]);
  const segment = (name: string, payload: unknown[]) => account.api('POST', '/custom_filters', { name, filter_type: 'contact', query: { payload } });
  // The attribute deep in a group, as the builder saves "plan is pro OR (score > 10 AND city contains lima)".
  await segment('Pro or Lima scorers', [
    { attribute_key: 'plan', filter_operator: 'equal_to', values: ['pro'], query_operator: 'or' },
    { group: [{ attribute_key: 'score', filter_operator: 'is_greater_than', values: [10], query_operator: 'and' }, { attribute_key: 'city', filter_operator: 'contains', values: ['lima'] }] },
  ]);
  await segment('High score', [{ attribute_key: 'score', filter_operator: 'is_greater_than', values: [40] }]);
  await segment('Pro plan', [{ attribute_key: 'plan', filter_operator: 'equal_to', values: ['pro'] }]);
  await segment('Gold tier', [{ attribute_key: 'tier', filter_operator: 'equal_to', values: ['gold'] }]);
  await signIn(page, account);
  const count = (name: string) => page.getByTestId('segments').getByRole('button', { name: new RegExp(`^${name}`) }).getByTestId('segment-count');
  await expect(count('High score')).toHaveText('1');
  await expect(count('Pro or Lima scorers')).toHaveText('1');

  await page.getByRole('button', { name: 'Administration' }).click();
  const attributes = page.getByRole('region', { name: 'Custom attributes' });
  await attributes.getByRole('button', { name: 'Delete score' }).click();
  await expect(attributes).toContainText('It is used by the segments "High score", "Pro or Lima scorers", which will no longer run until they are edited.');
  await expect(attributes).not.toContainText('"Pro plan"');
  await attributes.getByRole('button', { name: 'Confirm' }).click();
  await expect(attributes.getByRole('button', { name: 'Delete score' })).toHaveCount(0);

  // The segments that no longer compile have no count (the API's null): their old number is not kept.
  await expect(count('High score')).toHaveText('–');
  await expect(count('Pro or Lima scorers')).toHaveText('–');
  await expect(count('Pro plan')).toHaveText('1');

  // An attribute no segment uses says nothing of segments.
  await attributes.getByRole('button', { name: 'Delete nickname' }).click();
  await expect(attributes).toContainText('Delete the attribute "nickname"?');
  await expect(attributes.getByText('Checking which segments use it')).toHaveCount(0);
  await expect(attributes).not.toContainText('used by the segments');

  // One segment is named in the singular (a black-box tester saw "used by the segments" for one).
  await attributes.getByRole('button', { name: 'Delete tier' }).click();
  await expect(attributes).toContainText('It is used by the segment "Gold tier", which will no longer run until it is edited.');
});

// Found by the big-account review (2026-12-05): after a key many contacts held was defined again,
// filters on it counted upwards for half a minute with nothing saying why. The API now says it on
// the definition (`indexing`, tested in test/custom-attributes/definition-resync.api.test.ts); a
// job that short cannot be caught here, so the real answer is read and marked as during one.
test('when a definition is still indexing its holders, then administration says so beside it, until it is done', async ({ page, account }) => {
  await account.api('POST', '/custom_attribute_definitions', { attribute_key: 'score', attribute_display_name: 'Score', attribute_display_type: 'number', attribute_model: 'contact_attribute' });
  await account.api('POST', '/custom_attribute_definitions', { attribute_key: 'tier', attribute_display_name: 'Tier', attribute_display_type: 'text', attribute_model: 'contact_attribute' });
  // The first two reads as during the job, then as the API answers (done).
  let reads = 0;
  await page.route('**/custom_attribute_definitions', async (route) => {
    const response = await route.fetch();
    const definitions = (await response.json()) as { attribute_key: string; indexing: boolean }[];
    expect(definitions.map((d) => d.indexing)).toEqual([false, false]);
    reads += 1;
    await route.fulfill({ response, json: reads > 2 ? definitions : definitions.map((d) => (d.attribute_key === 'score' ? { ...d, indexing: true } : d)) });
  });
  await signIn(page, account);
  await page.getByRole('button', { name: 'Administration' }).click();
  const rows = page.getByRole('region', { name: 'Custom attributes' }).getByTestId('definition-row');
  await expect(rows.filter({ hasText: 'score' }).getByTestId('definition-indexing')).toHaveText('— indexing the contacts that hold it: filters find those indexed so far');
  await expect(rows.filter({ hasText: 'tier' }).getByTestId('definition-indexing')).toHaveCount(0);
  // Read again while one is indexing: the note goes once the job is done (it stayed until a reload).
  await expect(rows.filter({ hasText: 'score' }).getByTestId('definition-indexing')).toHaveCount(0, { timeout: 10_000 });
});

// A 404 showed the API's "label 7015 not found" at a row that stayed listed, in the sidebar too (black-box audit of 2026-12-07).
test('when a label or an attribute is deleted by someone else, then editing or deleting it says so in the console\'s words and the lists are read again', async ({ page, account }) => {
  const label = await account.api<{ id: number }>('POST', '/labels', { title: 'fleeting' });
  const definition = await account.api<{ id: number }>('POST', '/custom_attribute_definitions', { attribute_key: 'fleeting_key', attribute_display_name: 'Fleeting', attribute_display_type: 'text', attribute_model: 'contact_attribute' });
  await signIn(page, account);
  await page.getByRole('button', { name: 'Administration' }).click();
  const labels = page.getByRole('region', { name: 'Labels' });
  const attributes = page.getByRole('region', { name: 'Custom attributes' });
  await expect(labels.getByTestId('label-row')).toHaveText([/fleeting/]);
  expect((await account.api('DELETE', `/labels/${label.body.id}`)).status).toBe(200);
  expect((await account.api('DELETE', `/custom_attribute_definitions/${definition.body.id}`)).status).toBe(204);

  await labels.getByRole('button', { name: 'Edit fleeting' }).click();
  const editor = labels.getByRole('form', { name: 'Edit fleeting' });
  await editor.getByLabel('Description').fill('never saved');
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(labels.getByTestId('row-gone')).toHaveText('"fleeting" no longer exists: someone else deleted it meanwhile. The list has been read again.');
  await expect(labels.getByTestId('label-row')).toHaveCount(0);
  await expect(page.getByRole('navigation').getByText('fleeting')).toHaveCount(0);

  await attributes.getByRole('button', { name: 'Delete fleeting_key' }).click();
  await attributes.getByRole('button', { name: 'Confirm' }).click();
  await expect(attributes.getByTestId('row-gone')).toHaveText('"fleeting_key" no longer exists: someone else deleted it meanwhile. The list has been read again.');
  await expect(attributes.getByTestId('definition-row')).toHaveCount(0);
  await expect(page.getByText(/not found/)).toHaveCount(0);
});

// A rename or a delete moves the label's contacts after the request, by a job, when many carry
// it: a label of 92,749 contacts listed "0 contacts" under its new title at first, and a deleted
// one stayed on rows for 23 s, with nothing said (console audit at 940,000 contacts). Here the
// job is stood for by the count of the old title (a few contacts move within the request).
test('when a label is renamed or deleted while contacts still carry its old title, then the console says how many are left to move above the screens, after a reload too, until none are', async ({ page, account }) => {
  await account.api('POST', '/labels', { title: 'crew' });
  for (const id of await createContacts(account, [{ name: 'Cora Crew' }, { name: 'Cato Crew' }])) await account.api('POST', `/contacts/${id}/labels`, { labels: ['crew'] });
  // While a title is here, its count answers 1,500 contacts left; then the index's.
  const moving = new Set(['crew', 'staff']);
  await page.route(
    (url) => url.pathname.endsWith('/contacts') && url.searchParams.has('labels'),
    async (route) => {
      const response = await route.fetch();
      if (!moving.has(new URL(route.request().url()).searchParams.get('labels')!)) return route.fulfill({ response });
      const body = await response.json();
      await route.fulfill({ response, json: { ...body, meta: { ...body.meta, count: 1500 } } });
    },
  );
  await signIn(page, account);
  await page.getByRole('button', { name: 'Administration' }).click();
  const labels = page.getByRole('region', { name: 'Labels' });
  const move = page.getByTestId('label-move');

  await labels.getByRole('button', { name: 'Edit crew' }).click();
  const editor = labels.getByRole('form', { name: 'Edit crew' });
  await editor.getByLabel('Title').fill('staff');
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(move).toHaveText('Moving 1,500 contacts from "crew" to "staff"…');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.reload();
  await expect(move).toHaveText('Moving 1,500 contacts from "crew" to "staff"…');
  moving.delete('crew');
  await expect(move).toHaveCount(0, { timeout: 10_000 });

  await page.getByRole('button', { name: 'Administration' }).click();
  await labels.getByRole('button', { name: 'Delete staff' }).click();
  await labels.getByRole('button', { name: 'Confirm' }).click();
  await expect(move).toHaveText('Taking "staff" off 1,500 contacts…');
  moving.delete('staff');
  await expect(move).toHaveCount(0, { timeout: 10_000 });
  await page.reload();
  await expect(page.getByRole('region', { name: 'Labels' })).toBeVisible();
  await expect(move).toHaveCount(0);
});
