import { testConfig, waitFor, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';
import { startSmsTestbed } from '../support/sms-testbed';

// Chatwoot's POST …/conversations/{id}/messages/{id}/retry (found missing by a black-box read of
// outbound messages: after a provider outage longer than the retries, a new conversation was the
// only way to send a message again).
let bed: Awaited<ReturnType<typeof startSmsTestbed>>;
let ctx: TestContext;
let account: TestAccount;
let twilio: Awaited<ReturnType<typeof startSmsTestbed>>['twilio'];
let sms: { id: number };

beforeAll(async () => {
  bed = await startSmsTestbed(testConfig({ DELIVERY_ATTEMPTS: '2', DELIVERY_BACKOFF_MS: '50' }));
  ({ ctx, account, twilio, sms } = bed);
});
afterAll(() => bed.close());

const as = () => ({ api_access_token: account.agentToken });
const down = { status: 500, body: { message: 'down' } };
const messageOf = async (id: number) => (await ctx.deps.models.messages.findById(id).lean())!;
const settled = (id: number) => waitFor(async () => (await messageOf(id)).status !== 'queued', `message ${id} to settle`);

let phones = 0;
async function failedSend(content: string) {
  const contact = await createContact(ctx, account, { phone_number: `+141555501${String((phones += 1)).padStart(2, '0')}` });
  twilio.failNext(down, down);
  const sent = await ctx.http.post(account.path('/conversations')).set(as()).send({ inbox_id: sms.id, contact_id: contact.id, message: { content } });
  expect(sent.status).toBe(200);
  const messageId = sent.body.messages[0].id as number;
  await settled(messageId);
  expect(await messageOf(messageId)).toMatchObject({ status: 'failed', attempts: 2 });
  return { contact, conversationId: sent.body.id as number, messageId };
}

const retry = (conversationId: number, messageId: number) => ctx.http.post(account.path(`/conversations/${conversationId}/messages/${messageId}/retry`)).set(as());

describe('retrying a message that failed', () => {
  it('when a failed message is retried, then it is queued again with its attempts anew and sent to the address it had; retrying a sent one changes nothing', async () => {
    const { conversationId, messageId } = await failedSend('after the outage');
    const res = await retry(conversationId, messageId);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(conversationId);
    await settled(messageId);
    expect(await messageOf(messageId)).toMatchObject({ status: 'sent', attempts: 1, failure_reason: null });
    expect(bed.bodiesSent().filter((b) => b === 'after the outage')).toHaveLength(3);
    expect(await ctx.deps.models.pendingDeliveries.findById(messageId).lean()).toBeNull();

    const again = await retry(conversationId, messageId);
    expect(again.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(bed.bodiesSent().filter((b) => b === 'after the outage')).toHaveLength(3);
  });

  it('when the contact was blocked since, then the retry answers 422 saying so and the message stays failed', async () => {
    const { contact, conversationId, messageId } = await failedSend('to a blocked contact');
    expect((await ctx.http.patch(account.path(`/contacts/${contact.id}`)).set(as()).send({ blocked: true })).status).toBe(200);
    const res = await retry(conversationId, messageId);
    expect(res.status).toBe(422);
    expect(res.body.error).toBe(`contact ${contact.id} is blocked: no message is sent to a blocked contact`);
    expect(await messageOf(messageId)).toMatchObject({ status: 'failed' });
  });

  it("when the message is not the conversation's, or either is another account's, then it is a 404", async () => {
    const first = await failedSend('first');
    const second = await failedSend('second');
    expect((await retry(first.conversationId, second.messageId)).status).toBe(404);
    expect((await retry(999999, first.messageId)).status).toBe(404);
    const other = await ctx.createAccount();
    const theirs = await ctx.http.post(other.path(`/conversations/${first.conversationId}/messages/${first.messageId}/retry`)).set({ api_access_token: other.adminToken });
    expect(theirs.status).toBe(404);
    expect(await messageOf(first.messageId)).toMatchObject({ status: 'failed' });
  });
});
