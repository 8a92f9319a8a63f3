import { startTestContext, testConfig, waitFor, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';
import { startFakeProvider, startSmtpServer } from '../support/fake-provider';
import { createInbox } from '../support/inboxes';

// No worker at first: the messages wait in the queue while the contact changes, as when the
// queue is behind or a delivery is retried.
let ctx: TestContext;
let account: TestAccount;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let twilio: Awaited<ReturnType<typeof startFakeProvider>>;
let whatsapp: Awaited<ReturnType<typeof startFakeProvider>>;

beforeAll(async () => {
  ctx = await startTestContext({ worker: false, config: testConfig({ DELIVERY_ATTEMPTS: '2', DELIVERY_BACKOFF_MS: '50' }) });
  account = await ctx.createAccount();
  smtp = await startSmtpServer({ user: 'mailer', pass: 'smtp-secret-password' });
  twilio = await startFakeProvider((n) => ({ sid: `SM${n}`, status: 'queued' }));
  whatsapp = await startFakeProvider((n) => ({ messaging_product: 'whatsapp', messages: [{ id: `wamid.${n}` }] }));
});
afterAll(async () => {
  await ctx.close();
  await Promise.all([smtp.close(), twilio.close(), whatsapp.close()]);
});

const as = { api_access_token: '' };

async function statusOf(messageId: number): Promise<string | undefined> {
  return (await ctx.deps.models.messages.findById(messageId).lean())?.status;
}

describe('where a queued message goes', () => {
  it('when the contact changes its email and phone after POST /conversations, then the message goes to the address it had then; one queued before addresses were kept goes to the current one', async () => {
    as.api_access_token = account.agentToken;
    const email = await createInbox(ctx, account, { type: 'email', email: 'support@shop.example', smtp_address: '127.0.0.1', smtp_port: smtp.port, smtp_login: 'mailer', smtp_password: 'smtp-secret-password' });
    const sms = await createInbox(ctx, account, { type: 'sms', provider_url: twilio.url, account_sid: 'AC123', auth_token: 'twilio-token', phone_number: '+15550001111' });
    const wa = await createInbox(ctx, account, { type: 'whatsapp', provider_url: whatsapp.url, api_key: 'wa-key', phone_number_id: '10987', phone_number: '+15550002222' });
    const contact = await createContact(ctx, account, { email: 'old-address@example.com', phone_number: '+14155550170' });

    const sent: number[] = [];
    for (const inbox of [email, sms, wa]) {
      const res = await ctx.http.post(account.path('/conversations')).set(as).send({ inbox_id: inbox.id, contact_id: contact.id, message: { content: `to the old address by ${inbox.id}` } });
      expect(res.status).toBe(200);
      sent.push(res.body.messages[0].id);
    }
    const legacy = (await ctx.http.post(account.path('/conversations')).set(as).send({ inbox_id: sms.id, contact_id: contact.id, message: { content: 'queued before addresses were kept' } })).body.messages[0].id;
    await ctx.deps.models.messages.updateOne({ _id: legacy }, { $unset: { recipient: 1 } });

    const changed = await ctx.http.patch(account.path(`/contacts/${contact.id}`)).set(as).send({ email: 'new-address@example.com', phone_number: '+14155550171' });
    expect(changed.status).toBe(200);

    await ctx.deps.startWorker();
    for (const id of [...sent, legacy]) await waitFor(async () => (await statusOf(id)) !== 'queued', `message ${id} to be delivered`, 20000);
    for (const id of [...sent, legacy]) expect(await statusOf(id)).toBe('sent');

    expect(smtp.received.map((m) => m.to)).toEqual([['old-address@example.com']]);
    const smsTo = twilio.requests.map((r) => new URLSearchParams(r.body).get('To')).sort();
    expect(smsTo).toEqual(['+14155550170', '+14155550171']);
    const byBody = Object.fromEntries(twilio.requests.map((r) => [new URLSearchParams(r.body).get('Body'), new URLSearchParams(r.body).get('To')]));
    expect(byBody['queued before addresses were kept']).toBe('+14155550171');
    expect(whatsapp.requests.map((r) => JSON.parse(r.body).to)).toEqual(['14155550170']);

    // The agent sees where each went (it was kept but not answered), not where the contact is now.
    const conversations = await ctx.http.get(account.path(`/contacts/${contact.id}/conversations`)).set(as);
    const recipients = Object.fromEntries(conversations.body.payload.flatMap((c: { messages: { id: number; recipient: string | null }[] }) => c.messages.map((m) => [m.id, m.recipient])));
    expect(sent.map((id) => recipients[id])).toEqual(['old-address@example.com', '+14155550170', '+14155550170']);
    expect(recipients[legacy]).toBeNull();
  });
});
