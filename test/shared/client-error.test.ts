import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerClientErrors } from '../../src/shared/client-error';

// Found by the hostile-input probe (2026-12-01): a URL longer than Node's 16 KB header limit (a
// long labels[] list, say) was answered by Node itself, 431 with an empty body, where every other
// refusal says what is wrong in {"error"}.
describe('requests Node refuses before the app sees them', () => {
  let server: http.Server;
  let port: number;

  beforeAll(async () => {
    server = http.createServer((_req, res) => res.end('{}'));
    answerClientErrors(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const get = (path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; type: string | undefined; body: string }>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path, headers }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'], body }));
      });
      req.on('error', reject);
    });

  it('when the URL is longer than the header limit, then it answers 431 with an error naming the limit', async () => {
    const res = await get(`/contacts?labels[]=${'a'.repeat(20_000)}`);
    expect(res.status).toBe(431);
    expect(res.type).toMatch(/application\/json/);
    expect(JSON.parse(res.body).error).toMatch(/larger than 16 KB/);
  });

  it('when a request fits, then it is answered as ever', async () => {
    const res = await get('/contacts');
    expect(res).toMatchObject({ status: 200, body: '{}' });
  });
});
