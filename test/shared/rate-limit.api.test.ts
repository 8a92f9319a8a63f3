import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { buildApp } from '../../src/app';
import { createDependencies } from '../../src/dependencies';
import { createLogger } from '../../src/shared/logger';
import { expectMatchesDocument } from '../openapi/document-support';
import { testConfig, withTestAccount, type TestAccount, type TestContext } from '../support/context';
import { createInbox, websiteChannel } from '../support/inboxes';
import { startTcpProxy } from '../support/tcp-proxy';

let ctx: TestContext;
let account: TestAccount;
const config = testConfig({
  SIGN_IN_RATE_LIMIT: '3',
  SIGN_IN_RATE_WINDOW_SECONDS: '60',
  PUBLIC_RATE_LIMIT: '4',
  PUBLIC_RATE_WINDOW_SECONDS: '60',
  // So that a test can be several clients: the IP is read from X-Forwarded-For, as set by one proxy.
  TRUST_PROXY: '1',
});

withTestAccount(
  (c, a) => {
    ctx = c;
    account = a;
  },
  { worker: false, config },
);

const signIn = (ip: string, email: string) => ctx.http.post('/auth/sign_in').set('X-Forwarded-For', ip).send({ email, password: 'wrong password' });

describe('sign-in', () => {
  it('when one client tries to sign in more than the limit, then it gets 429 with Retry-After, and another client still may', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await signIn('203.0.113.1', `a${i}-${randomUUID()}@x.test`)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const limited = await signIn('203.0.113.1', `b-${randomUUID()}@x.test`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.body.error).toMatch(/too many requests/);
    expectMatchesDocument('post', '/auth/sign_in', limited);
    expect((await signIn('203.0.113.2', `c-${randomUUID()}@x.test`)).status).toBe(401);
  });

  it('when a client writes its own X-Forwarded-For addresses before the one its proxy appends, then it is still counted by the address the proxy saw', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i += 1) {
      const res = await ctx.http.post('/auth/sign_in').set('X-Forwarded-For', `10.9.9.${i}, 203.0.113.50`).send({ email: `s${i}-${randomUUID()}@x.test`, password: 'wrong password' });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('when one client tries a new email each time, then the RateLimit headers count down its own (per-IP) allowance, the tighter of the two', async () => {
    const remaining: string[] = [];
    for (let i = 0; i < 3; i += 1) remaining.push((await signIn('198.51.100.77', `fresh${i}-${randomUUID()}@x.test`)).headers['ratelimit-remaining']);
    expect(remaining).toEqual(['2', '1', '0']);
    expect((await signIn('198.51.100.77', `fresh-${randomUUID()}@x.test`)).status).toBe(429);
  });

  it('when many clients try one email, then that email is limited for all of them', async () => {
    const email = `target-${randomUUID()}@x.test`;
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await signIn(`198.51.100.${i + 1}`, email)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  // Successes counted too: an office of more than ten agents behind one NAT could not all sign in within the window (black-box read).
  it('when sign-ins from one client succeed, then they are not counted: only refused ones are', async () => {
    const ip = '198.51.100.200';
    const people = await Promise.all(Array.from({ length: 5 }, async (_, i) => {
      const address = `office${i}-${randomUUID()}@x.test`;
      const { password } = await ctx.deps.services.accounts.createUser({ accountId: account.id, role: 'agent', name: `Office ${i}`, email: address });
      return { email: address, password: password! };
    }));
    for (const person of people) {
      expect((await ctx.http.post('/auth/sign_in').set('X-Forwarded-For', ip).send(person)).status).toBe(200);
    }
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await signIn(ip, `miss${i}-${randomUUID()}@x.test`)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('when many clients sign out (no email in the body), then they are not counted together: a user can still sign out', async () => {
    for (let i = 0; i < 5; i += 1) {
      const res = await ctx.http.delete('/auth/sign_out').set('X-Forwarded-For', `192.0.2.${i + 1}`).set('api_access_token', `junk-${i}`);
      expect(res.status).toBe(401);
    }
    const user = await ctx.createAccount();
    const own = await ctx.http.delete('/auth/sign_out').set('X-Forwarded-For', '192.0.2.99').set('api_access_token', user.agentToken);
    expect(own.status).toBe(200);
  });

  // From a black-box read: sign-out shared sign-in's per-IP count, so wrong passwords from the same NAT kept a session from being ended.
  it('when a client has used up its sign-ins, then a user behind the same IP can still sign out, and the token is ended', async () => {
    const ip = '192.0.2.150';
    for (let i = 0; i < 3; i += 1) expect((await signIn(ip, `n${i}-${randomUUID()}@x.test`)).status).toBe(401);
    expect((await signIn(ip, `n-${randomUUID()}@x.test`)).status).toBe(429);
    const user = await ctx.createAccount();
    const out = await ctx.http.delete('/auth/sign_out').set('X-Forwarded-For', ip).set('api_access_token', user.agentToken);
    expect(out.status).toBe(200);
    expect(out.headers['ratelimit-limit']).toBeUndefined();
    const after = await ctx.http.get('/api/v1/profile').set('X-Forwarded-For', ip).set('api_access_token', user.agentToken);
    expect(after.status).toBe(401);
  });

  it('when another API process with the same prefix counts, then both share one count in Redis', async () => {
    const other = await createDependencies(config, createLogger('silent'));
    try {
      const otherHttp = request(buildApp(other));
      const ip = '203.0.113.77';
      for (let i = 0; i < 3; i += 1) expect((await signIn(ip, `d${i}-${randomUUID()}@x.test`)).status).toBe(401);
      const res = await otherHttp.post('/auth/sign_in').set('X-Forwarded-For', ip).send({ email: `e-${randomUUID()}@x.test`, password: 'x' });
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBeDefined();
    } finally {
      await other.close();
    }
  });

  it('when Redis holds its connection and answers nothing, then sign-in still answers, uncounted', async () => {
    // It waited on the count for as long as the client did (a minute and more, found by a black-box test).
    const proxy = await startTcpProxy(Number(new URL(config.REDIS_URL).port || 6379));
    const other = await createDependencies({ ...config, REDIS_URL: `redis://127.0.0.1:${proxy.port}` }, createLogger('silent'));
    try {
      const otherHttp = request(buildApp(other));
      expect((await otherHttp.post('/auth/sign_in').send({ email: `f-${randomUUID()}@x.test`, password: 'x' })).status).toBe(401);
      proxy.freeze();
      for (let i = 0; i < 5; i += 1) {
        const res = await otherHttp.post('/auth/sign_in').set('X-Forwarded-For', '203.0.113.90').send({ email: `g${i}-${randomUUID()}@x.test`, password: 'x' });
        expect(res.status).toBe(401);
      }
    } finally {
      proxy.thaw();
      await other.close();
      await proxy.cut();
    }
  }, 30000);
});

describe('public website routes', () => {
  it('when one client calls the widget API more than the limit, then it gets 429 with Retry-After; the account API is not limited', async () => {
    const site = await createInbox(ctx, account, websiteChannel());
    const path = `/public/api/v1/inboxes/${site.inbox_identifier}/contacts`;
    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await ctx.http.post(path).set('X-Forwarded-For', '192.0.2.10').send({})).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const limited = await ctx.http.get(`${path}/whatever`).set('X-Forwarded-For', '192.0.2.10');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expectMatchesDocument('get', '/public/api/v1/inboxes/{inbox_identifier}/contacts/{source_id}', limited);
    expect((await ctx.http.post(path).set('X-Forwarded-For', '192.0.2.11').send({})).status).toBe(200);
    for (let i = 0; i < 6; i += 1) expect((await ctx.http.get(account.path('/labels')).set('X-Forwarded-For', '192.0.2.10').set('api_access_token', account.agentToken)).status).toBe(200);
  });
});

describe('password checks of a signed-in user', () => {
  it('when a token tries current_password more than the sign-in limit, then it gets 429 (from any IP); a change of name alone and another user are not counted', async () => {
    const other = await ctx.createAccount();
    const change = (token: string, ip: string, body: object) => ctx.http.put('/api/v1/profile').set('X-Forwarded-For', ip).set('api_access_token', token).send(body);
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await change(other.agentToken, `203.0.113.${100 + i}`, { password: 'New-Password-1', current_password: `guess-${i}-long` })).status);
    expect(statuses).toEqual([422, 422, 422, 429]);
    const limited = await change(other.agentToken, '203.0.113.120', { password: 'New-Password-1', current_password: 'guess-x-long' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expectMatchesDocument('put', '/api/v1/profile', limited);
    expect((await change(other.agentToken, '203.0.113.121', { name: 'Renamed' })).status).toBe(200);
    expect((await change(other.adminToken, '203.0.113.122', { password: 'New-Password-1', current_password: 'guess-y-long' })).status).toBe(422);
  });

  it('when a user sends current_password with changes that are taken, then those are not counted: only refused checks use the allowance, as at sign-in', async () => {
    const other = await ctx.createAccount();
    const change = (body: object) => ctx.http.put('/api/v1/profile').set('api_access_token', other.agentToken).send(body);
    // More than the limit (3) of taken changes that carry it: a change of name does not check it.
    for (let i = 0; i < 5; i += 1) expect((await change({ name: `Renamed ${i}`, current_password: `not-checked-${i}` })).status).toBe(200);
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await change({ password: 'New-Password-1', current_password: `guess-${i}-long` })).status);
    expect(statuses).toEqual([422, 422, 422, 429]);
  });
});
