import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestContext, testConfig, type TestAccount, type TestContext } from '../support/context';

let ctx: TestContext;
let account: TestAccount;
let consoleDir: string;

beforeAll(async () => {
  consoleDir = mkdtempSync(path.join(tmpdir(), 'console-'));
  mkdirSync(path.join(consoleDir, 'assets'));
  writeFileSync(path.join(consoleDir, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(path.join(consoleDir, 'assets', 'index-abc123.js'), 'console.log(1)');
  ctx = await startTestContext({ worker: false, config: testConfig({ CONSOLE_DIR: consoleDir }) });
  account = await ctx.createAccount();
});
afterAll(async () => {
  await ctx.close();
  rmSync(consoleDir, { recursive: true, force: true });
});

/** The CSP directive `name`'s sources, or undefined when the policy has no such directive. */
function directive(policy: string | undefined, name: string): string[] | undefined {
  const found = (policy ?? '').split(';').map((part) => part.trim().split(/\s+/)).find(([key]) => key === name);
  return found?.slice(1);
}

describe('security headers', () => {
  it('when an API answer carries personal data, then it is never stored by a cache, is not sniffed, framed or run as a page, and names no framework', async () => {
    const created = await ctx.http.post(account.path('/contacts')).set('api_access_token', account.adminToken).send({ name: 'Ana', email: 'ana-headers@example.com' });
    expect(created.status).toBe(200);
    for (const res of [
      await ctx.http.get(account.path(`/contacts/${created.body.payload.contact.id}`)).set('api_access_token', account.adminToken),
      await ctx.http.get(account.path('/contacts')).set('api_access_token', account.adminToken),
      await ctx.http.get(account.path('/contacts/999999999')).set('api_access_token', account.adminToken),
      await ctx.http.get(account.path('/contacts')),
    ]) {
      expect(res.headers['content-type']).toMatch(/^application\/json; charset=utf-8/);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(directive(res.headers['content-security-policy'], 'default-src')).toEqual(["'none'"]);
      expect(directive(res.headers['content-security-policy'], 'frame-ancestors')).toEqual(["'none'"]);
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('when a CSV is exported, then it is text/csv, a download (attachment), never stored by a cache, not sniffed', async () => {
    const res = await ctx.http.post(account.path('/contacts/export')).set('api_access_token', account.adminToken).send({});
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/^attachment;/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('when the console page is served, then its policy allows only its own scripts (no inline script, no eval), styles and API, and no page may frame it', async () => {
    const res = await ctx.http.get('/app/');
    expect(res.status).toBe(200);
    const policy = res.headers['content-security-policy'];
    expect(directive(policy, 'default-src')).toEqual(["'self'"]);
    expect(directive(policy, 'script-src')).toEqual(["'self'"]);
    expect(directive(policy, 'style-src')).toEqual(["'self'"]);
    expect(directive(policy, 'connect-src')).toEqual(["'self'"]);
    expect(directive(policy, 'object-src')).toEqual(["'none'"]);
    expect(directive(policy, 'base-uri')).toEqual(["'none'"]);
    expect(directive(policy, 'frame-ancestors')).toEqual(["'none'"]);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    // The page itself is asked for every time (a new build), its hashed assets cached for good.
    expect(res.headers['cache-control']).toBe('no-cache');
    const asset = await ctx.http.get('/app/assets/index-abc123.js');
    expect(asset.headers['cache-control']).toContain('immutable');
    expect(asset.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('cross-origin requests (CORS)', () => {
  it("when a page on another site calls the website widget's public API, then it may read the answer, without credentials (Chatwoot's /public/api/*)", async () => {
    const inbox = await ctx.http
      .post(account.path('/inboxes'))
      .set('api_access_token', account.adminToken)
      .send({ name: 'Site', channel: { type: 'web_widget', website_url: 'https://shop.example' } });
    expect(inbox.status).toBe(200);
    const base = `/public/api/v1/inboxes/${inbox.body.inbox_identifier}`;

    const preflight = await ctx.http
      .options(`${base}/contacts`)
      .set('Origin', 'https://shop.example')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');
    expect(preflight.headers['access-control-allow-methods']).toContain('PATCH');
    expect(preflight.headers['access-control-allow-headers']?.toLowerCase()).toContain('content-type');
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
    // Chatwoot's widget sends X-Auth-Token on every call; its rack-cors allows any header (a browser
    // refused one left off the list: only Content-Type and X-Request-Id were).
    const widgetHeaders = await ctx.http
      .options(`${base}/contacts`)
      .set('Origin', 'https://shop.example')
      .set('Access-Control-Request-Method', 'PATCH')
      .set('Access-Control-Request-Headers', 'content-type,x-auth-token, authorization');
    expect(widgetHeaders.status).toBe(204);
    expect(widgetHeaders.headers['access-control-allow-headers']).toBe('content-type, x-auth-token, authorization');
    expect(widgetHeaders.headers.vary).toMatch(/Access-Control-Request-Headers/);
    const notNames = await ctx.http.options(`${base}/contacts`).set('Origin', 'https://shop.example').set('Access-Control-Request-Method', 'POST').set('Access-Control-Request-Headers', 'a b, (c)');
    expect(notNames.headers['access-control-allow-headers']).toBe('Content-Type, X-Request-Id');

    const created = await ctx.http.post(`${base}/contacts`).set('Origin', 'https://shop.example').send({ name: 'Visitor' });
    expect(created.status).toBe(200);
    expect(created.headers['access-control-allow-origin']).toBe('*');
    expect(created.headers['access-control-allow-credentials']).toBeUndefined();
    const missing = await ctx.http.get(`/public/api/v1/inboxes/nope/contacts/nope`).set('Origin', 'https://shop.example');
    expect(missing.status).toBe(404);
    expect(missing.headers['access-control-allow-origin']).toBe('*');
  });

  it('when a page on another site calls the account API or sign-in, then the browser is given no permission to read it', async () => {
    const preflight = await ctx.http
      .options(account.path('/contacts'))
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'api_access_token');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-headers']).toBeUndefined();
    for (const res of [
      await ctx.http.get(account.path('/contacts')).set('Origin', 'https://evil.example').set('api_access_token', account.adminToken),
      await ctx.http.post('/auth/sign_in').set('Origin', 'https://evil.example').send({ email: 'x@example.com', password: 'whatever1' }),
    ]) {
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    }
  });
});
