import cluster from 'node:cluster';
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from './config';
import { createLogger } from './shared/logger';

/**
 * Runs API_PROCESSES API processes and WORKER_PROCESSES sync workers, and stops them together.
 *
 * The API processes share PORT through node's cluster module: this process accepts the
 * connections and hands them round-robin to them (node 20 has no SO_REUSEPORT for net servers,
 * and one port keeps clients and proxies unaware of how many there are). Workers are plain
 * children. Every child is told it is supervised: it ignores the terminal's SIGINT, stops on the
 * SIGTERM this process sends, and stops by itself should this process die. A child that dies
 * after it has started is started again; one that dies while starting (bad settings, a service
 * unreachable) stops everything, exit code 1.
 */
const config = (() => {
  try {
    return loadConfig();
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
})();
const logger = createLogger(config.LOG_LEVEL, 'contacts-supervisor');

type Kind = 'api' | 'worker';
// Run as TypeScript (npm start) or compiled (npm run build): the children the same way.
const ext = path.extname(__filename);
const execArgv = ext === '.ts' ? ['-r', 'ts-node/register/transpile-only'] : [];
const entry = (name: string) => path.join(__dirname, `${name}${ext}`);
// As `npm run start:worker`: without a cap V8 lets garbage pile up during a large import; a
// larger young generation than V8's default makes fewer, cheaper collections of the import's
// short-lived objects (README, Import, "Memory").
const WORKER_HEAP = ['--max-old-space-size=256', '--max-semi-space-size=32'];
// With workers of their own, the API processes run none; alone, each API process runs one (as npm start does).
const apiWithWorker = String(config.WORKER_PROCESSES > 0 ? false : (config.WITH_WORKER ?? true));

const children = new Map<ChildProcess, Kind>();
let stopping = false;
let exitCode = 0;

cluster.setupPrimary({ exec: entry('main-api'), execArgv });

function start(kind: Kind): void {
  const env = { ...process.env, CONTACTS_SUPERVISED: 'true', ...(kind === 'api' ? { WITH_WORKER: apiWithWorker } : {}) };
  const child = kind === 'api' ? cluster.fork(env).process : fork(entry('main-worker'), [], { execArgv: [...execArgv, ...WORKER_HEAP], env });
  let ready = false;
  children.set(child, kind);
  child.on('message', (message) => {
    if (message === 'ready') ready = true;
  });
  child.on('exit', (code, signal) => {
    children.delete(child);
    if (stopping) {
      if (code !== 0) exitCode = 1;
      if (!children.size) process.exit(exitCode);
      return;
    }
    if (!ready) {
      logger.error({ kind, pid: child.pid, code, signal }, 'a process died while starting; stopping the others');
      stop(1);
      return;
    }
    logger.error({ kind, pid: child.pid, code, signal }, 'a process died; starting another');
    setTimeout(() => !stopping && start(kind), 1000);
  });
}

function stop(code: number): void {
  if (code !== 0) exitCode = code;
  if (stopping) {
    // A second signal: the children exit 1 at once, as a lone process does on its second signal.
    for (const child of children.keys()) child.kill('SIGTERM');
    return;
  }
  stopping = true;
  if (!children.size) process.exit(exitCode);
  logger.info({ processes: children.size }, 'stopping every process');
  for (const child of children.keys()) child.kill('SIGTERM');
  // Each child keeps its own deadline (SHUTDOWN_TIMEOUT_MS); this one only covers a child that hangs regardless.
  setTimeout(() => {
    logger.error('processes still running past the shutdown deadline; killed');
    for (const child of children.keys()) child.kill('SIGKILL');
    process.exit(1);
  }, config.SHUTDOWN_TIMEOUT_MS + 5000).unref();
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

for (let i = 0; i < config.API_PROCESSES; i++) start('api');
for (let i = 0; i < config.WORKER_PROCESSES; i++) start('worker');
logger.info({ api: config.API_PROCESSES, workers: config.WORKER_PROCESSES, port: config.PORT, apiWithWorker: apiWithWorker === 'true' }, 'supervisor started');
