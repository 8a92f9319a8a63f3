import { randomUUID } from 'node:crypto';
import { startTestContext, waitFor, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';
import { startFakeProvider } from '../support/fake-provider';
import { createInbox } from '../support/inboxes';
import { freePort, startChild, stopChild, waitForHealth, type Child } from '../support/processes';

// An API process running the worker (WITH_WORKER=true, as `npm run dev` and one-process
// deployments do) stopped by SIGTERM while a slow provider holds a message: the delivery in
// flight finishes and is recorded, so the next process does not send it again. Its queues were
// given a seventh of SHUTDOWN_TIMEOUT_MS (1.4 s of the default 10 s): the job was cut, the
// provider had the message, and it went out a second time after the restart.
let ctx: TestContext;
let account: TestAccount;
let provider: Awaited<ReturnType<typeof startFakeProvider>>;
let api: Child | undefined;

const PROVIDER_DELAY_MS = 2500;

beforeAll(async () => {
  ctx = await startTestContext({ worker: false });
  account = await ctx.createAccount();
  provider = await startFakeProvider((n) => ({ sid: `SM${n}`, status: 'queued' }));
});
afterAll(async () => {
  if (api) await stopChild(api);
  await ctx.close();
  await provider.close();
});

it('when the API with its worker is stopped by SIGTERM while a provider takes 2.5 s to accept a message, then the message is sent once and recorded as sent', async () => {
  const inbox = await createInbox(ctx, account, { type: 'sms', provider_url: provider.url, account_sid: 'AC1', auth_token: 'token', phone_number: '+15550001111' });
  const contact = await createContact(ctx, account, { phone_number: '+51987650001' });
  provider.failNext({ status: 201, body: { sid: 'SM-slow', status: 'queued' }, delayMs: PROVIDER_DELAY_MS });

  const port = await freePort();
  api = startChild('main-api.ts', {
    NODE_ENV: 'test',
    PORT: String(port),
    WITH_WORKER: 'true',
    MONGODB_URI: ctx.deps.config.MONGODB_URI,
    CONTACTS_INDEX: ctx.deps.index,
    QUEUE_PREFIX: `test-shutdown-${randomUUID()}`,
    OUTBOUND_ALLOWED_HOSTS: '127.0.0.1',
    DELIVERY_SWEEP_GRACE_MS: '86400000',
    SHUTDOWN_TIMEOUT_MS: '10000',
    LOG_LEVEL: 'warn',
  });
  await waitForHealth(port, 200000);
  const res = await fetch(`http://127.0.0.1:${port}${account.path('/conversations')}`, {
    method: 'POST',
    headers: { api_access_token: account.agentToken, 'content-type': 'application/json' },
    body: JSON.stringify({ inbox_id: inbox.id, contact_id: contact.id, message: { content: 'Your order has shipped' } }),
  });
  expect(res.status).toBe(200);
  const messageId = ((await res.json()) as { messages: { id: number }[] }).messages[0].id;

  await waitFor(async () => provider.requests.length === 1, 'the provider to receive the message');
  api.process.kill('SIGTERM');
  expect(await api.exited).toBe(0);
  api = undefined;

  expect(provider.requests).toHaveLength(1);
  const message = await ctx.deps.models.messages.findById(messageId).lean();
  expect(message?.status).toBe('sent');
  expect(await ctx.deps.models.pendingDeliveries.findById(messageId).lean()).toBeNull();
}, 300000);
