import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { consoleAssetsRouter } from '../src/console-assets';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'console-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const appWith = (consoleDir: string) => {
  const app = express();
  app.use(consoleAssetsRouter(consoleDir));
  app.use((_req, res) => res.status(404).json({ error: 'not found' }));
  return app;
};

describe('the console assets', () => {
  it('when / is asked for, then it redirects to /app/', async () => {
    const res = await request(appWith(dir)).get('/');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/app/');
  });

  it('when a built asset is asked for, then it is served and may be cached for good', async () => {
    const res = await request(appWith(dir)).get('/app/assets/index-abc123.js');
    expect(res.status).toBe(200);
    expect(res.text).toBe('console.log(1)');
    expect(res.headers['cache-control']).toContain('immutable');
  });

  it("when any other /app path is asked for, then the single page's index.html answers, never cached", async () => {
    for (const url of ['/app/', '/app/contacts/12']) {
      const res = await request(appWith(dir)).get(url);
      expect(res.status).toBe(200);
      expect(res.text).toContain('<div id="root">');
      expect(res.headers['cache-control']).toBe('no-cache');
    }
  });

  // From an operator's read (2026-12-05): an old hashed name after a deploy answered the page, as a 200.
  it('when a built asset that is not there is asked for, then it is the 404, not the page', async () => {
    const res = await request(appWith(dir)).get('/app/assets/index-gone999.js');
    expect(res.status).toBe(404);
  });

  it('when /app is asked for without its slash, then it redirects to /app/', async () => {
    const res = await request(appWith(dir)).get('/app');
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('/app/');
  });

  it('when a path outside /app is asked for, or /app with another method, then the router passes it on', async () => {
    expect((await request(appWith(dir)).get('/api/v1/nothing')).status).toBe(404);
    expect((await request(appWith(dir)).post('/app/')).status).toBe(404);
  });

  it('when the console is not built, then /app answers 503 saying how to build it', async () => {
    const res = await request(appWith(path.join(dir, 'missing'))).get('/app/');
    expect(res.status).toBe(503);
    expect(res.text).toContain('npm run build:console');
  });
});
