import { startSmtpServer } from '../../test/support/fake-provider';
import { createContacts, expect, signIn, test, type E2eAccount } from './support';

const SMTP_PASSWORD = 'smtp-secret-password';

/** An e-mail inbox "Shop support" sending through a local SMTP server (logging in with `password`), closed after `use`. */
async function withEmailInbox(account: E2eAccount, use: (inbox: { id: number }, smtp: Awaited<ReturnType<typeof startSmtpServer>>) => Promise<void>, password = SMTP_PASSWORD) {
  const smtp = await startSmtpServer({ user: 'mailer', pass: SMTP_PASSWORD });
  try {
    const inbox = await account.api<{ id: number }>('POST', '/inboxes', {
      name: 'Shop support',
      channel: { type: 'email', email: 'support@shop.example', smtp_address: '127.0.0.1', smtp_port: smtp.port, smtp_login: 'mailer', smtp_password: password },
    });
    expect(inbox.status).toBe(200);
    await use(inbox.body, smtp);
  } finally {
    await smtp.close();
  }
}

test('when an e-mail message is sent to a contact, then the SMTP server receives it and the console shows it sent; the website inbox is disabled with its reason', async ({ page, account }) => {
  await withEmailInbox(account, async (inbox, smtp) => {
    await account.api('POST', '/inboxes', { name: 'Website', channel: { type: 'web_widget', website_url: 'https://shop.example' } });
    await createContacts(account, [{ name: 'Mia Mail', email: 'mia@example.com' }]);

    await signIn(page, account);
    await page.getByRole('link', { name: 'Mia Mail' }).click();
    // Exactly "Channel": wrapped in its label, the select was named "Channel —" (its chosen option's text too).
    const channel = page.getByLabel('Channel', { exact: true });
    await expect(channel.locator('option', { hasText: 'Website' })).toBeDisabled();
    await expect(channel.locator('option', { hasText: 'Website' })).toContainText('needs an HMAC-verified visitor');
    await channel.selectOption({ label: 'Shop support (mia@example.com)' });
    await page.getByLabel('Message', { exact: true }).fill('Your order has shipped.\nTracking follows.');
    await expect(page.getByLabel('Channel', { exact: true })).toHaveValue(String(inbox.id));
    await page.getByRole('button', { name: 'Send' }).click();

    await expect(page.getByTestId('message')).toContainText('Your order has shipped.');
    // Its lines as written (an e-mail of paragraphs showed as one run-on line).
    await expect(page.getByTestId('message').locator('.message-content')).toHaveCSS('white-space', 'pre-wrap');
    await expect(page.getByTestId('message-status')).toHaveText('sent', { timeout: 20_000 });
    expect(smtp.received.map((m) => m.to)).toEqual([['mia@example.com']]);
    expect(smtp.received[0].raw).toContain('Your order has shipped.');
  });
});

test('when an e-mail failed on a wrong SMTP password, then once the inbox is corrected, Send again delivers it to the same address', async ({ page, account }) => {
  await withEmailInbox(account, async (inbox, smtp) => {
    await createContacts(account, [{ name: 'Rita Retry', email: 'rita@example.com' }]);
    await signIn(page, account);
    await page.getByRole('link', { name: 'Rita Retry' }).click();
    await page.getByLabel('Channel', { exact: true }).selectOption({ label: 'Shop support (rita@example.com)' });
    await page.getByLabel('Message', { exact: true }).fill('Your invoice is attached.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(page.getByTestId('message-status')).toHaveText('failed', { timeout: 30_000 });
    expect(smtp.received).toEqual([]);

    const fixed = await account.api('PATCH', `/inboxes/${inbox.id}`, { channel: { smtp_password: SMTP_PASSWORD } });
    expect(fixed.status).toBe(200);
    await page.getByRole('button', { name: 'Send again' }).click();
    await expect(page.getByTestId('message-status')).toHaveText('sent', { timeout: 20_000 });
    await expect(page.getByRole('button', { name: 'Send again' })).toHaveCount(0);
    expect(smtp.received.map((m) => m.to)).toEqual([['rita@example.com']]);
  }, 'not-the-password');
});

test('when a contact is blocked on its screen, then it is marked blocked, and its channels are disabled saying so until it is unblocked', async ({ page, account }) => {
  await account.api('POST', '/inboxes', {
    name: 'Shop support',
    channel: { type: 'email', email: 'support@shop.example', smtp_address: '127.0.0.1', smtp_port: 2525, smtp_login: 'mailer', smtp_password: 'smtp-secret-password' },
  });
  const [id] = await createContacts(account, [{ name: 'Bea Blocked', email: 'bea@example.com' }]);
  await signIn(page, account);
  await page.getByRole('link', { name: 'Bea Blocked' }).click();
  const option = page.getByLabel('Channel').locator('option', { hasText: 'Shop support' });
  await expect(option).toBeEnabled();
  await expect(page.getByTestId('blocked-marker')).toHaveCount(0);

  await page.getByRole('checkbox', { name: 'Blocked' }).check();
  await expect(page.getByTestId('blocked-marker')).toHaveText('Blocked');
  await expect(option).toBeDisabled();
  await expect(option).toContainText('the contact is blocked');
  expect((await account.api<{ payload: { blocked: boolean } }>('GET', `/contacts/${id}`)).body.payload.blocked).toBe(true);

  await page.getByRole('checkbox', { name: 'Blocked' }).uncheck();
  await expect(page.getByTestId('blocked-marker')).toHaveCount(0);
  await expect(option).toBeEnabled();
  expect((await account.api<{ payload: { blocked: boolean } }>('GET', `/contacts/${id}`)).body.payload.blocked).toBe(false);
});

// From a black-box read: a half-written message was lost without a word when the agent went to
// another screen and came back (a note's draft was kept).
test('when a message is half written and the agent goes to another screen and back, then its box still holds it; once sent, it is gone', async ({ page, account }) => {
  await withEmailInbox(account, async () => {
    const [id] = await createContacts(account, [{ name: 'Dana Draft', email: 'dana@example.com' }]);

    await signIn(page, account);
    await page.getByRole('link', { name: 'Dana Draft' }).click();
    await page.getByLabel('Message', { exact: true }).fill('Hola Dana,\nsobre su pedido');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(page.getByLabel('Message', { exact: true })).toHaveCount(0);
    await page.goto(`/app/#/contact/${id}`);
    await expect(page.getByLabel('Message', { exact: true })).toHaveValue('Hola Dana,\nsobre su pedido');

    await page.getByLabel('Channel', { exact: true }).selectOption({ label: 'Shop support (dana@example.com)' });
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(page.getByTestId('message')).toContainText('sobre su pedido');
    await expect(page.getByLabel('Message', { exact: true })).toHaveValue('');
    await page.reload();
    await expect(page.getByTestId('message')).toHaveCount(1);
    await expect(page.getByLabel('Message', { exact: true })).toHaveValue('');
  });
});
