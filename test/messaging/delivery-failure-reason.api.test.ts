import type { InboxModel } from '../../src/inboxes/inbox.model';
import type { DeliveryJob } from '../../src/messaging/delivery.processor';
import type { Queue } from '../../src/shared/queues';
import { capturedLogger } from '../support/captured-logger';
import { createContact } from '../support/factories';
import { deliveryProcessorFor } from '../support/delivery-processor';
import { createInbox } from '../support/inboxes';
import { startTestContext, type TestAccount, type TestContext } from '../support/context';
import { freePort } from '../support/processes';

let ctx: TestContext;
let account: TestAccount;

beforeAll(async () => {
  ctx = await startTestContext({ worker: false });
  account = await ctx.createAccount();
});
afterAll(() => ctx.close());

describe("a delivery's failure reason", () => {
  it("when the last attempt fails on an error of a store (a driver's text naming an internal host), then the message's reason says an internal error, not that text; the log keeps it", async () => {
    const inbox = await createInbox(ctx, account, { type: 'email', email: 'from@example.com', smtp_address: '127.0.0.1', smtp_port: 2525 });
    const contact = await createContact(ctx, account, { name: 'Ana', email: 'ana-reason@example.com' });
    const sent = await ctx.http.post(account.path('/conversations')).set('api_access_token', account.adminToken).send({ inbox_id: inbox.id, contact_id: contact.id, message: { content: 'hello' } });
    expect(sent.status).toBe(200);
    const messageId = sent.body.messages[0].id as number;

    const { logger, lines } = capturedLogger();
    const internal = 'connection 3 to mongo-7.internal.example:27017 closed';
    const failingInboxes = {
      findOne: () => ({
        lean: async () => {
          throw new Error(internal);
        },
      }),
    } as unknown as InboxModel;
    const process = deliveryProcessorFor(ctx, { inboxes: failingInboxes, logger });
    await process({ data: { messageId }, attemptsMade: 5, opts: { attempts: 6 } } as unknown as Queue.Job<DeliveryJob>);

    const message = await ctx.deps.models.messages.findById(messageId).lean();
    expect(message).toMatchObject({ status: 'failed' });
    expect(message!.failure_reason).not.toContain('mongo-7.internal.example');
    expect(message!.failure_reason).toMatch(/internal error/);
    expect(lines.join('\n')).toContain('mongo-7.internal.example');
  });

  // It said "the SMTP server refused the message: connect ECONNREFUSED", of a server never reached.
  it('when the SMTP server cannot be reached, then the reason says so, not that it refused the message', async () => {
    const closedPort = await freePort();
    const inbox = await createInbox(ctx, account, { type: 'email', email: 'from@example.com', smtp_address: '127.0.0.1', smtp_port: closedPort });
    const contact = await createContact(ctx, account, { name: 'Bea', email: 'bea-reason@example.com' });
    const sent = await ctx.http.post(account.path('/conversations')).set('api_access_token', account.adminToken).send({ inbox_id: inbox.id, contact_id: contact.id, message: { content: 'hello' } });
    const messageId = sent.body.messages[0].id as number;
    const { logger } = capturedLogger();
    const process = deliveryProcessorFor(ctx, { logger });
    // The last attempt, so the failure is recorded.
    await process({ data: { messageId }, attemptsMade: 5, opts: { attempts: 6 } } as unknown as Queue.Job<DeliveryJob>).catch(() => undefined);
    const message = await ctx.deps.models.messages.findById(messageId).lean();
    expect(message!.failure_reason).toMatch(/^the SMTP server could not be reached: /);
  });
});
