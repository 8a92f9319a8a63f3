import { exemptBecause } from '../../src/shared/id-only-guard';
import { testConfig, waitFor, withTestAccount, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';
import { startFakeProvider } from '../support/fake-provider';
import { createInbox } from '../support/inboxes';

let ctx: TestContext;
let account: TestAccount;
let stalled: Awaited<ReturnType<typeof startFakeProvider>>;
let healthy: Awaited<ReturnType<typeof startFakeProvider>>;

// One try per message, and a provider call may wait long: the stalled provider's calls stay in flight.
withTestAccount(
  (c, a) => {
    ctx = c;
    account = a;
  },
  { config: testConfig({ DELIVERY_ATTEMPTS: '1', DELIVERY_TIMEOUT_MS: '60000' }) },
);
beforeAll(async () => {
  [stalled, healthy] = await Promise.all([startFakeProvider((n) => ({ sid: `SLOW${n}` })), startFakeProvider((n) => ({ sid: `SM${n}` }))]);
});
afterAll(() => Promise.all([stalled.close(), healthy.close()]));

const as = (token: string) => ({ api_access_token: token });
const sms = (provider_url: string) => ({ type: 'sms', provider_url, account_sid: 'AC1', auth_token: 'token', phone_number: '+15550001111' });
const send = (body: object) => ctx.http.post(account.path('/conversations')).set(as(account.agentToken)).send(body);
const statusOf = async (messageId: number) => (await ctx.deps.models.messages.findById(messageId).lean())?.status;

describe('deliveries at once', () => {
  exemptBecause('a test reads the messages it sent by their ids');

  it('when six messages wait on a provider that does not answer, then all six are in flight at once and another inbox\'s message is sent meanwhile', async () => {
    const slowInbox = await createInbox(ctx, account, sms(stalled.url), 'Stalled texts');
    const fastInbox = await createInbox(ctx, account, sms(healthy.url), 'Texts');
    stalled.failNext(...Array.from({ length: 6 }, () => ({ status: 201, body: { sid: 'LATE' }, delayMs: 30000 })));

    const waiting: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const contact = await createContact(ctx, account, { phone_number: `+1415555070${i}` });
      const res = await send({ inbox_id: slowInbox.id, contact_id: contact.id, message: { content: `slow ${i}` } });
      expect(res.status).toBe(200);
      waiting.push(res.body.messages[0].id);
    }
    // With four deliveries at a time (as before), the fifth and sixth never reached the provider while the first four waited.
    await waitFor(async () => stalled.requests.length === 6, 'all six calls to the stalled provider to be in flight', 10000);

    const contact = await createContact(ctx, account, { phone_number: '+14155550799' });
    const res = await send({ inbox_id: fastInbox.id, contact_id: contact.id, message: { content: 'not held back' } });
    await waitFor(async () => (await statusOf(res.body.messages[0].id)) === 'sent', 'the healthy inbox\'s message to be sent', 10000);
    expect(await Promise.all(waiting.map(statusOf))).toEqual(Array(6).fill('queued'));
  });
});
