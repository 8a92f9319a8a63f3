import { createContacts, expect, signIn, test, type E2eAccount } from './support';

const agentId = async (account: E2eAccount) =>
  (await account.api<{ id: number; email: string }[]>('GET', '/agents')).body.find((a) => a.email === account.agent.email)!.id;

test('when another user changes labels, segments and the role while the console is open, then coming back to the window shows it without a reload', async ({ page, account }) => {
  await createContacts(account, [{ name: 'Lía Lead', city: 'Lima' }]);
  await account.api('POST', '/labels', { label: { title: 'lead' } });
  await account.api('POST', '/contacts/' + (await account.api<{ payload: { id: number }[] }>('GET', '/contacts')).body.payload[0].id + '/labels', { labels: ['lead'] });
  await account.api('POST', '/custom_filters', { name: 'Lima people', filter_type: 'contact', query: { payload: [{ attribute_key: 'city', filter_operator: 'equal_to', values: ['Lima'] }] } });
  await expect.poll(async () => (await account.api<{ meta: { count: number } }>('GET', '/contacts?labels[]=lead')).body.meta.count).toBe(1);
  await signIn(page, account, 'agent');
  const sidebarLabels = page.getByTestId('sidebar-labels');
  await sidebarLabels.getByRole('button', { name: 'lead' }).click();
  await expect(page.getByRole('heading', { name: '# lead' })).toBeVisible();
  await expect(page.getByTestId('count')).toHaveText('1 contact');
  const count = page.getByTestId('segments').getByRole('button', { name: /^Lima people/ }).getByTestId('segment-count');
  await expect(count).toHaveText('1');
  await expect(page.getByTestId('who')).toContainText('agent');

  // The administrator, elsewhere: the label deleted, another made, one more Lima contact, and the agent promoted.
  await account.api('DELETE', `/labels/${(await account.api<{ payload: { id: number; title: string }[] }>('GET', '/labels')).body.payload.find((l) => l.title === 'lead')!.id}`);
  await account.api('POST', '/labels', { label: { title: 'prospect' } });
  await createContacts(account, [{ name: 'Otro Limeño', city: 'Lima' }]);
  await expect.poll(async () => (await account.api<{ meta: { count: number } }>('GET', '/contacts?per_page=1')).body.meta.count).toBe(2);
  expect((await account.api('PATCH', `/agents/${await agentId(account)}`, { role: 'administrator' })).status).toBe(200);

  // The window is left and taken up again.
  await page.evaluate("window.dispatchEvent(new Event('focus'))");
  await expect(sidebarLabels.getByRole('button', { name: 'lead' })).toHaveCount(0);
  await expect(sidebarLabels.getByRole('button', { name: 'prospect' })).toBeVisible();
  await expect(count).toHaveText('2');
  await expect(page.getByTestId('who')).toContainText('administrator');
  // The open list of the deleted label says so, not "0 contacts".
  await expect(page.getByTestId('label-gone')).toHaveText('The label "lead" no longer exists: it was deleted or renamed.');
  await expect(page.getByTestId('count')).not.toContainText('0 contacts');
});

test('when the window stays open and visible, then the sidebar is read again every minute', async ({ page, account }) => {
  await page.clock.install();
  await account.api('POST', '/labels', { label: { title: 'early' } });
  await signIn(page, account, 'agent');
  const sidebarLabels = page.getByTestId('sidebar-labels');
  await expect(sidebarLabels.getByRole('button', { name: 'early' })).toBeVisible();
  await account.api('POST', '/labels', { label: { title: 'later' } });
  await page.clock.fastForward(30_000);
  await expect(sidebarLabels.getByRole('button', { name: 'later' })).toHaveCount(0);
  await page.clock.fastForward(31_000);
  await expect(sidebarLabels.getByRole('button', { name: 'later' })).toBeVisible();
});

// Demoted elsewhere, an administrator kept the administrator's screens, and each action answered the API's raw refusal (black-box read of two users).
test('when an administrator is demoted elsewhere, then the first action refused for it shows the agent role and the read-only administration', async ({ page, account }) => {
  expect((await account.api('PATCH', `/agents/${await agentId(account)}`, { role: 'administrator' })).status).toBe(200);
  await signIn(page, account, 'agent');
  await expect(page.getByTestId('who')).toContainText('administrator');
  await page.getByRole('button', { name: 'Administration' }).click();
  const newLabel = page.getByRole('region', { name: 'Labels' }).getByRole('form', { name: 'New label' });
  await expect(newLabel).toBeVisible();

  expect((await account.api('PATCH', `/agents/${await agentId(account)}`, { role: 'agent' })).status).toBe(200);
  await newLabel.getByLabel('Title').fill('late');
  await newLabel.getByRole('button', { name: 'Add' }).click();
  await expect(page.getByTestId('who')).toContainText('agent');
  await expect(page.getByText('Administrators only')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Labels' }).getByRole('form', { name: 'New label' })).toHaveCount(0);
  expect((await account.api<{ payload: { title: string }[] }>('GET', '/labels')).body.payload.map((l) => l.title)).not.toContain('late');
});
