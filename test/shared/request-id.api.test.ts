import request from 'supertest';
import { buildApp } from '../../src/app';
import { capturedLogger } from '../support/captured-logger';
import { startTestContext, type TestAccount, type TestContext } from '../support/context';

let ctx: TestContext;
let account: TestAccount;

beforeAll(async () => {
  ctx = await startTestContext({ worker: false });
  account = await ctx.createAccount();
});
afterAll(() => ctx.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request id', () => {
  it('when a request sends X-Request-Id, then the response header and a 4xx error body carry it', async () => {
    const res = await ctx.http.get(account.path('/contacts/999999999')).set('api_access_token', account.adminToken).set('X-Request-Id', 'abc-123');
    expect(res.status).toBe(404);
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(res.body).toEqual({ error: expect.any(String), message: res.body.error, request_id: 'abc-123' });

    const invalid = await ctx.http.post(account.path('/contacts')).set('api_access_token', account.adminToken).set('X-Request-Id', 'abc-123').send({ email: 'not an email' });
    expect(invalid.status).toBe(422);
    expect(invalid.body).toMatchObject({ field: 'email', request_id: 'abc-123' });
  });

  it('when a request sends no X-Request-Id, then a UUID is generated, echoed in the header and in the error body', async () => {
    const res = await ctx.http.get(account.path('/contacts/999999999'));
    expect(res.status).toBe(401);
    expect(res.headers['x-request-id']).toMatch(UUID);
    expect(res.body.request_id).toBe(res.headers['x-request-id']);

    const other = await ctx.http.get('/no/such/route');
    expect(other.status).toBe(404);
    expect(other.headers['x-request-id']).toMatch(UUID);
    expect(other.headers['x-request-id']).not.toBe(res.headers['x-request-id']);
    expect(other.body.request_id).toBe(other.headers['x-request-id']);
  });

  it('when a successful request is answered, then it carries the id in the header only', async () => {
    const res = await ctx.http.get(account.path('/contacts')).set('api_access_token', account.adminToken).set('X-Request-Id', 'ok-1');
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe('ok-1');
    expect(res.body.request_id).toBeUndefined();
  });

  it.each([['x'.repeat(129)], ['has spaces'], ['line\tbreak'], ['']])('when X-Request-Id is %j, then a UUID replaces it', async (given) => {
    const res = await ctx.http.get('/health').set('X-Request-Id', given);
    expect(res.headers['x-request-id']).toMatch(UUID);
  });

  it('when a request fails with a 5xx, then its log lines carry the request id and the error object with its stack, and the body does not leak it', async () => {
    const { logger, records } = capturedLogger();
    const failing = {
      ...ctx.deps.services.contacts,
      read: async () => {
        throw new Error('boom from the test');
      },
    };
    const app = buildApp({ ...ctx.deps, logger, services: { ...ctx.deps.services, contacts: failing } });
    const res = await request(app).get(account.path('/contacts/1')).set('api_access_token', account.adminToken).set('X-Request-Id', 'fail-7');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'internal error', message: 'internal error', request_id: 'fail-7' });

    const lines = records();
    const mine = lines.filter((l) => l.request_id === 'fail-7');
    const failed = mine.find((l) => l.msg === 'request failed') as { level: number; err: { message: string; stack: string } } | undefined;
    expect(failed).toBeDefined();
    expect(failed!.level).toBe(50);
    expect(failed!.err.message).toBe('boom from the test');
    expect(failed!.err.stack).toContain('boom from the test');
    // One summary line per request, without the request's headers (the access token is one).
    const summary = mine.find((l) => l.responseTime !== undefined) as { req: Record<string, unknown>; res: { statusCode: number } } | undefined;
    expect(summary).toMatchObject({ req: { method: 'GET', url: account.path('/contacts/1') }, res: { statusCode: 500 } });
    expect(JSON.stringify(lines)).not.toContain(account.adminToken);
  });
});
