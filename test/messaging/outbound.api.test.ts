import { exemptBecause } from '../../src/shared/id-only-guard';
import { createHmac } from 'node:crypto';
import net from 'node:net';
import { startTestContext, testConfig, waitFor, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';
import { startFakeProvider, startSmtpServer } from '../support/fake-provider';
import { createInbox, websiteChannel } from '../support/inboxes';
import { expectMatchesDocument } from '../openapi/document-support';

let ctx: TestContext;
let account: TestAccount;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let twilio: Awaited<ReturnType<typeof startFakeProvider>>;
let whatsapp: Awaited<ReturnType<typeof startFakeProvider>>;
const inboxes: Record<string, { id: number; inbox_identifier: string; hmac_token?: string }> = {};

const TIMEOUT_MS = 800;

beforeAll(async () => {
  ctx = await startTestContext({ config: testConfig({ DELIVERY_ATTEMPTS: '4', DELIVERY_BACKOFF_MS: '50', DELIVERY_TIMEOUT_MS: String(TIMEOUT_MS) }) });
  account = await ctx.createAccount();
  smtp = await startSmtpServer({ user: 'mailer', pass: 'smtp-secret-password' });
  twilio = await startFakeProvider((n) => ({ sid: `SM${n}`, status: 'queued' }));
  whatsapp = await startFakeProvider((n) => ({ messaging_product: 'whatsapp', messages: [{ id: `wamid.${n}` }] }));
  inboxes.email = await createInbox(ctx, account, {
    type: 'email', email: 'support@shop.example', smtp_address: '127.0.0.1', smtp_port: smtp.port, smtp_login: 'mailer', smtp_password: 'smtp-secret-password',
  }, 'Shop support');
  inboxes.sms = await createInbox(ctx, account, { type: 'sms', provider_url: twilio.url, account_sid: 'AC123', auth_token: 'twilio-token', phone_number: '+15550001111' });
  inboxes.whatsapp = await createInbox(ctx, account, { type: 'whatsapp', provider_url: whatsapp.url, api_key: 'wa-key', phone_number_id: '10987', phone_number: '+15550002222' });
  inboxes.website = await createInbox(ctx, account, websiteChannel());
});
afterAll(async () => {
  await ctx.close();
  await Promise.all([smtp.close(), twilio.close(), whatsapp.close()]);
});

const as = (token: string) => ({ api_access_token: token });
const send = (acc: TestAccount, body: object) => ctx.http.post(acc.path('/conversations')).set(as(acc.agentToken)).send(body);
/** A new conversation as form fields, as Chatwoot's dashboard sends it (a FormData); the request, for more fields or files. */
const sendForm = (fields: Record<string, string>) =>
  Object.entries(fields).reduce((request, [name, value]) => request.field(name, value), ctx.http.post(account.path('/conversations')).set(as(account.agentToken)));

interface MessageJson { id: number; status: string; source_id: string | null; content_attributes: { external_error?: string }; attempts: number }

async function settledMessage(contactId: number, messageId: number): Promise<MessageJson> {
  let found: MessageJson | undefined;
  await waitFor(async () => {
    const res = await ctx.http.get(account.path(`/contacts/${contactId}/conversations`)).set(as(account.agentToken));
    found = res.body.payload.flatMap((c: { messages: MessageJson[] }) => c.messages).find((m: MessageJson) => m.id === messageId);
    return !!found && found.status !== 'queued';
  }, `message ${messageId} to be delivered or failed`, 20000);
  return found!;
}

describe('contactable inboxes', () => {
  it('when a contact has an email and a phone but no verified identity, then e-mail, SMS and WhatsApp are listed, not the website', async () => {
    const contact = await createContact(ctx, account, { phone_number: '+14155550100' });
    const res = await ctx.http.get(account.path(`/contacts/${contact.id}/contactable_inboxes`)).set(as(account.agentToken));
    expect(res.status).toBe(200);
    expect(res.body.payload.map((e: { inbox: { id: number } }) => e.inbox.id)).toEqual([inboxes.email.id, inboxes.sms.id, inboxes.whatsapp.id]);
    expect(res.body.payload[0].source_id).toBe(contact.email);
    expect(res.body.payload[1].source_id).toBe('+14155550100');
    expect(JSON.stringify(res.body)).not.toContain('smtp-secret-password');
  });

  it('when a contact has only a name, then no inbox can reach it and sending answers 422 naming inbox_id', async () => {
    const contact = await createContact(ctx, account, { name: 'Nameless', email: null });
    const res = await ctx.http.get(account.path(`/contacts/${contact.id}/contactable_inboxes`)).set(as(account.agentToken));
    expect(res.body.payload).toEqual([]);
    for (const inbox of Object.values(inboxes)) {
      const sent = await send(account, { inbox_id: inbox.id, contact_id: contact.id, message: { content: 'hello' } });
      expect(sent.status).toBe(422);
      expect(sent.body.field).toBe('inbox_id');
    }
    expect(await ctx.deps.models.messages.countDocuments({ contact_id: contact.id }).comment(exemptBecause('a test checks that nothing was recorded'))).toBe(0);
  });
});

describe('outbound e-mail', () => {
  it('when a message is sent by e-mail, then it is queued, then received by the SMTP server and marked sent with its Message-ID', async () => {
    const contact = await createContact(ctx, account, { name: 'Elena', email: 'elena@example.com' });
    const before = Math.floor(Date.now() / 1000);
    const res = await send(account, { inbox_id: inboxes.email.id, contact_id: contact.id, message: { content: 'Your order has shipped.' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ inbox_id: inboxes.email.id, contact_id: contact.id, status: 'open' });
    expect(res.body.messages[0]).toMatchObject({ content: 'Your order has shipped.', message_type: 1 });
    expect(['queued', 'sent']).toContain(res.body.messages[0].status);

    const message = await settledMessage(contact.id, res.body.messages[0].id);
    expect(message.status).toBe('sent');
    const mail = smtp.received.find((m) => m.to.includes('elena@example.com'));
    expect(mail).toMatchObject({ from: 'support@shop.example', user: 'mailer' });
    expect(mail!.raw).toContain('Your order has shipped.');
    expect(mail!.raw).toContain('Subject: Shop support');
    expect(mail!.raw).toContain(`Message-ID: ${message.source_id}`);

    const shown = await ctx.http.get(account.path(`/contacts/${contact.id}`)).set(as(account.agentToken));
    expect(shown.body.payload.last_activity_at).toBeGreaterThanOrEqual(before);
  });

  // The email rule refuses such addresses now; one stored before it was read as a list of two.
  it('when a stored email holds a comma, then the mail goes to that one address, not to what follows the comma', async () => {
    const contact = await createContact(ctx, account, { email: 'stored-before@example.com' });
    await ctx.deps.models.contacts.updateOne({ _id: String(contact.id) }, { $set: { email: 'first,second-victim@example.com' } });
    const res = await send(account, { inbox_id: inboxes.email.id, contact_id: contact.id, message: { content: 'For one reader' } });
    expect(res.status).toBe(200);
    await settledMessage(contact.id, res.body.messages[0].id);
    expect(smtp.received.filter((m) => m.to.includes('second-victim@example.com'))).toEqual([]);
  });

  // Chatwoot's SMTP form sends these with every save; they were a 422 as unknown keys.
  it("when the inbox has Chatwoot's SMTP settings (domain, authentication, STARTTLS, verify mode), then the mail goes out with them; with smtp_enabled off, it is no longer contactable and sending answers 422", async () => {
    const inbox = await createInbox(ctx, account, {
      type: 'email', email: 'desk@shop.example', smtp_address: '127.0.0.1', smtp_port: smtp.port, smtp_login: 'mailer', smtp_password: 'smtp-secret-password',
      smtp_enabled: true, smtp_domain: 'mail.shop.example', smtp_authentication: 'plain', smtp_enable_starttls_auto: false, smtp_openssl_verify_mode: 'none',
    }, 'Desk');
    expect(inbox).toMatchObject({ smtp_enabled: true, smtp_domain: 'mail.shop.example', smtp_authentication: 'plain', smtp_enable_starttls_auto: false, smtp_openssl_verify_mode: 'none' });
    const contact = await createContact(ctx, account, { email: 'smtp-settings@example.com' });
    const res = await send(account, { inbox_id: inbox.id, contact_id: contact.id, message: { content: 'with settings' } });
    expect((await settledMessage(contact.id, res.body.messages[0].id)).status).toBe('sent');
    expect(smtp.received.find((m) => m.to.includes('smtp-settings@example.com'))).toMatchObject({ helo: 'mail.shop.example', authMethod: 'PLAIN', user: 'mailer' });

    const login = await ctx.http.patch(account.path(`/inboxes/${inbox.id}`)).set(as(account.adminToken)).send({ channel: { smtp_authentication: 'login' } });
    expect(login.body.smtp_authentication).toBe('login');
    const again = await send(account, { inbox_id: inbox.id, contact_id: contact.id, message: { content: 'by login' } });
    expect((await settledMessage(contact.id, again.body.messages[0].id)).status).toBe('sent');
    expect(smtp.received.filter((m) => m.to.includes('smtp-settings@example.com')).at(-1)).toMatchObject({ authMethod: 'LOGIN' });

    const contactable = async () =>
      (await ctx.http.get(account.path(`/contacts/${contact.id}/contactable_inboxes`)).set(as(account.agentToken))).body.payload.map((e: { inbox: { id: number } }) => e.inbox.id);
    expect(await contactable()).toContain(inbox.id);
    const off = await ctx.http.patch(account.path(`/inboxes/${inbox.id}`)).set(as(account.adminToken)).send({ channel: { smtp_enabled: false } });
    expect(off.body.smtp_enabled).toBe(false);
    // Accepted, the message could only end failed (it was queued, then failed saying so).
    expect(await contactable()).not.toContain(inbox.id);
    expect(await contactable()).toContain(inboxes.email.id);
    const before = await ctx.deps.models.messages.countDocuments({ contact_id: contact.id }).comment(exemptBecause('a test checks that nothing was recorded'));
    const refused = await send(account, { inbox_id: inbox.id, contact_id: contact.id, message: { content: 'switched off' } });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      field: 'inbox_id',
      error: `inbox ${inbox.id} cannot send: its SMTP sending is switched off (smtp_enabled is false) and there is no other mailer`,
    });
    expect(await ctx.deps.models.messages.countDocuments({ contact_id: contact.id }).comment(exemptBecause('a test checks that nothing was recorded'))).toBe(before);
    expect(smtp.received.filter((m) => m.to.includes('smtp-settings@example.com'))).toHaveLength(2);
  });

  it('when smtp_enabled is switched off while a message waits for delivery, then the message fails saying so', async () => {
    // A server that never answers holds the first attempt until its timeout, past the switch-off.
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as net.AddressInfo).port;
      const inbox = await createInbox(ctx, account, { type: 'email', email: 'slow@shop.example', smtp_address: '127.0.0.1', smtp_port: port }, 'Slow');
      const contact = await createContact(ctx, account, { email: 'waiting@example.com' });
      const queued = await send(account, { inbox_id: inbox.id, contact_id: contact.id, message: { content: 'waiting' } });
      expect(queued.status).toBe(200);
      await ctx.http.patch(account.path(`/inboxes/${inbox.id}`)).set(as(account.adminToken)).send({ channel: { smtp_enabled: false } });
      const failed = await settledMessage(contact.id, queued.body.messages[0].id);
      expect(failed.status).toBe('failed');
      expect(failed.content_attributes.external_error).toMatch(/smtp_enabled/);
    } finally {
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('when the SMTP server refuses the recipient for good (550), then the message fails with the reason', async () => {
    const contact = await createContact(ctx, account, { email: 'nobody@reject.example' });
    const res = await send(account, { inbox_id: inboxes.email.id, contact_id: contact.id, message: { content: 'bounce' } });
    const message = await settledMessage(contact.id, res.body.messages[0].id);
    expect(message.status).toBe('failed');
    expect(message.content_attributes.external_error).toMatch(/550|mailbox unavailable/);
    expect(message.attempts).toBe(1);
  });

  // In one SMTP transaction a server that refused the contact's address and took the Cc's
  // delivered the message to the Cc alone, and it was marked sent.
  it('when the SMTP server refuses the contact for good but would take the Cc, then the message fails and no copy goes out', async () => {
    const contact = await createContact(ctx, account, { email: 'gone@reject.example' });
    const res = await send(account, { inbox_id: inboxes.email.id, contact_id: contact.id, message: { content: 'to a closed mailbox', cc_emails: 'copy-of-gone@example.com' } });
    const message = await settledMessage(contact.id, res.body.messages[0].id);
    expect(message).toMatchObject({ status: 'failed', attempts: 1 });
    expect(message.content_attributes.external_error).toMatch(/550 mailbox unavailable/);
    expect(smtp.received.filter((m) => m.to.includes('copy-of-gone@example.com'))).toEqual([]);
  });

  it('when the SMTP server asks to try the contact again later (450), then the message is retried and every recipient gets one copy', async () => {
    const contact = await createContact(ctx, account, { email: 'later@busy.example' });
    const res = await send(account, { inbox_id: inboxes.email.id, contact_id: contact.id, message: { content: 'try again', cc_emails: 'copy-of-later@example.com', bcc_emails: 'archive-of-later@example.com' } });
    const message = await settledMessage(contact.id, res.body.messages[0].id);
    expect(message).toMatchObject({ status: 'sent', attempts: 2 });
    expect(message.content_attributes.external_error).toBeUndefined();
    for (const address of ['later@busy.example', 'copy-of-later@example.com', 'archive-of-later@example.com']) {
      expect(smtp.received.filter((m) => m.to.includes(address))).toHaveLength(1);
    }
  });

  it('when the SMTP server takes the contact but refuses a Cc, then the message is sent and says which copy was refused', async () => {
    const contact = await createContact(ctx, account, { email: 'kept@example.com' });
    const res = await send(account, { inbox_id: inboxes.email.id, contact_id: contact.id, message: { content: 'with copies', cc_emails: 'closed@reject.example, open@example.com' } });
    const message = await settledMessage(contact.id, res.body.messages[0].id);
    expect(message).toMatchObject({ status: 'sent', attempts: 1 });
    expect(message.content_attributes.external_error).toBe('sent to the contact; the SMTP server refused the copy to closed@reject.example (550 mailbox unavailable)');
    const [toContact] = smtp.received.filter((m) => m.to.includes('kept@example.com'));
    const [copy] = smtp.received.filter((m) => m.to.includes('open@example.com'));
    expect(toContact.to).toEqual(['kept@example.com']);
    // The same message: one Message-ID, the same headers.
    const messageId = (raw: string) => /^Message-ID: (.+)$/im.exec(raw)?.[1];
    expect(messageId(copy.raw)).toBe(messageId(toContact.raw));
    expect(messageId(toContact.raw)).toBe(message.source_id);
  });
});

describe('reading a conversation', () => {
  it('when a conversation is read by its id, then it answers as POST /conversations did, with the delivery status as it is now, and its messages as Chatwoot lists them', async () => {
    const contact = await createContact(ctx, account, { name: 'Reader', email: 'reader@example.com' });
    const sent = await send(account, { inbox_id: inboxes.email.id, contact_id: contact.id, message: { content: 'Read me back' } });
    const id = sent.body.id as number;
    const messageId = sent.body.messages[0].id as number;
    await settledMessage(contact.id, messageId);

    const shown = await ctx.http.get(account.path(`/conversations/${id}`)).set(as(account.agentToken));
    expect(shown.status).toBe(200);
    expectMatchesDocument('get', '/api/v1/accounts/{account_id}/conversations/{id}', shown);
    expect(shown.body).toMatchObject({ id, contact_id: contact.id, inbox_id: inboxes.email.id, meta: { sender: { id: contact.id }, channel: 'Channel::Email', hmac_verified: false } });
    expect(shown.body.messages).toEqual([expect.objectContaining({ id: messageId, content: 'Read me back', status: 'sent', source_id: expect.any(String) })]);
    // Who sent it, as Chatwoot's push_event_data shows it (a client reading messages[0].sender.name threw).
    const agent = (await ctx.http.get('/api/v1/profile').set(as(account.agentToken))).body as { id: number; name: string };
    expect(shown.body.messages[0]).toMatchObject({ sender_type: 'User', sender_id: agent.id, sender: { id: agent.id, name: agent.name, type: 'user' } });
    expect(sent.body.messages[0]).toMatchObject({ sender_type: 'User', sender: { id: agent.id, type: 'user' } });

    const listed = await ctx.http.get(account.path(`/conversations/${id}/messages`)).set(as(account.agentToken));
    expect(listed.status).toBe(200);
    expectMatchesDocument('get', '/api/v1/accounts/{account_id}/conversations/{id}/messages', listed);
    expect(listed.body).toEqual({ meta: { contact: shown.body.meta.sender }, payload: shown.body.messages });
  });

  it('when the conversation is of another account or does not exist, then it is a 404', async () => {
    const other = await ctx.createAccount();
    const contact = await createContact(ctx, account, { email: 'private@example.com' });
    const sent = await send(account, { inbox_id: inboxes.email.id, contact_id: contact.id, message: { content: 'Not yours' } });
    for (const path of [`/conversations/${sent.body.id}`, `/conversations/${sent.body.id}/messages`]) {
      const res = await ctx.http.get(other.path(path)).set(as(other.agentToken));
      expect(res.status).toBe(404);
      expect(res.body.error).toMatch(/conversation/);
    }
    expect((await ctx.http.get(account.path('/conversations/987654321')).set(as(account.agentToken))).status).toBe(404);
  });
});

describe('outbound SMS and WhatsApp', () => {
  it('when the SMS provider answers 503 once, then the message is retried and sent, in Twilio\'s request shape', async () => {
    const contact = await createContact(ctx, account, { phone_number: '+14155550101' });
    const already = twilio.requests.length;
    twilio.failNext({ status: 503, body: { message: 'Service Unavailable' } });
    const res = await send(account, { inbox_id: inboxes.sms.id, contact_id: contact.id, message: { content: 'Code: 1234' } });
    const message = await settledMessage(contact.id, res.body.messages[0].id);
    expect(message.status).toBe('sent');
    expect(message.attempts).toBe(2);
    const mine = twilio.requests.slice(already);
    expect(mine).toHaveLength(2);
    expect(message.source_id).toBe(`SM${already + 2}`);
    expect(mine[1].url).toBe('/2010-04-01/Accounts/AC123/Messages.json');
    expect(mine[1].headers.authorization).toBe(`Basic ${Buffer.from('AC123:twilio-token').toString('base64')}`);
    expect(Object.fromEntries(new URLSearchParams(mine[1].body))).toEqual({ To: '+14155550101', From: '+15550001111', Body: 'Code: 1234' });
  });

  it('when the SMS provider answers 400, then the message fails with the provider\'s reason and is not retried', async () => {
    const contact = await createContact(ctx, account, { phone_number: '+14155550102' });
    const already = twilio.requests.length;
    twilio.failNext({ status: 400, body: { code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 } });
    const res = await send(account, { inbox_id: inboxes.sms.id, contact_id: contact.id, message: { content: 'nope' } });
    const message = await settledMessage(contact.id, res.body.messages[0].id);
    expect(message.status).toBe('failed');
    expect(message.content_attributes.external_error).toContain("400: The 'To' number is not a valid phone number.");
    expect(twilio.requests.length - already).toBe(1);
  });

  it('when the WhatsApp provider times out once, then the message is retried and sent, in the Cloud API\'s shape', async () => {
    const contact = await createContact(ctx, account, { phone_number: '+5511987654321' });
    const already = whatsapp.requests.length;
    whatsapp.failNext({ status: 201, body: { messages: [{ id: 'too-late' }] }, delayMs: TIMEOUT_MS * 3 });
    const res = await send(account, { inbox_id: inboxes.whatsapp.id, contact_id: contact.id, message: { content: 'Olá!' } });
    const message = await settledMessage(contact.id, res.body.messages[0].id);
    expect(message.status).toBe('sent');
    expect(message.source_id).toBe(`wamid.${already + 2}`);
    const last = whatsapp.requests[whatsapp.requests.length - 1];
    expect(last.url).toBe('/10987/messages');
    expect(last.headers.authorization).toBe('Bearer wa-key');
    expect(JSON.parse(last.body)).toEqual({ messaging_product: 'whatsapp', recipient_type: 'individual', to: '5511987654321', type: 'text', text: { preview_url: false, body: 'Olá!' } });
  });

  it('when the WhatsApp provider keeps answering 500, then the message fails after the last attempt', async () => {
    const contact = await createContact(ctx, account, { phone_number: '+5511987654322' });
    const already = whatsapp.requests.length;
    const down = { status: 500, body: { error: { message: 'internal', code: 1 } } };
    whatsapp.failNext(down, down, down, down);
    const res = await send(account, { inbox_id: inboxes.whatsapp.id, contact_id: contact.id, message: { content: 'retry me' } });
    const message = await settledMessage(contact.id, res.body.messages[0].id);
    expect(message.status).toBe('failed');
    expect(message.attempts).toBe(4);
    expect(message.content_attributes.external_error).toContain('500: internal');
    expect(whatsapp.requests.length - already).toBe(4);
  });
  it('when a stored WhatsApp api_key cannot be sent in a header, then the message fails at once with the reason, not after every retry', async () => {
    const contact = await createContact(ctx, account, { phone_number: '+5511987654323' });
    const inbox = await createInbox(ctx, account, { type: 'whatsapp', provider_url: whatsapp.url, api_key: 'wa-key', phone_number_id: '10988', phone_number: '+15550002222' });
    // Saved before such keys were refused.
    await ctx.deps.models.inboxes.updateOne({ _id: inbox.id }, { $set: { 'settings.api_key': 'wa-key\r\nX-Injected: 1' } });
    const already = whatsapp.requests.length;
    const res = await send(account, { inbox_id: inbox.id, contact_id: contact.id, message: { content: 'header' } });
    const message = await settledMessage(contact.id, res.body.messages[0].id);
    expect(message.status).toBe('failed');
    expect(message.attempts).toBe(1);
    expect(message.content_attributes.external_error).toMatch(/WhatsApp provider.*header/i);
    expect(whatsapp.requests.length - already).toBe(0);
  });
});

describe('website messages', () => {
  it('when the contact has no verified identity in the website inbox, then sending answers 422; once verified, it is recorded and sent', async () => {
    const visitor = (await ctx.http.post(`/public/api/v1/inboxes/${inboxes.website.inbox_identifier}/contacts`).send({ email: 'web@example.com' })).body;
    const refused = await send(account, { inbox_id: inboxes.website.id, contact_id: visitor.id, message: { content: 'hi' } });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatch(/HMAC-verified/);

    const hash = createHmac('sha256', inboxes.website.hmac_token!).update('web-user-1').digest('hex');
    await ctx.http
      .patch(`/public/api/v1/inboxes/${inboxes.website.inbox_identifier}/contacts/${visitor.source_id}`)
      .send({ identifier: 'web-user-1', identifier_hash: hash })
      .expect(200);
    const accepted = await send(account, { inbox_id: inboxes.website.id, contact_id: visitor.id, message: { content: 'hi' } });
    expect(accepted.status).toBe(200);
    expect((await settledMessage(visitor.id, accepted.body.messages[0].id)).status).toBe('sent');
  });
});

describe('isolation and input', () => {
  it('when another account\'s inbox, contact or conversations are used, then they are invisible', async () => {
    const other = await ctx.createAccount();
    const theirContact = await createContact(ctx, other);
    const theirInbox = await createInbox(ctx, other, { type: 'sms', provider_url: twilio.url, account_sid: 'AC9', auth_token: 't', phone_number: '+15550009999' });
    const mine = await createContact(ctx, account, { phone_number: '+14155550199' });
    await ctx.http.post(other.path('/conversations')).set(as(other.agentToken)).send({ inbox_id: theirInbox.id, contact_id: theirContact.id, message: { content: 'x' } });

    expect((await send(account, { inbox_id: theirInbox.id, contact_id: mine.id, message: { content: 'x' } })).status).toBe(404);
    expect((await send(account, { inbox_id: inboxes.sms.id, contact_id: theirContact.id, message: { content: 'x' } })).status).toBe(404);
    expect((await ctx.http.get(account.path(`/contacts/${theirContact.id}/conversations`)).set(as(account.agentToken))).status).toBe(404);
    expect((await ctx.http.get(account.path(`/contacts/${theirContact.id}/contactable_inboxes`)).set(as(account.agentToken))).status).toBe(404);
    const list = await ctx.http.get(account.path('/inboxes')).set(as(account.agentToken));
    expect(list.body.payload.map((i: { id: number }) => i.id)).not.toContain(theirInbox.id);
  });

  it('when Chatwoot\'s custom_attributes and status "open" come with the conversation, then the attributes are kept on it', async () => {
    const contact = await createContact(ctx, account, { phone_number: '+14155550177' });
    const res = await send(account, { inbox_id: inboxes.sms.id, contact_id: contact.id, message: { content: 'Your order' }, status: 'open', custom_attributes: { order_id: 'A-17', priority: 2 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'open', custom_attributes: { order_id: 'A-17', priority: 2 } });
    const listed = await ctx.http.get(account.path(`/contacts/${contact.id}/conversations`)).set(as(account.agentToken));
    expect(listed.body.payload[0]).toMatchObject({ id: res.body.id, custom_attributes: { order_id: 'A-17', priority: 2 } });
  });

  it.each([
    [{ contact_id: 1, message: { content: 'x' } }, 'inbox_id'],
    [{ inbox_id: 1, message: { content: 'x' } }, 'contact_id'],
    [{ inbox_id: 1, contact_id: 1, message: { content: '  ' } }, 'message.content'],
    // Sent as an invisible SMS, and a NUL to the provider.
    [{ inbox_id: 1, contact_id: 1, message: { content: '\u200b\u200b' } }, 'message.content'],
    [{ inbox_id: 1, contact_id: 1, message: { content: 'a\u0000b' } }, 'message.content'],
    [{ inbox_id: 1, contact_id: 1 }, 'message'],
    // Once read as inbox 1 and inbox 2: a message went out through an inbox nobody named.
    [{ inbox_id: true, contact_id: 1, message: { content: 'x' } }, 'inbox_id'],
    [{ inbox_id: [2], contact_id: 1, message: { content: 'x' } }, 'inbox_id'],
    [{ inbox_id: 1, contact_id: '1e1', message: { content: 'x' } }, 'contact_id'],
    // Meant as an internal note, it was delivered to the contact.
    [{ inbox_id: 1, contact_id: 1, message: { content: 'x', private: true } }, 'message.private'],
    [{ inbox_id: 1, contact_id: 1, message: { content: 'x', cc_emails: 'a@b.co, nobody' } }, 'message.cc_emails'],
    [{ inbox_id: 1, contact_id: 1, message: { content: 'x', content_type: 'input_select' } }, 'message.content_type'],
    [{ inbox_id: 1, contact_id: 1, message: { content: 'x' }, status: 'pending' }, 'status'],
    [{ inbox_id: 1, contact_id: 1, message: { content: 'x' }, custom_attributes: { 'a.b': 1 } }, 'custom_attributes.a.b'],
    // A key of a bell was stored (a black-box read, 2026-12-05), as a contact's is refused.
    [{ inbox_id: 1, contact_id: 1, message: { content: 'x' }, custom_attributes: { 'a\u0007': 1 } }, 'custom_attributes.a\u0007'],
  ])('when the body is %j, then it answers 422 naming the field', async (body, field) => {
    const res = await send(account, body);
    expect(res.status).toBe(422);
    expect(res.body.field).toBe(field);
  });

  // Chatwoot's conversation fields this service does not act on: they were dropped with a 200.
  it.each([
    ['team_id', '+14155550162'],
    ['snoozed_until', '+14155550164'],
  ])('when the body carries Chatwoot\'s %s, then it answers 422 naming it and sends nothing', async (key, phone) => {
    const contact = await createContact(ctx, account, { phone_number: phone });
    const res = await send(account, { inbox_id: inboxes.sms.id, contact_id: contact.id, message: { content: 'x' }, [key]: 1 });
    expect(res.status).toBe(422);
    expect(res.body.error).toContain(key);
    expect((await ctx.http.get(account.path(`/contacts/${contact.id}/conversations`)).set(as(account.agentToken))).body.payload).toEqual([]);
  });

  it('when inbox_id is left out, then the 422 says it is required', async () => {
    const contact = await createContact(ctx, account, { name: 'No inbox', email: 'noinbox@shop.example' });
    const res = await send(account, { contact_id: contact.id, message: { content: 'x' } });
    expect([res.status, res.body.field, res.body.error]).toEqual([422, 'inbox_id', 'inbox_id is required: the inbox the message is sent through']);
  });

  it('when assignee_id is not a member of the account, or cc_emails go to an SMS inbox, then it answers 422 naming them and sends nothing', async () => {
    const contact = await createContact(ctx, account, { phone_number: '+14155550161' });
    const stranger = await send(account, { inbox_id: inboxes.sms.id, contact_id: contact.id, message: { content: 'x' }, assignee_id: 999999 });
    expect(stranger.status).toBe(422);
    expect(stranger.body.field).toBe('assignee_id');
    const copies = await send(account, { inbox_id: inboxes.sms.id, contact_id: contact.id, message: { content: 'x', cc_emails: 'boss@example.com' } });
    expect(copies.status).toBe(422);
    expect(copies.body.field).toBe('message.cc_emails');
    const badCopy = await send(account, { inbox_id: inboxes.email.id, contact_id: contact.id, message: { content: 'x', bcc_emails: 'not-an-address' } });
    expect(badCopy.status).toBe(422);
    expect(badCopy.body.error).toContain('bcc_emails');
    const template = await send(account, { inbox_id: inboxes.whatsapp.id, contact_id: contact.id, message: { content: 'x', template_params: { name: 'hello_world' } } });
    expect(template.status).toBe(422);
    expect(template.body.error).toContain('template_params');
    expect((await ctx.http.get(account.path(`/contacts/${contact.id}/conversations`)).set(as(account.agentToken))).body.payload).toEqual([]);
  });
});

// Chatwoot's dashboard starts a conversation with a FormData (createConversationPayload): bracketed
// names, "undefined" for what nobody chose, its subject in additional_attributes[mail_subject],
// the agent as assignee. It was a 415, and as JSON the subject and assignee were 422s.
describe("a conversation started as Chatwoot's dashboard sends it", () => {
  it('when the form carries a subject, copies and an assignee, then the e-mail goes out with them and the conversation answers them', async () => {
    const contact = await createContact(ctx, account, { name: 'Formal', email: 'formal@example.com' });
    const agent = (await ctx.http.get('/api/v1/profile').set(as(account.agentToken))).body;
    const res = await sendForm({
      'message[content]': 'Your invoice is attached below.',
      'message[cc_emails]': 'Boss@Example.com, accounts@example.com',
      'message[bcc_emails]': 'archive@example.com',
      inbox_id: String(inboxes.email.id),
      contact_id: String(contact.id),
      source_id: 'formal@example.com',
      'additional_attributes[mail_subject]': 'Invoice 2026-11',
      assignee_id: String(agent.id),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ contact_id: contact.id, additional_attributes: { mail_subject: 'Invoice 2026-11' } });
    expect(res.body.meta.assignee).toMatchObject({ id: agent.id, role: 'agent' });
    expect(res.body.messages[0].content_attributes).toEqual({ cc_emails: ['boss@example.com', 'accounts@example.com'], bcc_emails: ['archive@example.com'] });

    const message = await settledMessage(contact.id, res.body.messages[0].id);
    expect(message.status).toBe('sent');
    // The contact's copy in a transaction of its own, then the Cc and Bcc copies, the same message.
    const mail = smtp.received.find((m) => m.to.includes('formal@example.com'))!;
    const copies = smtp.received.find((m) => m.to.includes('boss@example.com'))!;
    expect(mail.to).toEqual(['formal@example.com']);
    expect(copies.to.sort()).toEqual(['accounts@example.com', 'archive@example.com', 'boss@example.com']);
    for (const raw of [mail.raw, copies.raw]) {
      expect(raw).toContain('Subject: Invoice 2026-11');
      expect(raw).toContain('To: formal@example.com');
      expect(raw).toContain('Cc: boss@example.com, accounts@example.com');
      expect(raw).not.toContain('archive@example.com');
    }

    const shown = await ctx.http.get(account.path(`/conversations/${res.body.id}`)).set(as(account.adminToken));
    expect(shown.body).toMatchObject({ additional_attributes: { mail_subject: 'Invoice 2026-11' }, meta: { assignee: { id: agent.id } } });
  });

  it('when the form leaves source_id, assignee_id and the subject "undefined" (FormData of unset values), then they are absent; a file is a 422', async () => {
    const contact = await createContact(ctx, account, { phone_number: '+14155550166' });
    // message[private]=false is the text a form sends for the JSON false (it was a 422).
    const res = await sendForm({ 'message[content]': 'Hello by SMS', 'message[private]': 'false', inbox_id: String(inboxes.sms.id), contact_id: String(contact.id), source_id: 'undefined', 'additional_attributes[mail_subject]': 'undefined', assignee_id: 'undefined' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ additional_attributes: {}, meta: { assignee: null } });
    const withFile = await sendForm({ 'message[content]': 'With a file', inbox_id: String(inboxes.sms.id), contact_id: String(contact.id) }).attach('message[attachments][]', Buffer.from('hello'), 'hello.txt');
    expect(withFile.status).toBe(422);
    expect(withFile.body.error).toMatch(/files are not taken/);
    // A form is held in memory as a JSON body is: bounded in fields and in size.
    const tooMany = await sendForm(Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`custom_attributes[k${i}]`, 'v'])));
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error).toMatch(/the form has more than 50 fields, the limit of a form/);
    const huge = await sendForm({ 'message[content]': 'x'.repeat(20000), 'custom_attributes[big]': 'y'.repeat(1024 * 1024) });
    expect(huge.status).toBe(413);
    const listed = await ctx.http.get(account.path(`/contacts/${contact.id}/conversations`)).set(as(account.agentToken));
    expect(listed.body.payload).toHaveLength(1);
  });
});

describe('a conversation without its message', () => {
  it('when POST /conversations has no message (Chatwoot opens one empty), then it is a 422 saying a conversation is started by its message, and nothing is recorded', async () => {
    const contact = await createContact(ctx, account, { phone_number: '+14155550488' });
    const res = await send(account, { inbox_id: inboxes.sms.id, contact_id: contact.id });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ field: 'message', error: expect.stringContaining('message is required, {"content": "..."}: a conversation is started here by the message it sends') });
    expect((await send(account, { inbox_id: inboxes.sms.id, contact_id: contact.id, message: null })).body.error).toContain('message is required');
    // Any other fault inside the message keeps its own words.
    const unknown = await send(account, { inbox_id: inboxes.sms.id, contact_id: contact.id, message: { content: 'x', echo_id: 'e1' } });
    expect([unknown.status, unknown.body.error]).toEqual([422, 'message: Unrecognized key: "echo_id"']);
    const listed = await ctx.http.get(account.path(`/contacts/${contact.id}/conversations`)).set(as(account.agentToken));
    expect(listed.body.payload).toEqual([]);
  });
});

describe("Chatwoot's conversation fields sent unset", () => {
  // Chatwoot's clients send them empty when nobody chose one; they mean nothing, so nothing is dropped.
  it('when assignee_id, team_id, snoozed_until and source_id are null and additional_attributes is {} or null, then the conversation is opened and delivered', async () => {
    const contact = await createContact(ctx, account, { phone_number: '+14155550165' });
    for (const additional of [{}, null]) {
      const res = await send(account, {
        inbox_id: inboxes.sms.id, contact_id: contact.id, message: { content: 'unset fields' },
        assignee_id: null, team_id: null, snoozed_until: null, additional_attributes: additional, source_id: null,
      });
      expect(res.status).toBe(200);
    }
    const listed = await ctx.http.get(account.path(`/contacts/${contact.id}/conversations`)).set(as(account.agentToken));
    expect(listed.body.payload).toHaveLength(2);
  });
});

describe("Chatwoot's source_id with a new conversation", () => {
  it('when the source_id is not the address the inbox derives for the contact, then it answers 422 naming source_id and records nothing; the right one (with or without +) is accepted', async () => {
    const contact = await createContact(ctx, account, { phone_number: '+14155550178', email: 'src@example.com' });
    const wrong = await send(account, { inbox_id: inboxes.sms.id, contact_id: contact.id, source_id: '+14155550999', message: { content: 'to whom?' } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.field).toBe('source_id');
    const wrongMail = await send(account, { inbox_id: inboxes.email.id, contact_id: contact.id, source_id: 'someone.else@example.com', message: { content: 'to whom?' } });
    expect(wrongMail.status).toBe(422);
    expect(wrongMail.body.field).toBe('source_id');
    const none = await ctx.http.get(account.path(`/contacts/${contact.id}/conversations`)).set(as(account.agentToken));
    expect(none.body.payload).toEqual([]);

    expect((await send(account, { inbox_id: inboxes.sms.id, contact_id: contact.id, source_id: '+14155550178', message: { content: 'a' } })).status).toBe(200);
    expect((await send(account, { inbox_id: inboxes.whatsapp.id, contact_id: contact.id, source_id: '14155550178', message: { content: 'b' } })).status).toBe(200);
    expect((await send(account, { inbox_id: inboxes.email.id, contact_id: contact.id, source_id: 'SRC@example.com', message: { content: 'c' } })).status).toBe(200);
  });

  it('when a website contact has two verified sessions, then the source_id picks the one the message goes to; a source_id that is not one of them answers 422', async () => {
    const path = `/public/api/v1/inboxes/${inboxes.website.inbox_identifier}/contacts`;
    const hash = createHmac('sha256', inboxes.website.hmac_token!).update('two-devices').digest('hex');
    const phone = (await ctx.http.post(path).send({ identifier: 'two-devices', identifier_hash: hash }).expect(200)).body;
    const laptop = (await ctx.http.post(path).send({ identifier: 'two-devices', identifier_hash: hash }).expect(200)).body;
    expect(laptop.id).toBe(phone.id);

    const stranger = (await ctx.http.post(path).send({})).body;
    const refused = await send(account, { inbox_id: inboxes.website.id, contact_id: phone.id, source_id: stranger.source_id, message: { content: 'hi' } });
    expect(refused.status).toBe(422);
    expect(refused.body.field).toBe('source_id');

    const sent = await send(account, { inbox_id: inboxes.website.id, contact_id: phone.id, source_id: laptop.source_id, message: { content: 'to the laptop' } });
    expect(sent.status).toBe(200);
    const onLaptop = await ctx.http.get(`${path}/${laptop.source_id}/conversations`);
    expect(onLaptop.body.map((c: { id: number }) => c.id)).toContain(sent.body.id);
  });
});

describe("Chatwoot's conversation meta", () => {
  it('when a conversation is opened or listed, then meta names its contact (sender), the channel and whether the contact is HMAC-verified there, as Chatwoot answers', async () => {
    const contact = await createContact(ctx, account, { name: 'Meta Sender', phone_number: '+14155550196' });
    const sms = await send(account, { inbox_id: inboxes.sms.id, contact_id: contact.id, message: { content: 'with meta' } });
    expect(sms.status).toBe(200);
    expect(sms.body.meta).toMatchObject({ sender: { id: contact.id, name: 'Meta Sender', phone_number: '+14155550196' }, channel: 'Channel::Sms', hmac_verified: false });

    const path = `/public/api/v1/inboxes/${inboxes.website.inbox_identifier}/contacts`;
    const hash = createHmac('sha256', inboxes.website.hmac_token!).update('meta-visitor').digest('hex');
    const visitor = (await ctx.http.post(path).send({ identifier: 'meta-visitor', identifier_hash: hash }).expect(200)).body;
    const web = await send(account, { inbox_id: inboxes.website.id, contact_id: visitor.id, message: { content: 'hi' } });
    expect(web.body.meta).toMatchObject({ sender: { id: visitor.id, identifier: 'meta-visitor' }, channel: 'Channel::WebWidget', hmac_verified: true });

    const listed = (await ctx.http.get(account.path(`/contacts/${contact.id}/conversations`)).set(as(account.agentToken))).body.payload;
    expect(listed.map((c: { id: number; meta: unknown }) => [c.id, c.meta])).toEqual([
      [sms.body.id, expect.objectContaining({ sender: expect.objectContaining({ id: contact.id }), channel: 'Channel::Sms', hmac_verified: false })],
    ]);
    const listedWeb = (await ctx.http.get(account.path(`/contacts/${visitor.id}/conversations`)).set(as(account.agentToken))).body.payload;
    expect(listedWeb.find((c: { id: number }) => c.id === web.body.id).meta).toMatchObject({ channel: 'Channel::WebWidget', hmac_verified: true });
  });

  // From a black-box read: the inbox was not among the contact's contact_inboxes after a send
  // (Chatwoot's ContactInboxBuilder makes the record), and meta.sender had the last activity of before it.
  it('when a message is sent by e-mail, SMS or WhatsApp, then the inbox is among the contact\'s contact_inboxes, once, and meta.sender carries the activity the send moved', async () => {
    const contact = await createContact(ctx, account, { name: 'Linked', email: 'linked@shop.example', phone_number: '+14155550396', last_activity_at: 1600000000 });
    for (const inbox of [inboxes.email, inboxes.sms, inboxes.whatsapp, inboxes.sms]) {
      const res = await send(account, { inbox_id: inbox.id, contact_id: contact.id, message: { content: 'linked' } });
      expect(res.status).toBe(200);
      expect(res.body.meta.sender.last_activity_at).toBe(res.body.last_activity_at);
    }
    const shown = (await ctx.http.get(account.path(`/contacts/${contact.id}`)).set(as(account.agentToken))).body.payload;
    expect(shown.last_activity_at).toBeGreaterThan(1600000000);
    const links = shown.contact_inboxes.map((ci: { source_id: string; inbox: { id: number } }) => [ci.inbox.id, ci.source_id]);
    expect(links.sort()).toEqual([[inboxes.email.id, 'linked@shop.example'], [inboxes.sms.id, '+14155550396'], [inboxes.whatsapp.id, '+14155550396']].sort());
  });

  // From a black-box read: a last activity in 2100 stayed after every send, and the contact first in the list for good.
  it('when a contact holds a last activity in the future, then a send moves it to the time of the send', async () => {
    const contact = await createContact(ctx, account, { name: 'Future', email: 'future@shop.example', last_activity_at: 4102444800 });
    const before = Math.floor(Date.now() / 1000);
    const res = await send(account, { inbox_id: inboxes.email.id, contact_id: contact.id, message: { content: 'now' } });
    expect(res.status).toBe(200);
    const shown = (await ctx.http.get(account.path(`/contacts/${contact.id}`)).set(as(account.agentToken))).body.payload;
    expect(shown.last_activity_at).toBeGreaterThanOrEqual(before);
    expect(shown.last_activity_at).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
  });

  // A Chatwoot client reading conversation.labels.includes(…) or unread_count threw or misread: the keys were missing.
  // Chatwoot answers a time never set as 0 (Ruby's to_i): a typed client failed to decode null.
  it("when a conversation is answered, then it carries Chatwoot's other conversation fields with what they are here", async () => {
    const contact = await createContact(ctx, account, { name: 'Fields', phone_number: '+14155550296' });
    const sent = await send(account, { inbox_id: inboxes.sms.id, contact_id: contact.id, message: { content: 'fields' } });
    const again = await send(account, { inbox_id: inboxes.sms.id, contact_id: contact.id, message: { content: 'fields again' } });
    const listed = (await ctx.http.get(account.path(`/contacts/${contact.id}/conversations`)).set(as(account.agentToken))).body.payload;
    const shown = (await ctx.http.get(account.path(`/conversations/${sent.body.id}`)).set(as(account.agentToken))).body;
    expect(sent.body.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(again.body.uuid).not.toBe(sent.body.uuid);
    expect(listed.map((c: { uuid: string }) => c.uuid)).toEqual([again.body.uuid, sent.body.uuid]);
    for (const conversation of [sent.body, listed[1], shown]) {
      expect(conversation).toMatchObject({
        uuid: sent.body.uuid,
        labels: [],
        unread_count: 0,
        agent_last_seen_at: 0,
        assignee_last_seen_at: 0,
        contact_last_seen_at: 0,
        first_reply_created_at: sent.body.messages[0].created_at,
        waiting_since: 0,
        priority: null,
        muted: false,
        snoozed_until: null,
        sla_policy_id: null,
        can_reply: true,
        last_non_activity_message: expect.objectContaining({ id: sent.body.messages[0].id, content: 'fields' }),
      });
    }
    // One recorded before uuids were kept answers a name-based one, the same at every read.
    await ctx.deps.models.conversations.updateOne({ _id: sent.body.id }, { $unset: { uuid: 1 } });
    const uuidNow = async () => (await ctx.http.get(account.path(`/conversations/${sent.body.id}`)).set(as(account.agentToken)).expect(200)).body.uuid;
    const legacy = await uuidNow();
    expect(legacy).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await uuidNow()).toBe(legacy);
  });
});

describe("Chatwoot's documented call: the contact named by its source_id alone", () => {
  const createIn = async (inboxId: number, body: object) =>
    (await ctx.http.post(account.path('/contacts')).set(as(account.adminToken)).send({ ...body, inbox_id: inboxId }).expect(200)).body.payload;

  it('when a conversation names inbox_id and the source_id that POST /contacts with inbox_id answered, without contact_id, then that contact is sent the message', async () => {
    const bySms = await createIn(inboxes.sms.id, { name: 'Sid Source', phone_number: '+14155550191' });
    const sms = await send(account, { inbox_id: inboxes.sms.id, source_id: bySms.contact_inbox.source_id, message: { content: 'by source_id' } });
    expect(sms.status).toBe(200);
    expect(sms.body.contact_id).toBe(bySms.contact.id);
    expect((await settledMessage(bySms.contact.id, sms.body.messages[0].id)).status).toBe('sent');

    // Chatwoot's WhatsApp source_id drops the +; an e-mail may come in another case.
    const byWhatsapp = await createIn(inboxes.whatsapp.id, { phone_number: '+14155550192' });
    const wa = await send(account, { inbox_id: inboxes.whatsapp.id, source_id: '14155550192', message: { content: 'hola' } });
    expect(wa.status).toBe(200);
    expect(wa.body.contact_id).toBe(byWhatsapp.contact.id);
    const byMail = await createIn(inboxes.email.id, { email: 'sid.source@example.com' });
    const mail = await send(account, { inbox_id: inboxes.email.id, source_id: 'Sid.Source@example.com', message: { content: 'hello' } });
    expect(mail.status).toBe(200);
    expect(mail.body.contact_id).toBe(byMail.contact.id);
  });

  it('when a contact was never linked to the inbox, then the source_id contactable_inboxes lists for it (its email or phone) still names it', async () => {
    const contact = await createContact(ctx, account, { email: 'never.linked@example.com', phone_number: '+14155550195' });
    const listed = (await ctx.http.get(account.path(`/contacts/${contact.id}/contactable_inboxes`)).set(as(account.agentToken))).body.payload;
    for (const inbox of [inboxes.email, inboxes.sms, inboxes.whatsapp]) {
      const sourceId = listed.find((entry: { inbox: { id: number } }) => entry.inbox.id === inbox.id).source_id;
      const res = await send(account, { inbox_id: inbox.id, source_id: sourceId, message: { content: 'listed address' } });
      expect([inbox.id, res.status, res.body.contact_id]).toEqual([inbox.id, 200, contact.id]);
    }
    // As Chatwoot's clients may send it: the email in another case, the phone without its +.
    expect((await send(account, { inbox_id: inboxes.email.id, source_id: 'Never.Linked@Example.com', message: { content: 'x' } })).body.contact_id).toBe(contact.id);
    expect((await send(account, { inbox_id: inboxes.sms.id, source_id: '14155550195', message: { content: 'x' } })).body.contact_id).toBe(contact.id);
  });

  it('when the contact changed its email or phone since its record was made, then the source_id contact_inboxes answers still reaches it, at its address now', async () => {
    const made = await createIn(inboxes.email.id, { name: 'Moved Mo', email: 'old.mo@example.com', phone_number: '+14155550486' });
    const id = made.contact.id;
    await ctx.http.post(account.path(`/contacts/${id}/contact_inboxes`)).set(as(account.adminToken)).send({ inbox_id: inboxes.sms.id }).expect(200);
    await ctx.http.patch(account.path(`/contacts/${id}`)).set(as(account.adminToken)).send({ email: 'new.mo@example.com', phone_number: '+14155550487' }).expect(200);
    // What a script reads: the records keep the addresses they were made with, as Chatwoot's do.
    const shown = (await ctx.http.get(account.path(`/contacts/${id}`)).set(as(account.agentToken))).body.payload.contact_inboxes;
    expect(shown.map((ci: { source_id: string }) => ci.source_id)).toEqual(['old.mo@example.com', '+14155550486']);
    for (const [inbox, sourceId, body] of [
      [inboxes.email, 'old.mo@example.com', { contact_id: id }],
      [inboxes.sms, '+14155550486', {}],
    ] as const) {
      const res = await send(account, { inbox_id: inbox.id, source_id: sourceId, message: { content: 'to where you are now' }, ...body });
      expect([res.status, res.body.contact_id]).toEqual([200, id]);
      expect((await settledMessage(id, res.body.messages[0].id)).status).toBe('sent');
    }
    expect(smtp.received.filter((m) => m.to.includes('new.mo@example.com'))).toHaveLength(1);
    expect(smtp.received.filter((m) => m.to.includes('old.mo@example.com'))).toEqual([]);
    expect(twilio.requests.map((r) => new URLSearchParams(r.body).get('To')).filter((to) => to?.startsWith('+1415555048'))).toEqual(['+14155550487']);
    // The old address, taken by another contact since: by source_id alone it names that contact, who holds it now.
    const holder = await createContact(ctx, account, { email: 'old.mo@example.com' });
    const byAddress = await send(account, { inbox_id: inboxes.email.id, source_id: 'old.mo@example.com', message: { content: 'to its holder' } });
    expect([byAddress.status, byAddress.body.contact_id]).toEqual([200, holder.id]);
    // Another contact's old address is still not this one's.
    const other = await createContact(ctx, account, { email: 'someone.else@example.com' });
    const refused = await send(account, { inbox_id: inboxes.email.id, contact_id: other.id, source_id: 'old.mo@example.com', message: { content: 'x' } });
    expect(refused.status).toBe(422);
    expect(refused.body.field).toBe('source_id');
  });

  it('when no contact holds the source_id in that inbox, or neither contact_id nor source_id is given, then it says so and records nothing', async () => {
    const other = await createIn(inboxes.sms.id, { phone_number: '+14155550193' });
    const unknown = await send(account, { inbox_id: inboxes.sms.id, source_id: '+14155550999', message: { content: 'to whom?' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toContain('source_id "+14155550999"');
    // A website visitor's session names nobody in an SMS inbox.
    const visitor = (await ctx.http.post(`/public/api/v1/inboxes/${inboxes.website.inbox_identifier}/contacts`).send({}).expect(200)).body;
    const elsewhere = await send(account, { inbox_id: inboxes.sms.id, source_id: visitor.source_id, message: { content: 'to whom?' } });
    expect(elsewhere.status).toBe(404);
    const neither = await send(account, { inbox_id: inboxes.sms.id, message: { content: 'to whom?' } });
    expect(neither.status).toBe(422);
    expect(neither.body.field).toBe('contact_id');
    const none = await ctx.http.get(account.path(`/contacts/${other.contact.id}/conversations`)).set(as(account.agentToken));
    expect(none.body.payload).toEqual([]);
  });

  it("when another account's source_id is named, then it is not found", async () => {
    const stranger = await ctx.createAccount();
    const theirs = await createInbox(ctx, stranger, { type: 'sms', provider_url: twilio.url, account_sid: 'AC9', auth_token: 'twilio-token', phone_number: '+15550009999' });
    const theirContact = (await ctx.http.post(stranger.path('/contacts')).set(as(stranger.adminToken)).send({ phone_number: '+14155550194', inbox_id: theirs.id }).expect(200)).body.payload;
    const res = await send(account, { inbox_id: theirs.id, source_id: theirContact.contact_inbox.source_id, message: { content: 'not yours' } });
    expect(res.status).toBe(404);
  });

  it('when a website visitor verified by HMAC is named by its session, then the message goes to that session; an unverified session is refused', async () => {
    const path = `/public/api/v1/inboxes/${inboxes.website.inbox_identifier}/contacts`;
    const hash = createHmac('sha256', inboxes.website.hmac_token!).update('by-session').digest('hex');
    const verified = (await ctx.http.post(path).send({ identifier: 'by-session', identifier_hash: hash }).expect(200)).body;
    const sent = await send(account, { inbox_id: inboxes.website.id, source_id: verified.source_id, message: { content: 'hi there' } });
    expect(sent.status).toBe(200);
    expect(sent.body.contact_id).toBe(verified.id);
    const anonymous = (await ctx.http.post(path).send({}).expect(200)).body;
    const refused = await send(account, { inbox_id: inboxes.website.id, source_id: anonymous.source_id, message: { content: 'hi' } });
    expect(refused.status).toBe(422);
  });
});

describe("Chatwoot's POST /contacts/{id}/contact_inboxes", () => {
  const link = (contactId: number, body: object, acc = account) => ctx.http.post(acc.path(`/contacts/${contactId}/contact_inboxes`)).set(as(acc.agentToken)).send(body);

  it('when an existing contact is linked to an inbox, then it answers the source_id that names it there, and a conversation by that source_id reaches it; linking again answers the same', async () => {
    const contact = await createContact(ctx, account, { email: 'Linked.Later@example.com', phone_number: '+14155550197' });
    const mail = await link(contact.id, { inbox_id: inboxes.email.id });
    expect(mail.status).toBe(200);
    expect(mail.body).toMatchObject({ source_id: 'linked.later@example.com', inbox: { id: inboxes.email.id, channel_type: 'Channel::Email' } });
    expect((await link(contact.id, { inbox_id: inboxes.email.id, source_id: 'linked.later@example.com' })).body.source_id).toBe('linked.later@example.com');
    const sent = await send(account, { inbox_id: inboxes.email.id, source_id: mail.body.source_id, message: { content: 'after linking' } });
    expect([sent.status, sent.body.meta.sender.id]).toEqual([200, contact.id]);

    const sms = await link(contact.id, { inbox_id: inboxes.sms.id });
    expect(sms.body.source_id).toBe('+14155550197');
  });

  it('when the contact lacks what the channel needs, the source_id is not its address, the inbox or contact is not the account\'s, or hmac_verified is asked for, then it says so', async () => {
    const noPhone = await createContact(ctx, account, { email: 'no.phone@example.com', phone_number: null });
    const sms = await link(noPhone.id, { inbox_id: inboxes.sms.id });
    expect([sms.status, sms.body.field]).toEqual([422, 'inbox_id']);
    const wrong = await link(noPhone.id, { inbox_id: inboxes.email.id, source_id: 'someone@example.com' });
    expect([wrong.status, wrong.body.field]).toEqual([422, 'source_id']);
    expect((await link(noPhone.id, { inbox_id: 999999 })).status).toBe(404);
    const stranger = await ctx.createAccount();
    expect((await link(noPhone.id, { inbox_id: inboxes.email.id }, stranger)).status).toBe(404);
    const verified = await link(noPhone.id, { inbox_id: inboxes.website.id, hmac_verified: true });
    expect([verified.status, verified.body.field]).toEqual([422, 'hmac_verified']);

    // A website record is a new session, not verified: no message goes to it.
    const web = await link(noPhone.id, { inbox_id: inboxes.website.id, hmac_verified: false });
    expect(web.status).toBe(200);
    expect(web.body.source_id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await send(account, { inbox_id: inboxes.website.id, source_id: web.body.source_id, message: { content: 'hi' } })).status).toBe(422);
  });
});
