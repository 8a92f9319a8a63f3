import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { testConfig } from './support/context';
import { freePort, isAlive, startChild, stopChild, waitForLog, type Child } from './support/processes';

// The supervisor of `API_PROCESSES=2 WORKER_PROCESSES=1 npm start`, as a real process tree.
let supervisor: Child | undefined;
afterAll(async () => {
  if (supervisor) await stopChild(supervisor);
});

/** A GET on a connection of its own, so that the cluster hands each request to the next API process. */
const getOnNewConnection = (port: number, path: string) =>
  new Promise<number>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    }).on('error', reject);
  });

describe('npm start with several processes (src/main-cluster.ts)', () => {
  it('when started with 2 API processes and 1 worker, then both API processes answer on one port, and SIGTERM stops every process with exit code 0', async () => {
    const config = testConfig();
    const port = await freePort();
    supervisor = startChild('main-cluster.ts', {
      NODE_ENV: 'test',
      PORT: String(port),
      API_PROCESSES: '2',
      WORKER_PROCESSES: '1',
      MONGODB_URI: config.MONGODB_URI,
      CONTACTS_INDEX: config.CONTACTS_INDEX,
      QUEUE_PREFIX: `test-cluster-${randomUUID()}`,
      ENFORCE_ID_ONLY: 'true',
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: '5000',
    });
    const started = () => supervisor!.logs.filter((l) => l.msg === 'listening' || l.msg === 'sync worker started');
    await waitForLog(supervisor, 'supervisor started');
    const deadline = Date.now() + 150000;
    while (started().length < 3) {
      if (Date.now() > deadline || supervisor.process.exitCode !== null) throw new Error(`started: ${JSON.stringify(started())}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const apiPids = supervisor.logs.filter((l) => l.msg === 'listening').map((l) => l.pid as number);
    const workerPid = supervisor.logs.find((l) => l.msg === 'sync worker started')!.pid as number;
    expect(new Set(apiPids).size).toBe(2);
    expect(supervisor.logs.find((l) => l.msg === 'listening')).toMatchObject({ worker: false });

    for (let i = 0; i < 8; i++) expect(await getOnNewConnection(port, '/api/openapi.json')).toBe(200);
    // Each API process logged some of the requests (pino puts the process's pid on every line).
    const answeredBy = new Set(supervisor.logs.filter((l) => (l.req as { url?: string } | undefined)?.url === '/api/openapi.json').map((l) => l.pid));
    expect([...answeredBy].sort()).toEqual([...apiPids].sort());

    expect(await stopChild(supervisor)).toBe(0);
    for (const pid of [...apiPids, workerPid]) expect(isAlive(pid)).toBe(false);
    // Four ts-node processes starting at once on a busy 2-core machine take a minute or more.
  }, 240000);
});
