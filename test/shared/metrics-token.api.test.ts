import { startTestContext, testConfig, type TestContext } from '../support/context';

const token = 'scrape-secret-0123456789';
let ctx: TestContext;

beforeAll(async () => {
  ctx = await startTestContext({ worker: false, config: testConfig({ METRICS_TOKEN: token }) });
});
afterAll(() => ctx.close());

describe('GET /metrics with METRICS_TOKEN set', () => {
  it('when the scrape sends Authorization: Bearer with the token, then the metrics answer', async () => {
    const res = await ctx.http.get('/metrics').set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/# HELP contacts_sync_lag_seconds/);
  });

  it('when the token is missing, wrong, a prefix of it or sent another way, then 401 says which header is needed, with WWW-Authenticate', async () => {
    for (const res of [
      await ctx.http.get('/metrics'),
      await ctx.http.get('/metrics').set('authorization', 'Bearer wrong-token-0123456789'),
      await ctx.http.get('/metrics').set('authorization', `Bearer ${token.slice(0, -1)}`),
      await ctx.http.get('/metrics').set('authorization', `Basic ${Buffer.from(`x:${token}`).toString('base64')}`),
      await ctx.http.get('/metrics').set('api_access_token', token),
    ]) {
      expect({ status: res.status, error: res.body.error, challenge: res.headers['www-authenticate'] }).toEqual({
        status: 401,
        error: expect.stringMatching(/Authorization: Bearer <METRICS_TOKEN>/),
        challenge: 'Bearer',
      });
      expect(res.text).not.toMatch(/# HELP/);
    }
  });

  it('when the API document is read, then /metrics names its bearer scheme and 401; /health stays open', async () => {
    const doc = (await ctx.http.get('/api/openapi.json')).body;
    expect(doc.paths['/metrics'].get.security).toEqual([{ metrics_token: [] }]);
    expect(doc.paths['/metrics'].get.responses).toHaveProperty('401');
    expect(doc.components.securitySchemes.metrics_token).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect((await ctx.http.get('/health')).status).toBe(200);
  });
});

describe('the configuration', () => {
  it('when METRICS_TOKEN is shorter than 16 characters, then the service refuses to start, naming it', () => {
    expect(() => testConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
  });
});
