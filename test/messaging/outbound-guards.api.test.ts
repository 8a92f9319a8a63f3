import { exemptBecause } from '../../src/shared/id-only-guard';
import { testConfig, waitFor, withTestAccount, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';
import { startFakeProvider } from '../support/fake-provider';
import { createInbox } from '../support/inboxes';

let ctx: TestContext;
let account: TestAccount;
let twilio: Awaited<ReturnType<typeof startFakeProvider>>;

// No host allowed: here the loopback fake provider counts as internal, as any would in production.
withTestAccount(
  (c, a) => {
    ctx = c;
    account = a;
  },
  { config: testConfig({ OUTBOUND_ALLOWED_HOSTS: '', DELIVERY_ATTEMPTS: '2', DELIVERY_BACKOFF_MS: '20', DELIVERY_TIMEOUT_MS: '800' }) },
);
beforeAll(async () => {
  twilio = await startFakeProvider((n) => ({ sid: `SM${n}` }));
});
afterAll(() => twilio.close());

const as = (token: string) => ({ api_access_token: token });
const sms = (provider_url: string) => ({ type: 'sms', provider_url, account_sid: 'AC1', auth_token: 'token', phone_number: '+15550001111' });
const newInbox = (channel: object) => ctx.http.post(account.path('/inboxes')).set(as(account.adminToken)).send({ name: 'Texts', channel });
const send = (body: object) => ctx.http.post(account.path('/conversations')).set(as(account.agentToken)).send(body);

/** Waits until the message's delivery has failed; answers why. */
async function failureOf(messageId: number): Promise<string | null> {
  let reason: string | null = null;
  await waitFor(async () => {
    const message = await ctx.deps.models.messages.findById(messageId).lean();
    reason = message?.failure_reason ?? null;
    return message?.status === 'failed';
  }, 'the delivery to fail');
  return reason;
}

describe('provider URLs', () => {
  it.each([
    ['the fake provider on loopback', () => twilio.url],
    ['localhost', () => 'http://localhost:8080'],
    ['a private network', () => 'http://10.0.0.5'],
    ['another private network', () => 'https://192.168.1.20/api'],
    ['the cloud metadata service (link-local)', () => 'http://169.254.169.254/latest'],
    ['carrier-grade NAT', () => 'http://100.64.0.1'],
    ['IPv6 loopback', () => 'http://[::1]:8080'],
    ['IPv6 link-local', () => 'http://[fe80::1]'],
    ['IPv4 mapped in IPv6', () => 'http://[::ffff:127.0.0.1]'],
  ])('when an SMS inbox names %s, then it is refused with 422 naming channel.provider_url', async (_what, url) => {
    const res = await newInbox(sms(url()));
    expect(res.status).toBe(422);
    expect(res.body.field).toBe('channel.provider_url');
    expect(res.body.error).toMatch(/loopback, private, link-local, reserved or this machine's own address/);
  });

  it('when a WhatsApp inbox is changed to an internal URL, then the change is refused and the inbox keeps its URL', async () => {
    const created = await createInbox(ctx, account, { type: 'whatsapp', provider_url: 'https://graph.facebook.com/v20.0', api_key: 'k', phone_number_id: '1', phone_number: '+15550002222' });
    const res = await ctx.http.patch(account.path(`/inboxes/${created.id}`)).set(as(account.adminToken)).send({ channel: { provider_url: 'http://127.0.0.1:9' } });
    expect(res.status).toBe(422);
    expect(res.body.field).toBe('channel.provider_url');
    expect((await ctx.http.get(account.path(`/inboxes/${created.id}`)).set(as(account.agentToken))).body.provider_url).toBe('https://graph.facebook.com/v20.0');
  });

  it('when a saved provider URL leads inside by the time of delivery, then nothing is sent and the message fails saying why', async () => {
    const created = await createInbox(ctx, account, sms('https://api.twilio.com'));
    // As if its name now resolved to loopback (DNS rebinding), or it was saved before the rule.
    await ctx.deps.models.inboxes.updateOne({ _id: created.id }, { $set: { 'settings.provider_url': twilio.url.replace('127.0.0.1', 'localhost') } });
    const contact = await createContact(ctx, account, { phone_number: '+14155550190' });
    const res = await send({ inbox_id: created.id, contact_id: contact.id, message: { content: 'hello' } });
    expect(res.status).toBe(200);
    expect(await failureOf(res.body.messages[0].id)).toMatch(/may not be called: localhost resolves to (127\.0\.0\.1|::1)/);
    expect(twilio.requests).toHaveLength(0);
  });
});

describe('SMTP hosts', () => {
  const email = (smtp_address: string) => ({ type: 'email', email: 'support@shop.example', smtp_address, smtp_port: 587 });

  it.each(['127.0.0.1', 'localhost', '10.1.2.3', '[::1]'])('when an e-mail inbox names %s as its SMTP server, then it is refused with 422 naming channel.smtp_address', async (host) => {
    const res = await newInbox(email(host));
    expect(res.status).toBe(422);
    expect(res.body.field).toBe('channel.smtp_address');
  });

  it('when a saved SMTP host leads inside by the time of delivery, then nothing is sent and the message fails saying why', async () => {
    const created = await createInbox(ctx, account, email('smtp.shop.example'));
    await ctx.deps.models.inboxes.updateOne({ _id: created.id }, { $set: { 'settings.smtp_address': 'localhost' } });
    const contact = await createContact(ctx, account);
    const res = await send({ inbox_id: created.id, contact_id: contact.id, message: { content: 'hello' } });
    expect(await failureOf(res.body.messages[0].id)).toMatch(/SMTP server may not be called: localhost resolves to a loopback/);
  });
});

describe('blocked contacts', () => {
  it('when a contact is blocked, then no inbox can reach it and a message to it is refused with 422 saying so', async () => {
    const inbox = await createInbox(ctx, account, { type: 'email', email: 'support@shop.example', smtp_address: 'smtp.shop.example', smtp_port: 587 });
    const contact = await createContact(ctx, account, { phone_number: '+14155550191' });
    const reachable = await ctx.http.get(account.path(`/contacts/${contact.id}/contactable_inboxes`)).set(as(account.agentToken));
    expect(reachable.body.payload.map((e: { inbox: { id: number } }) => e.inbox.id)).toContain(inbox.id);

    await ctx.http.patch(account.path(`/contacts/${contact.id}`)).set(as(account.agentToken)).send({ blocked: true });
    expect((await ctx.http.get(account.path(`/contacts/${contact.id}/contactable_inboxes`)).set(as(account.agentToken))).body.payload).toEqual([]);
    const res = await send({ inbox_id: inbox.id, contact_id: contact.id, message: { content: 'hello' } });
    expect(res.status).toBe(422);
    expect(res.body.field).toBe('contact_id');
    expect(res.body.error).toMatch(/blocked/);
    expect(await ctx.deps.models.messages.countDocuments({ contact_id: contact.id }).comment(exemptBecause('a test checks that nothing was recorded'))).toBe(0);

    await ctx.http.patch(account.path(`/contacts/${contact.id}`)).set(as(account.agentToken)).send({ blocked: false });
    expect((await send({ inbox_id: inbox.id, contact_id: contact.id, message: { content: 'hello again' } })).status).toBe(200);
  });
});
