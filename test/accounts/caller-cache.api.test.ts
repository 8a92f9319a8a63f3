import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { createCallerCache } from '../../src/accounts/caller-cache';
import { createLogger } from '../../src/shared/logger';
import { startTestContext, testConfig, waitFor, type TestAccount, type TestContext } from '../support/context';

// Two API "processes" of one deployment (one queue prefix, so one announcement channel), with a
// cache TTL far longer than any test: only an announcement can explain a refusal here.
const prefix = `test-callers-${randomUUID()}`;
let a: TestContext;
let b: TestContext;

beforeAll(async () => {
  a = await startTestContext({ worker: false, config: testConfig({ QUEUE_PREFIX: prefix, AUTH_CACHE_MS: '600000' }) });
  b = await startTestContext({ worker: false, config: testConfig({ QUEUE_PREFIX: prefix, AUTH_CACHE_MS: '600000' }) });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
});

const labels = (ctx: TestContext, account: TestAccount, token: string) => ctx.http.get(account.path('/labels')).set('api_access_token', token);

/** Until process A keeps its answer for the token (the first request opens the subscription). */
async function warm(account: TestAccount, token: string) {
  await waitFor(async () => (await labels(a, account, token)).status === 200 && a.deps.callers.isActive(), 'the cache of process A to listen');
  // Answered while listening: this answer is the one kept.
  expect((await labels(a, account, token)).status).toBe(200);
}

describe('who a token is, remembered by each API process', () => {
  it('when another process rotates the API token, then this process refuses the old one at once', async () => {
    const account = await a.createAccount();
    const admin = (await a.http.get('/api/v1/profile').set('api_access_token', account.adminToken)).body as { id: number };
    await warm(account, account.adminToken);

    const fresh = await b.deps.services.accounts.rotateApiToken(admin.id);
    await waitFor(async () => (await labels(a, account, account.adminToken)).status === 401, 'process A to refuse the rotated token');
    expect((await labels(a, account, fresh)).status).toBe(200);
  });

  it('when another process removes the agent from the account, then this process refuses the agent', async () => {
    const account = await a.createAccount();
    const agent = (await a.http.get('/api/v1/profile').set('api_access_token', account.agentToken)).body as { id: number };
    await warm(account, account.agentToken);

    await b.deps.services.accounts.removeMember(account.id, agent.id);
    await waitFor(async () => (await labels(a, account, account.agentToken)).status === 401, 'process A to refuse the removed agent');
  });

  it('when another process makes an administrator an agent, then this process refuses the administrator routes', async () => {
    const account = await a.createAccount();
    const admin = (await a.http.get('/api/v1/profile').set('api_access_token', account.adminToken)).body as { id: number };
    const agent = (await a.http.get('/api/v1/profile').set('api_access_token', account.agentToken)).body as { id: number };
    await b.deps.services.accounts.changeAgent(account.id, agent.id, { role: 'administrator' });
    const agents = () => a.http.post(account.path('/agents')).set('api_access_token', account.adminToken).send({ name: 'X', email: `x-${randomUUID()}@test.local`, role: 'agent' });
    await warm(account, account.adminToken);
    expect((await agents()).status).toBe(200);

    await b.deps.services.accounts.changeAgent(account.id, admin.id, { role: 'agent' });
    await waitFor(async () => (await agents()).status === 403, 'process A to see the new role');
  });

  it('when the same process signs a session out, then the session is refused on the next request', async () => {
    const account = await a.createAccount();
    const email = `session-${randomUUID()}@test.local`;
    await a.deps.services.accounts.addMember(account.id, { name: 'S', email, role: 'agent', password: 'correct horse battery' });
    const session = (await a.http.post('/auth/sign_in').send({ email, password: 'correct horse battery' })).body.data.access_token as string;
    await warm(account, session);

    expect((await a.http.delete('/auth/sign_out').set('api_access_token', session)).status).toBe(200);
    expect((await labels(a, account, session)).status).toBe(401);
  });
});

describe('the cache itself', () => {
  const logger = createLogger('silent');
  const url = testConfig().REDIS_URL;
  const connections: Redis[] = [];
  const connect = () => {
    const conn = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: false });
    connections.push(conn);
    return conn;
  };
  afterAll(() => connections.forEach((conn) => conn.disconnect()));

  const cacheOn = (channel: string) => {
    const publisher = connect();
    return createCallerCache<string>({ ttlMs: 600000, maxEntries: 2, channel, publisher: () => publisher, subscriber: connect, logger });
  };
  const listening = async (cache: ReturnType<typeof cacheOn>) => {
    await cache.get('warm-up', async () => 'x');
    await waitFor(async () => cache.isActive(), 'the cache to listen');
  };

  it('when asked twice, then it loads once; a failed load is not kept', async () => {
    const cache = cacheOn(`c-${randomUUID()}`);
    await listening(cache);
    let loads = 0;
    const load = async () => `v${++loads}`;
    expect(await cache.get('k', load)).toBe('v1');
    expect(await cache.get('k', load)).toBe('v1');
    await expect(cache.get('bad', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(await cache.get('bad', async () => 'now good')).toBe('now good');
  });

  it('when an answer was read before a change, then it is not kept after it', async () => {
    const cache = cacheOn(`c-${randomUUID()}`);
    await listening(cache);
    let release!: () => void;
    const slow = cache.get('k', () => new Promise<string>((resolve) => (release = () => resolve('before the change'))));
    await cache.changed();
    release();
    expect(await slow).toBe('before the change');
    expect(await cache.get('k', async () => 'after the change')).toBe('after the change');
  });

  it('when an answer carries an end, then it is not kept past it', async () => {
    const cache = cacheOn(`c-${randomUUID()}`);
    await listening(cache);
    expect(await cache.get('k', async () => 'expired', () => Date.now() - 1)).toBe('expired');
    expect(await cache.get('k', async () => 'loaded again')).toBe('loaded again');
  });

  it('when full, then the oldest answer goes first', async () => {
    const cache = cacheOn(`c-${randomUUID()}`);
    await listening(cache);
    await cache.changed();
    await cache.get('k1', async () => 'one');
    await cache.get('k2', async () => 'two');
    await cache.get('k3', async () => 'three');
    expect(await cache.get('k2', async () => 'two again')).toBe('two');
    expect(await cache.get('k3', async () => 'three again')).toBe('three');
    expect(await cache.get('k1', async () => 'one again')).toBe('one again');
  });

  it('when its subscription is lost, then nothing is kept until it listens again', async () => {
    const channel = `c-${randomUUID()}`;
    const publisher = connect();
    let subscriber!: Redis;
    const cache = createCallerCache<string>({ ttlMs: 600000, maxEntries: 10, channel, publisher: () => publisher, subscriber: () => (subscriber = connect()), logger });
    await listening(cache);
    await cache.get('k', async () => 'kept');
    subscriber.disconnect();
    await waitFor(async () => !cache.isActive(), 'the cache to stop listening');
    expect(await cache.get('k', async () => 'read again')).toBe('read again');
    expect(await cache.get('k', async () => 'and again')).toBe('and again');
  });
});
