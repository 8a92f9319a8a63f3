import { startTestContext, waitFor, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';

// A Redis without persistence restarted between a 202 and the job's run: the action stayed
// `queued` for good, across worker restarts and sweeps, while the import queued beside it was
// queued again (found by a black-box fault audit).
let ctx: TestContext;
let account: TestAccount;

beforeAll(async () => {
  ctx = await startTestContext({ worker: false });
  account = await ctx.createAccount();
});
afterAll(() => ctx.close());

it('when a bulk action\'s job is lost with Redis before any worker ran it, then a worker that starts queues it again and it completes', async () => {
  const auth = { api_access_token: account.adminToken };
  const contacts = [await createContact(ctx, account), await createContact(ctx, account)];
  const ids = [...contacts.map((c) => c.id), ...Array.from({ length: 150 }, (_, i) => 920000000 + i)];
  const res = await ctx.http.post(account.path('/bulk_actions')).set(auth).send({ type: 'Contact', ids, labels: { add: ['requeued'] } });
  expect(res.status).toBe(202);
  // What the restarted Redis comes back with: no job.
  await ctx.deps.bulkQueue.obliterate({ force: true });
  expect(await ctx.deps.bulkQueue.getJobCounts()).toMatchObject({ waiting: 0, active: 0 });

  await ctx.deps.startWorker();
  await waitFor(async () => (await ctx.http.get(account.path(`/bulk_actions/${res.body.id}`)).set(auth)).body.status === 'completed', 'the action to complete');
  for (const c of contacts) expect((await ctx.http.get(account.path(`/contacts/${c.id}/labels`)).set(auth)).body.payload).toEqual(['requeued']);
});
