import { waitFor, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';
import { startContextBehindMongoProxy, type startTcpProxy } from '../support/tcp-proxy';

// A bulk action job whose attempts all fail while MongoDB is away (they are spaced for a failure
// of the job: about two seconds in all) stayed `running` for good with part of its contacts
// changed: it could not be marked failed, and nothing queued it again. Now it is queued again
// while the store stays away, and completes once it is back. MongoDB is reached through a
// proxy of this test's own, cut and restored; the service keeps running for everyone else.
let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
let ctx: TestContext;
let stop: () => Promise<void>;
let account: TestAccount;

beforeAll(async () => {
  ({ proxy, ctx, stop } = await startContextBehindMongoProxy({ config: { JOB_RESUME_DELAY_MS: '1000' } }));
  account = await ctx.createAccount();
});
afterAll(() => stop());

it('when MongoDB is away for longer than its attempts, then the bulk action is queued again and completes once it is back, never failed', async () => {
  const auth = { api_access_token: account.adminToken };
  const contacts = [await createContact(ctx, account), await createContact(ctx, account)];
  // More ids than run within the request: a job, queued while no worker runs.
  const ids = [...contacts.map((c) => c.id), ...Array.from({ length: 150 }, (_, i) => 910000000 + i)];
  const res = await ctx.http.post(account.path('/bulk_actions')).set(auth).send({ type: 'Contact', ids, labels: { add: ['resumed'] } });
  expect(res.status).toBe(202);

  await proxy.cut();
  const failed: unknown[] = [];
  ctx.deps.bulkQueue.on('failed', (job) => failed.push(job.id));
  await ctx.deps.startWorker();
  // Every attempt of the first job spent while the database is away.
  await waitFor(async () => failed.length >= 3, 'the job to spend its attempts', 30000);
  await proxy.restore();

  let status = '';
  await waitFor(async () => {
    const shown = await ctx.http.get(account.path(`/bulk_actions/${res.body.id}`)).set(auth);
    status = shown.body.status;
    return status === 'completed' || status === 'failed';
  }, 'the bulk action to finish', 30000);
  expect(status).toBe('completed');
  for (const c of contacts) expect((await ctx.http.get(account.path(`/contacts/${c.id}/labels`)).set(auth)).body.payload).toEqual(['resumed']);
}, 90000);
