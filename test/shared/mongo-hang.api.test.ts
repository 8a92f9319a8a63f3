import { startTestContext, testConfig, type TestAccount, type TestContext } from '../support/context';
import { startTcpProxy } from '../support/tcp-proxy';

// This context reaches MongoDB through a proxy that can make it hang: connections stay open and
// nothing comes back, as from a server in the middle of stopping (seen in the fault suite).
let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
let ctx: TestContext;
let account: TestAccount;

beforeAll(async () => {
  const base = testConfig();
  const target = new URL(base.MONGODB_URI);
  proxy = await startTcpProxy(Number(target.port || 27017));
  target.port = String(proxy.port);
  ctx = await startTestContext({ worker: false, config: testConfig({ MONGODB_URI: target.toString(), MONGO_SOCKET_TIMEOUT_MS: '1500' }) });
  account = await ctx.createAccount();
});
afterAll(async () => {
  proxy?.thaw();
  await ctx?.close();
  await proxy?.close();
});

const create = (name: string) => ctx.http.post(account.path('/contacts')).set('api_access_token', account.adminToken).send({ name });

describe('a MongoDB server that hangs', () => {
  it('when it stops answering, then a write answers 503 instead of waiting for ever; once it answers again, writes succeed', async () => {
    expect((await create('Before')).status).toBe(200);

    proxy.freeze();
    const during = await create('During');
    expect(during.status).toBe(503);
    expect(during.body.error).toEqual(expect.any(String));

    proxy.thaw();
    // The connection that hung was closed by its timeout; the pool opens new ones.
    let after = await create('After');
    for (let i = 0; i < 20 && after.status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      after = await create('After');
    }
    expect(after.status).toBe(200);
  });
});
