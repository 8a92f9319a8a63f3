import Redis from 'ioredis';
import { startTestContext, testConfig, waitFor, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';
import { RUNNING_LEFT_FOR_MS } from '../../src/bulk-actions/bulk-actions.service';

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

it('when Redis loses the jobs of unfinished actions, then the pass run when Redis comes back and at every sweep queues again a queued one and one whose run stalled, not one still running', async () => {
  const auth = { api_access_token: account.adminToken };
  const contact = await createContact(ctx, account);
  const create = async () => {
    const ids = [contact.id, ...Array.from({ length: 150 }, (_, i) => 930000000 + i)];
    const res = await ctx.http.post(account.path('/bulk_actions')).set(auth).send({ type: 'Contact', ids, labels: { add: ['again'] } });
    expect(res.status).toBe(202);
    return res.body.id as number;
  };
  const [queued, running, stalled] = [await create(), await create(), await create()];
  // A run writes after each batch: one written just now is alive in some process; one silent for
  // longer than RUNNING_LEFT_FOR_MS died with its job.
  await ctx.deps.models.bulkActions.updateOne({ _id: running }, { $set: { status: 'running', updated_at: new Date() } });
  await ctx.deps.models.bulkActions.updateOne({ _id: stalled }, { $set: { status: 'running', updated_at: new Date(Date.now() - RUNNING_LEFT_FOR_MS - 1000) } });
  await ctx.deps.bulkQueue.obliterate({ force: true });

  // What the worker runs when Redis comes back and at every sweep.
  await ctx.deps.requeueJobs();
  const jobOf = (id: number) => ctx.deps.bulkQueue.getJob(`bulk-action-${id}`);
  expect(await jobOf(queued)).not.toBeNull();
  expect(await jobOf(stalled)).not.toBeNull();
  expect(await jobOf(running)).toBeNull();
  // Jobs Redis holds are not queued twice.
  await ctx.deps.requeueJobs();
  expect(await ctx.deps.bulkQueue.getJobCounts()).toMatchObject({ waiting: 2 });
});


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

it('when Redis comes back without the job of an action under a worker that stayed up, then the worker queues it again and it completes', async () => {
  const auth = { api_access_token: account.adminToken };
  const contact = await createContact(ctx, account);
  // Held by this worker so that the job is still waiting when Redis loses it.
  await ctx.deps.bulkQueue.pause(true);
  const ids = [contact.id, ...Array.from({ length: 150 }, (_, i) => 940000000 + i)];
  const res = await ctx.http.post(account.path('/bulk_actions')).set(auth).send({ type: 'Contact', ids, labels: { add: ['reconnected'] } });
  expect(res.status).toBe(202);
  await ctx.deps.bulkQueue.obliterate({ force: true });
  const jobId = `bulk-action-${res.body.id}`;
  expect(await ctx.deps.bulkQueue.getJob(jobId)).toBeNull();

  // The restart, as the worker sees it: its connection drops, and it reconnects to a Redis without the job.
  const admin = new Redis(testConfig().REDIS_URL);
  try {
    const connection = await ctx.deps.bulkQueue.client.client('ID');
    await admin.client('KILL', 'ID', String(connection));
  } finally {
    admin.disconnect();
  }
  await waitFor(async () => !!(await ctx.deps.bulkQueue.getJob(jobId)), 'the worker to queue the action again');
  await ctx.deps.bulkQueue.resume(true);
  await waitFor(async () => (await ctx.http.get(account.path(`/bulk_actions/${res.body.id}`)).set(auth)).body.status === 'completed', 'the action to complete');
  expect((await ctx.http.get(account.path(`/contacts/${contact.id}/labels`)).set(auth)).body.payload).toEqual(['reconnected']);
});
