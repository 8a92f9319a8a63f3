import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestContext, type TestContext } from '../support/context';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await startTestContext({ worker: false });
});
afterAll(() => ctx.close());

const root = path.resolve(__dirname, '../..');

/** Runs an npm script's file as `npm run` would, against the test database. */
async function run(script: string, args: string[], env: Record<string, string> = {}): Promise<unknown> {
  const { stdout } = await promisify(execFile)(path.join(root, 'node_modules/.bin/ts-node'), ['--transpile-only', `scripts/${script}.ts`, ...args], {
    cwd: root,
    env: {
      ...process.env,
      MONGODB_URI: ctx.deps.config.MONGODB_URI,
      REDIS_URL: ctx.deps.config.REDIS_URL,
      QUEUE_PREFIX: ctx.deps.config.QUEUE_PREFIX,
      CONTACTS_INDEX: ctx.deps.config.CONTACTS_INDEX,
      PASSWORD_HASH_COST: '4',
      ...env,
    },
  });
  return JSON.parse(stdout);
}

it('when create-account and the agents command run, then the administrator signs in with the printed password and the agent is listed, changed and removed', async () => {
  const adminEmail = `cli-admin-${randomUUID()}@people.test`;
  const created = (await run('create-account', ['CLI account', adminEmail])) as { account_id: number; user_id: number; password: string; api_access_token: string };
  const signedIn = await ctx.http.post('/auth/sign_in').send({ email: adminEmail, password: created.password });
  expect(signedIn.status).toBe(200);
  expect(signedIn.body.data).toMatchObject({ account_id: created.account_id, role: 'administrator' });
  expect((await ctx.http.get(`/api/v1/accounts/${created.account_id}/labels`).set('api_access_token', created.api_access_token)).status).toBe(200);

  const account = String(created.account_id);
  const agentEmail = `cli-agent-${randomUUID()}@people.test`;
  const added = (await run('agents', ['add', '--account', account, '--email', agentEmail, '--name', 'Cli Agent'], { AGENT_PASSWORD: 'cli-agent-password' })) as { id: number; role: string };
  expect(added.role).toBe('agent');
  expect((await ctx.http.post('/auth/sign_in').send({ email: agentEmail, password: 'cli-agent-password' })).status).toBe(200);
  const promoted = (await run('agents', ['role', '--account', account, '--user', String(added.id), '--role', 'administrator'])) as { role: string };
  expect(promoted.role).toBe('administrator');
  await run('agents', ['remove', '--account', account, '--user', String(added.id)]);
  const listed = (await run('agents', ['list', '--account', account])) as { email: string }[];
  expect(listed.map((a) => a.email)).toEqual([adminEmail]);
}, 120000);

// Found by a black-box operator: a second account for the same person rotated their token (their
// scripts got 401) and claimed ADMIN_PASSWORD was set while the old password still signed in.
it('when create-account names a person who is a user already, then they administer the new account with their token and password unchanged', async () => {
  const email = `cli-twice-${randomUUID()}@people.test`;
  const first = (await run('create-account', ['First', email])) as { account_id: number; user_id: number; password: string; api_access_token: string };
  const second = (await run('create-account', ['Second', email], { ADMIN_PASSWORD: 'not-applied-password' })) as { account_id: number; user_id: number; password: string; api_access_token: string };
  expect(second.user_id).toBe(first.user_id);
  expect(second.password).toMatch(/^\(unchanged: an existing user\)$/);
  expect(second.api_access_token).toMatch(new RegExp(`unchanged: an existing user; npm run agents -- reset-token --user ${first.user_id}`));
  for (const accountId of [first.account_id, second.account_id]) {
    expect((await ctx.http.get(`/api/v1/accounts/${accountId}/labels`).set('api_access_token', first.api_access_token)).status).toBe(200);
  }
  expect((await ctx.http.post('/auth/sign_in').send({ email, password: first.password })).status).toBe(200);
  expect((await ctx.http.post('/auth/sign_in').send({ email, password: 'not-applied-password' })).status).toBe(401);
}, 120000);

it('when create-account or the agents command is given something that is not an email address, then it exits saying so before making anything', async () => {
  const accountsBefore = await ctx.deps.models.accounts.countDocuments();
  for (const [script, args] of [
    ['create-account', ['CLI account', 'not an email']],
    ['agents', ['add', '--account', '1', '--email', 'a@b']],
  ] as const) {
    const failed = await run(script, [...args]).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/is not an email address/);
  }
  expect(await ctx.deps.models.accounts.countDocuments()).toBe(accountsBefore);
});

it('when the agents command is asked for --help, then it prints its usage and exits 0 without touching the database', async () => {
  const { stdout } = await promisify(execFile)(path.join(root, 'node_modules/.bin/ts-node'), ['--transpile-only', 'scripts/agents.ts', '--help'], {
    cwd: root,
    env: { ...process.env, MONGODB_URI: 'mongodb://127.0.0.1:1/unreachable' },
  });
  expect(stdout).toContain('usage: npm run agents -- list|add|role|remove|reset-token|set-password');
});
