import { testConfig, waitFor, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';
import { startSmsTestbed } from '../support/sms-testbed';
import type { Queue } from '../../src/shared/queues';
import type { DeliveryJob } from '../../src/messaging/delivery.processor';
import { deliveryProcessorFor } from '../support/delivery-processor';

// A send whose contact is deleted or merged away while it is being recorded (found by a black-box
// race of POST /conversations against merges and deletes: 18 of 20 answered 404, and 16 of those
// messages went out later all the same; conversations stayed on deleted contacts).
let bed: Awaited<ReturnType<typeof startSmsTestbed>>;
let ctx: TestContext;
let account: TestAccount;
let sms: { id: number };

beforeAll(async () => {
  bed = await startSmsTestbed(testConfig({ DELIVERY_ATTEMPTS: '3', DELIVERY_BACKOFF_MS: '50' }));
  ({ ctx, account, sms } = bed);
});
afterAll(() => bed.close());

const as = () => ({ api_access_token: account.adminToken });
const bodiesSent = () => bed.bodiesSent();

/** Runs `meanwhile` once, the first time `model[method]` is called for a document of `contactId`, before the call itself; `doc` is that document. */
function before<M extends object>(model: M, method: keyof M & string, contactId: number, meanwhile: () => Promise<unknown>) {
  const original = (model[method] as (...args: unknown[]) => unknown).bind(model);
  let seen: { _id: number } | undefined;
  const spy = jest.spyOn(model as Record<string, (...args: unknown[]) => unknown>, method).mockImplementation((doc: unknown, ...rest: unknown[]) => {
    if (seen || (doc as { contact_id?: number }).contact_id !== contactId) return original(doc, ...rest);
    seen = doc as { _id: number };
    return meanwhile().then(() => original(doc, ...rest));
  });
  return { spy, ran: () => seen !== undefined, doc: () => seen! };
}

describe('a send racing a delete or a merge of its contact', () => {
  it('when the contact is deleted between its check and the send being recorded, then the send answers 404, leaves no conversation, message or mark behind, and nothing is sent', async () => {
    const contact = await createContact(ctx, account, { name: 'Gone', phone_number: '+14155550301' });
    const hook = before(ctx.deps.models.conversations, 'create', contact.id, async () => {
      expect((await ctx.http.delete(account.path(`/contacts/${contact.id}`)).set(as())).status).toBe(200);
    });
    const messagesWritten = jest.spyOn(ctx.deps.models.messages, 'create');
    let res;
    let messageId: number | undefined;
    try {
      res = await ctx.http.post(account.path('/conversations')).set(as()).send({ inbox_id: sms.id, contact_id: contact.id, message: { content: 'to a deleted contact' } });
      messageId = (messagesWritten.mock.calls.at(-1)?.[0] as { _id: number } | undefined)?._id;
    } finally {
      hook.spy.mockRestore();
      messagesWritten.mockRestore();
    }
    const conversationId = hook.doc()._id;
    expect(messageId).toBeDefined();
    expect(hook.ran()).toBe(true);
    expect(res.status).toBe(404);
    expect(res.body.error).toBe(`contact ${contact.id} not found`);
    expect(await ctx.deps.models.conversations.findById(conversationId).lean()).toBeNull();
    expect(await ctx.deps.models.messages.findById(messageId).lean()).toBeNull();
    expect(await ctx.deps.models.pendingDeliveries.findById(messageId).lean()).toBeNull();
    // What the worker would find: nothing queued for it, and nothing reached the provider.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(bodiesSent()).not.toContain('to a deleted contact');
  });

  it('when the contact is merged away and the merge took the new conversation along, then the send answers 200 with the contact it was merged into, and the message goes out', async () => {
    const base = await createContact(ctx, account, { name: 'Base', email: 'base-race@example.com' });
    const mergee = await createContact(ctx, account, { name: 'Mergee', phone_number: '+14155550302' });
    // The merge lands after the conversation is written and before its message: it moves the
    // conversation (its message not yet there) and deletes the mergee.
    const hook = before(ctx.deps.models.messages, 'create', mergee.id, async () => {
      const merged = await ctx.http.post(account.path('/actions/contact_merge')).set(as()).send({ base_contact_id: base.id, mergee_contact_id: mergee.id });
      expect(merged.status).toBe(200);
    });
    let res;
    try {
      res = await ctx.http.post(account.path('/conversations')).set(as()).send({ inbox_id: sms.id, contact_id: mergee.id, message: { content: 'to a merged contact' } });
    } finally {
      hook.spy.mockRestore();
    }
    expect(hook.ran()).toBe(true);
    expect(res.status).toBe(200);
    expect(res.body.meta.sender.id).toBe(base.id);
    const messageId = res.body.messages[0].id as number;
    await waitFor(async () => (await ctx.deps.models.messages.findById(messageId).lean())?.status === 'sent', 'the message to be sent');
    expect(await ctx.deps.models.messages.findById(messageId).lean()).toMatchObject({ contact_id: base.id, status: 'sent' });
    expect(bodiesSent()).toContain('to a merged contact');
    const listed = await ctx.http.get(account.path(`/contacts/${base.id}/conversations`)).set(as());
    expect(listed.body.payload.map((c: { id: number }) => c.id)).toContain(res.body.id);
  });

  it('when a queued message still names a contact merged away while its conversation names the one it was merged into, then it is delivered; a contact deleted is tried again, not failed at once', async () => {
    const base = await createContact(ctx, account, { name: 'Base two', phone_number: '+14155550303' });
    const sent = await ctx.http.post(account.path('/conversations')).set(as()).send({ inbox_id: sms.id, contact_id: base.id, message: { content: 'first try' } });
    expect(sent.status).toBe(200);
    const messageId = sent.body.messages[0].id as number;
    await waitFor(async () => (await ctx.deps.models.messages.findById(messageId).lean())?.status === 'sent', 'the first delivery');
    // The state a merge leaves when the message was written between its move of messages and its
    // move of conversations: the message names the deleted mergee, its conversation the base.
    const mergee = await createContact(ctx, account, { name: 'Merged away' });
    expect((await ctx.http.delete(account.path(`/contacts/${mergee.id}`)).set(as())).status).toBe(200);
    await ctx.deps.models.messages.updateOne({ _id: messageId }, { $set: { status: 'queued', contact_id: mergee.id, content: 'after the merge' } });
    const process = deliveryProcessorFor(ctx, { timeoutMs: 2000 });
    const job = (attemptsMade: number) => ({ data: { messageId }, attemptsMade, opts: { attempts: 3 } }) as unknown as Queue.Job<DeliveryJob>;
    await process(job(0));
    expect(await ctx.deps.models.messages.findById(messageId).lean()).toMatchObject({ status: 'sent' });
    expect(bodiesSent()).toContain('after the merge');

    // Its conversation's contact deleted (the delete takes the message too, a moment later):
    // not failed at once, tried again; only the last attempt fails it.
    await ctx.deps.models.messages.updateOne({ _id: messageId }, { $set: { status: 'queued' } });
    await ctx.deps.models.conversations.updateOne({ _id: sent.body.id }, { $set: { contact_id: mergee.id } });
    await expect(process(job(0))).rejects.toThrow('the contact no longer exists');
    expect(await ctx.deps.models.messages.findById(messageId).lean()).toMatchObject({ status: 'queued' });
    await process(job(2));
    expect(await ctx.deps.models.messages.findById(messageId).lean()).toMatchObject({ status: 'failed', failure_reason: 'the contact no longer exists' });
  });
});
