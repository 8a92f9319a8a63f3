import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { createContacts, expect, screenshot, signIn, test, type E2eAccount } from './support';

test('when two selected contacts get a label by bulk action, then both show its chip and the third does not', async ({ page, account }) => {
  await createContacts(account, [{ name: 'Bulk One' }, { name: 'Bulk Two' }, { name: 'Bulk Three' }]);
  await signIn(page, account);
  await page.getByRole('checkbox', { name: 'Select Bulk One' }).check();
  await page.getByRole('checkbox', { name: 'Select Bulk Two' }).check();
  await expect(page.getByText('2 selected')).toBeVisible();
  await page.getByRole('region', { name: '2 selected' }).getByLabel('Label').fill('VIP');
  await page.getByRole('button', { name: 'Add label' }).click();

  const row = (name: string) => page.getByTestId('contact-row').filter({ hasText: name });
  await expect(row('Bulk One').locator('.chip')).toHaveText(['vip']);
  await expect(row('Bulk Two').locator('.chip')).toHaveText(['vip']);
  await expect(row('Bulk Three').locator('.chip')).toHaveCount(0);
  // The bar goes with the selection; the result stays in view.
  await expect(page.getByTestId('bulk-result')).toContainText('Done: 2 contacts changed');
  await expect(page.getByRole('region', { name: '2 selected' })).toHaveCount(0);
});

test('when more than 100 contacts of a segment are deleted, then the job shows its progress, then the result, and the segment count in the sidebar follows', async ({ page, account }) => {
  const ids: number[] = [];
  for (let i = 0; i < 101; i++) {
    const res = await account.api<{ payload: { contact: { id: number } } }>('POST', '/contacts', { name: `Job ${String(i).padStart(3, '0')}` });
    ids.push(res.body.payload.contact.id);
  }
  await createContacts(account, [{ name: 'Keeper' }]);
  await account.api('POST', '/custom_filters', { name: 'Job people', query: { payload: [{ attribute_key: 'name', filter_operator: 'starts_with', values: ['job'] }] } });
  await expect.poll(async () => (await account.api<{ meta: { count: number } }>('GET', '/contacts?per_page=1')).body.meta.count).toBe(102);
  // The job's progress is read more slowly than it runs, so that it can be seen.
  await page.route('**/bulk_actions/*', async (route) => {
    const response = await route.fetch();
    await new Promise((resolve) => setTimeout(resolve, 700));
    await route.fulfill({ response });
  });
  await signIn(page, account);
  const segment = page.getByTestId('segments').getByRole('button', { name: /Job people/ });
  await expect(segment.getByTestId('segment-count')).toHaveText('101');
  await segment.click();
  await expect(page.getByTestId('count')).toHaveText('101 contacts');
  await page.getByRole('checkbox', { name: 'Select every contact on this page' }).check();
  await page.getByRole('checkbox', { name: 'Select all 101 matching contacts' }).check();
  await page.getByRole('button', { name: 'Delete selected' }).click();
  await page.getByRole('button', { name: 'Confirm' }).click();

  await expect(page.getByTestId('bulk-progress')).toContainText('of 101 contacts done');
  await expect(page.getByTestId('bulk-result')).toContainText('Done: 101 contacts deleted', { timeout: 30_000 });
  await expect(segment.getByTestId('segment-count')).toHaveText('0', { timeout: 15_000 });
  await expect(page.getByTestId('count')).toHaveText('0 contacts');
});

/** A segment of `n` contacts named `<prefix> 000`…, listed, and the console signed in on it. */
async function openSegmentOf(page: Page, account: E2eAccount, prefix: string, n: number) {
  for (let i = 0; i < n; i++) await account.api('POST', '/contacts', { name: `${prefix} ${String(i).padStart(3, '0')}` });
  await account.api('POST', '/custom_filters', { name: `${prefix} people`, query: { payload: [{ attribute_key: 'name', filter_operator: 'starts_with', values: [prefix] }] } });
  await expect.poll(async () => (await account.api<{ meta: { count: number } }>('POST', '/contacts/filter', { payload: [{ attribute_key: 'name', filter_operator: 'starts_with', values: [prefix] }] })).body.meta.count).toBe(n);
  // The job's progress is read more slowly than it runs, so that it can be seen.
  await page.route('**/bulk_actions/*', async (route) => {
    const response = await route.fetch();
    await new Promise((resolve) => setTimeout(resolve, 700));
    await route.fulfill({ response });
  });
  await signIn(page, account);
  await page.getByTestId('segments').getByRole('button', { name: new RegExp(`${prefix} people`) }).click();
  await expect(page.getByTestId('count')).toHaveText(`${n} contacts`);
}

/** Every contact of the list (`n`) given `label` by one bulk action. */
async function labelAllMatching(page: Page, n: number, label: string) {
  await page.getByRole('checkbox', { name: 'Select every contact on this page' }).check();
  await page.getByRole('checkbox', { name: `Select all ${n} matching contacts` }).check();
  await page.getByRole('region', { name: `${n} selected` }).getByLabel('Label').fill(label);
  await page.getByRole('button', { name: 'Add label' }).click();
}

// The job was followed by the selection's bar, which goes with the page: paging during a job of
// 47,051 contacts hid its progress for the 29 s it had left, and leaving the list hid its result
// for good (console audit at 940,000 contacts).
test('when a bulk job runs and the user pages on, then goes to another screen, then its progress and its result stay in view above the screens', async ({ page, account }) => {
  await openSegmentOf(page, account, 'Mover', 130);
  await labelAllMatching(page, 130, 'moved');

  const job = page.getByTestId('bulk-job');
  await expect(job).toBeFocused();
  await expect(page.getByRole('region', { name: '130 selected' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Next page' }).click();
  await expect(page.getByTestId('contact-row').first()).toContainText('Mover 104');
  await expect(job).toContainText('Adding the label "moved"');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Import contacts from CSV' })).toBeVisible();
  await expect(page.getByTestId('bulk-result')).toHaveText('Adding the label "moved": Done: 130 contacts changed', { timeout: 30_000 });
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await expect(job).toHaveCount(0);
  await page.goBack();
  await expect.poll(async () => page.getByTestId('contact-row').filter({ hasText: 'moved' }).count(), { timeout: 15_000 }).toBe(25);
});

test('when the page is reloaded during a bulk job, then the job is followed on to its result', async ({ page, account }) => {
  await openSegmentOf(page, account, 'Reloader', 110);
  await labelAllMatching(page, 110, 'reloaded');
  await expect(page.getByTestId('bulk-job')).toBeVisible();
  await page.reload();
  const result = page.getByTestId('bulk-result');
  await expect(result).toHaveText('Adding the label "reloaded": Done: 110 contacts changed', { timeout: 30_000 });
  // The result stays until dismissed, a reload after it too.
  await page.reload();
  await expect(result).toHaveText('Adding the label "reloaded": Done: 110 contacts changed');
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await expect(result).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('count')).toHaveText('110 contacts');
  await expect(page.getByTestId('bulk-job')).toHaveCount(0);
});

test('when a CSV with a bad row is imported, then the progress finishes, the counts show, and the rejected row is offered', async ({ page, account }) => {
  await signIn(page, account);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const csv = ['name,email', 'Irene Import,irene@example.com', 'Iker Import,iker@example.com', ',not-an-email', '=SUM(1+1),also-not-an-email'].join('\n');
  await page.getByLabel('CSV file').setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Upload' }).click();

  await expect(page.getByTestId('import-state')).toHaveText('Status: completed', { timeout: 30_000 });
  await expect(page.locator('progress')).toHaveAttribute('value', '1');
  await expect(page.getByTestId('import-counts')).toContainText('created 2');
  await expect(page.getByTestId('import-counts')).toContainText('rejected 2');
  await page.getByRole('button', { name: 'Rejected rows', exact: true }).click();
  const rejected = page.getByRole('table', { name: 'Rejected rows' });
  await expect(rejected).toContainText('not-an-email');
  // As the file held it: the apostrophe the downloaded CSV puts before it for spreadsheets showed too.
  await expect(rejected.getByRole('cell', { name: '=SUM(1+1)', exact: true })).toHaveCount(1);
  await screenshot(page, 'import');
});

test('when an agent imports a CSV, then Upload is offered, as the API lets every member import, and the import completes', async ({ page, account }) => {
  await signIn(page, account, 'agent');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  // A file exported by Chatwoot may carry updated_at: read and not imported, and the screen says so.
  const csv = 'name,email,updated_at\nAgnes Agent,agnes@example.com,2024-05-02 12:34:56 UTC\n';
  await page.getByLabel('CSV file').setInputFiles({ name: 'agent.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(page.getByRole('button', { name: 'Upload' })).toBeEnabled();
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.getByTestId('import-state')).toHaveText('Status: completed', { timeout: 30_000 });
  await expect(page.getByTestId('import-counts')).toContainText('created 1');
  // The file is no longer chosen once uploaded: a second click on Upload imported it again.
  await expect(page.getByTestId('chosen-file')).toHaveText('No file chosen');
  await expect(page.getByRole('button', { name: 'Upload' })).toBeDisabled();
  await expect(page.getByTestId('import-ignored')).toHaveText('Columns read and not imported (the service keeps these itself): updated_at');
  await expect.poll(async () => (await account.api<{ meta: { count: number } }>('GET', '/contacts/search?q=agnes')).body.meta.count).toBe(1);
});

test('when an import is under way, then the bar is indeterminate until rows are imported, then shows the share imported with the rows so far', async ({ page, account }) => {
  // A small file goes through these stages in milliseconds: the import's status is held at each
  // stage here (the real answer, with the stage's figures), so that the console can be seen at it.
  let stage: 'started' | 'half' | 'real' = 'started';
  await page.route(/\/contacts\/imports\/\d+$/, async (route) => {
    const response = await route.fetch();
    if (stage === 'real') return route.fulfill({ response });
    const body = (await response.json()) as { payload: Record<string, unknown> };
    const figures = stage === 'started' ? { rows_read: 0, created: 0, progress: 0 } : { rows_read: 1000, created: 1000, progress: 0.4 };
    await route.fulfill({ response, json: { payload: { ...body.payload, status: 'processing', finished_at: null, ...figures } } });
  });
  await signIn(page, account);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByLabel('CSV file').setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from('name\nPia Progress\n') });
  await page.getByRole('button', { name: 'Upload' }).click();

  await expect(page.getByTestId('import-state')).toHaveText('Status: processing');
  await expect(page.locator('progress')).not.toHaveAttribute('value');
  await expect(page.getByTestId('import-progress')).toHaveText('Reading the file: the first rows are on their way…');
  stage = 'half';
  await expect(page.getByTestId('import-progress')).toHaveText('1,000 rows imported so far (40% of the file)');
  await expect(page.locator('progress')).toHaveAttribute('value', '0.4');
  stage = 'real';
  await expect(page.getByTestId('import-state')).toHaveText('Status: completed');
  await expect(page.locator('progress')).toHaveAttribute('value', '1');
  await expect(page.getByTestId('import-progress')).toHaveCount(0);
});

// 25,000 rejected rows made a 3.6 MB read and a table of 125,000 elements that took 4 s to show
// (console audit at 940,000 contacts): the screen shows the first 100, the download all of them.
test('when an import rejected more rows than the screen shows, then the first 100 are shown, saying how many there are, and the download holds them all', async ({ page, account }) => {
  await signIn(page, account);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const csv = ['name,email', ...Array.from({ length: 150 }, (_, i) => `Bad ${i},not-an-email-${i}`)].join('\n');
  await page.getByLabel('CSV file').setInputFiles({ name: 'many-bad.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.getByTestId('import-counts')).toContainText('rejected 150', { timeout: 30_000 });

  await page.getByRole('button', { name: 'Rejected rows', exact: true }).click();
  const rejected = page.getByRole('table', { name: 'Rejected rows' });
  await expect(rejected.locator('tbody tr')).toHaveCount(100);
  await expect(rejected.locator('tbody tr').first()).toContainText('not-an-email-0');
  await expect(rejected.locator('tbody tr').last()).toContainText('not-an-email-99');
  await expect(page.getByTestId('rejected-shown')).toHaveText('The first 100 of 150 rejected rows; the download holds them all.');

  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download rejected rows' }).click();
  const saved = await (await downloading).path();
  const lines = readFileSync(saved, 'utf8').trim().split(/\r?\n/);
  expect(lines).toHaveLength(151);
});

test('when a CSV names a label the account lacks, then its row is rejected, unless "create the labels" is ticked', async ({ page, account }) => {
  await signIn(page, account);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const csv = ['name,email,labels', 'Lara Label,lara@example.com,newcomers'].join('\n');
  const upload = async () => {
    await page.getByLabel('CSV file').setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Upload' }).click();
    await expect(page.getByTestId('import-state')).toHaveText('Status: completed', { timeout: 30_000 });
  };

  await upload();
  await expect(page.getByTestId('import-counts')).toContainText('rejected 1');
  await page.getByRole('button', { name: 'Rejected rows', exact: true }).click();
  await expect(page.getByRole('table', { name: 'Rejected rows' })).toContainText('the account has no label "newcomers"');

  await page.getByRole('checkbox', { name: /Create the labels/ }).check();
  await upload();
  await expect(page.getByTestId('import-counts')).toContainText('created 1');
  await expect(page.getByTestId('import-counts')).toContainText('rejected 0');
});

test('when the rejected rows cannot be read, then the console says why instead of showing or downloading the error as rows', async ({ page, account }) => {
  await signIn(page, account);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const csv = ['name,email', 'Irene Import,irene@example.com', ',not-an-email'].join('\n');
  await page.getByLabel('CSV file').setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.getByTestId('import-state')).toHaveText('Status: completed', { timeout: 30_000 });

  await page.route('**/rejected', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: 'the store is unavailable' }) }));
  await page.getByRole('button', { name: 'Rejected rows', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText('the store is unavailable');
  await expect(page.getByRole('table', { name: 'Rejected rows' })).toHaveCount(0);

  let downloads = 0;
  page.on('download', () => downloads++);
  await page.getByRole('button', { name: 'Download rejected rows' }).click();
  await expect(page.getByRole('alert')).toHaveText('the store is unavailable');
  await page.waitForTimeout(500);
  expect(downloads).toBe(0);
});

test('when reading the import status fails for a while, then the console says why and follows the import on to its end', async ({ page, account }) => {
  await signIn(page, account);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  let failures = 2;
  await page.route(/\/contacts\/imports\/\d+$/, (route) => (failures-- > 0 ? route.abort('connectionrefused') : route.continue()));
  const csv = ['name,email', 'Paula Paciente,paula@example.com'].join('\n');
  await page.getByLabel('CSV file').setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.getByRole('alert')).toHaveText('The service cannot be reached. Check the connection and try again.');
  await expect(page.getByTestId('import-state')).toHaveText('Status: completed', { timeout: 30_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('when the import screen is left during an import and opened again, then it shows that import and follows it on, instead of a blank form', async ({ page, account }) => {
  await signIn(page, account);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const csv = ['name,email', 'Vera Vuelta,vera@example.com', ',not-an-email'].join('\n');
  await page.getByLabel('CSV file').setInputFiles({ name: 'vuelta.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.getByTestId('import-status')).toContainText('vuelta.csv');
  await page.getByRole('button', { name: 'All contacts' }).click();
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByTestId('import-status')).toContainText('vuelta.csv');
  await expect(page.getByTestId('import-state')).toHaveText('Status: completed', { timeout: 30_000 });
  await expect(page.getByTestId('import-counts')).toContainText('rejected 1');
  // A reload too.
  await page.reload();
  await expect(page.getByTestId('import-status')).toContainText('vuelta.csv');
  await expect(page.getByRole('button', { name: 'Rejected rows', exact: true })).toBeVisible();
});

test('when an agent selects contacts, then deleting them is explained as for administrators, not silently missing', async ({ page, account }) => {
  await createContacts(account, [{ name: 'Ana Agente' }]);
  await signIn(page, account, 'agent');
  await page.getByRole('checkbox', { name: 'Select Ana Agente' }).check();
  const bar = page.getByRole('region', { name: '1 selected', exact: true });
  await expect(bar.getByRole('button', { name: 'Add label' })).toBeVisible();
  await expect(bar.getByRole('button', { name: 'Delete selected' })).toHaveCount(0);
  await expect(bar.getByTestId('delete-admins-only')).toHaveText('Delete selected: Administrators only');
});

test('when "all matching" was ticked on one page and another page is selected, then the selection is that page\'s, not silently every match', async ({ page, account }) => {
  await createContacts(account, Array.from({ length: 27 }, (_, i) => ({ name: `Todo ${String(i + 1).padStart(2, '0')}`, city: 'Lima' })));
  await account.api('POST', '/custom_filters', { name: 'Lima', filter_type: 'contact', query: { payload: [{ attribute_key: 'city', filter_operator: 'equal_to', values: ['Lima'] }] } });
  await signIn(page, account);
  await page.getByTestId('segments').getByRole('button', { name: /Lima/ }).click();
  await expect(page.getByTestId('count')).toHaveText('27 contacts');
  await page.getByRole('checkbox', { name: 'Select every contact on this page' }).check();
  await page.getByRole('checkbox', { name: 'Select all 27 matching contacts' }).check();
  await expect(page.getByRole('region', { name: '27 selected', exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Next page' }).click();
  await expect(page.getByTestId('contact-row')).toHaveCount(2);
  await page.getByRole('checkbox', { name: 'Select every contact on this page' }).check();
  await expect(page.getByRole('region', { name: '2 selected', exact: true })).toBeVisible();
  await expect(page.getByRole('checkbox', { name: 'Select all 27 matching contacts' })).not.toBeChecked();
});

// Found by the big-account review (2026-12-05): "all matching" was offered on a filter or a
// segment only, so taking a label off its thousands of carriers meant building a filter first.
test('when a label\'s list is selected whole, then a bulk action reaches every contact carrying the label, not only the page', async ({ page, account }) => {
  await account.api('POST', '/labels', { title: 'vip' });
  const ids = await createContacts(account, Array.from({ length: 27 }, (_, i) => ({ name: `Vip ${String(i + 1).padStart(2, '0')}` })));
  for (const id of ids) await account.api('POST', `/contacts/${id}/labels`, { labels: ['vip'] });
  await createContacts(account, [{ name: 'Not Vip' }]);
  const carriers = async () => (await account.api<{ meta: { count: number } }>('GET', '/contacts?labels[]=vip&per_page=1')).body.meta.count;
  await expect.poll(carriers).toBe(27);
  await signIn(page, account);
  await page.getByTestId('sidebar-labels').getByRole('button', { name: 'vip' }).click();
  await expect(page.getByTestId('count')).toHaveText('27 contacts');
  await page.getByRole('checkbox', { name: 'Select every contact on this page' }).check();
  await page.getByRole('checkbox', { name: 'Select all 27 matching contacts' }).check();
  await page.getByRole('region', { name: '27 selected', exact: true }).getByLabel('Label', { exact: true }).fill('vip');
  await page.getByRole('region', { name: '27 selected', exact: true }).getByRole('button', { name: 'Remove label' }).click();
  await expect.poll(carriers, { timeout: 30_000 }).toBe(0);
  expect((await account.api<{ meta: { count: number } }>('GET', '/contacts?per_page=1')).body.meta.count).toBe(28);
});
