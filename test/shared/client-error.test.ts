import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
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

// Found by the security review (2026-12-05): a body sent a byte every 10 s held its connection for
// 315 s, then got a 408 that named no limit (SPEC §9: every limit is named).
describe('a request that does not arrive in time', () => {
  let server: http.Server;
  let port: number;

  beforeAll(async () => {
    // Node looks for late requests every connectionsCheckingInterval (30 s by default).
    server = http.createServer({ connectionsCheckingInterval: 100 }, (req, res) => req.resume().on('end', () => res.end('{}')));
    answerClientErrors(server, { requestSeconds: 2, headersSeconds: 1 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  /** Sends `head`, then nothing more, and reads what the server answers until it closes. */
  const sendAndWait = (head: string) =>
    new Promise<{ answer: string; afterMs: number }>((resolve, reject) => {
      const started = Date.now();
      const socket = net.connect(port, '127.0.0.1', () => socket.write(head));
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk));
      socket.on('close', () => resolve({ answer, afterMs: Date.now() - started }));
      socket.on('error', reject);
    });

  it('when the body stops coming, then it answers 408 naming the whole request limit and its setting', async () => {
    const { answer, afterMs } = await sendAndWait('POST /contacts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"na');
    expect(answer).toMatch(/^HTTP\/1.1 408 /);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    expect(body.error).toBe('the request was not received in time: its headers must arrive within 1 s and the whole request within 2 s (REQUEST_TIMEOUT_SECONDS)');
    expect(afterMs).toBeGreaterThanOrEqual(1900);
  });

  it('when the headers stop coming, then it answers 408 after the headers limit', async () => {
    const { answer, afterMs } = await sendAndWait('GET /contacts HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    expect(answer).toMatch(/^HTTP\/1.1 408 /);
    expect(afterMs).toBeGreaterThanOrEqual(900);
  });
});
