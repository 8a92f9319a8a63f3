// An Elasticsearch node lost while the service works: starts its OWN three-node cluster (HTTP
// :9400-9402, transport :9500-9502), Redis :6400 and FerretDB :27100 (scripts/services.sh,
// data under .local/cluster-check/), runs the API and the worker as child processes against it
// with one replica per shard, kills the elected master node with -9 while writes, lists and
// searches run, starts it again, and checks: searches kept answering, writes kept being
// acknowledged and became searchable again, and reconcile finds no drift. Prints the figures of
// each phase; exit code 1 if a check failed. Stops what it started (--keep-services to leave it).
//
//   npm run cluster-check [-- --outage-ms 30000] [--keep-services]
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Dependencies } from '../src/dependencies';
import { percentile, WORKER_NODE_ARGS } from './bench-support';
import { freshDependencies, msFig, ownServicesEnv, s, sleep } from './own-services';

const ROOT = path.resolve(__dirname, '..');
const { values: args } = parseArgs({
  options: {
    'outage-ms': { type: 'string', default: '30000' },
    'keep-services': { type: 'boolean', default: false },
  },
});
const OUTAGE_MS = Number(args['outage-ms']);

// Away from the shared set (6379/9200/27017) and the fault suite's (6390/9290/27090). HTTP ports
// outside 9300-9399, where a single node left to pick its own transport port could land.
const NODES = 3;
const PORTS = { redis: 6400, es: 9400, transport: 9500, mongo: 27100, api: 3200 };
const SERVICES_DIR = path.join(ROOT, '.local', 'cluster-check');
const LOGS = path.join(SERVICES_DIR, 'logs');
const ES_URLS = Array.from({ length: NODES }, (_, i) => `http://127.0.0.1:${PORTS.es + i}`);

const serviceEnv = ownServicesEnv({
  SERVICES_DIR,
  REDIS_PORT: String(PORTS.redis),
  ES_PORT: String(PORTS.es),
  ES_TRANSPORT_PORT: String(PORTS.transport),
  ES_NODES: String(NODES),
  ES_HEAP: '512m',
  MONGO_PORT: String(PORTS.mongo),
});

const appEnv: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: 'production',
  PORT: String(PORTS.api),
  CURSOR_SECRET: randomBytes(32).toString('hex'),
  MONGODB_URI: `mongodb://127.0.0.1:${PORTS.mongo}/contacts_cluster`,
  // Every node: the client passes over the one that dies.
  ELASTICSEARCH_URL: ES_URLS.join(','),
  REDIS_URL: `redis://127.0.0.1:${PORTS.redis}`,
  CONTACTS_INDEX: 'contacts_cluster',
  INDEX_SHARDS: String(NODES),
  INDEX_REPLICAS: '1',
  QUEUE_PREFIX: `cluster-${Date.now()}`,
  SWEEP_EVERY_MS: '1000',
  SWEEP_GRACE_MS: '2000',
  UPLOAD_DIR: path.join(SERVICES_DIR, 'uploads'),
  WITH_WORKER: 'false',
  LOG_LEVEL: 'warn',
};
const API = `http://127.0.0.1:${PORTS.api}`;


function services(action: 'up' | 'down', name?: 'es'): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(ROOT, 'scripts/services.sh'), action, ...(name ? [name] : [])], { env: serviceEnv, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`services.sh ${action} exited ${code}`))));
  });
}

const children: ChildProcess[] = [];
function startApp(name: 'api' | 'worker'): ChildProcess {
  const entry = name === 'api' ? 'src/main-api.ts' : 'src/main-worker.ts';
  const log = openSync(path.join(LOGS, `${name}.log`), 'a');
  const child = spawn(process.execPath, [...(name === 'worker' ? WORKER_NODE_ARGS : []), '-r', 'ts-node/register/transpile-only', path.join(ROOT, entry)], {
    env: appEnv,
    stdio: ['ignore', log, log],
  });
  children.push(child);
  return child;
}

async function stopApps() {
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((resolve) => child.on('exit', resolve));
    }),
  );
}

// ---------- the load: writes, lists, searches and write-to-searchable probes ----------

interface Sample {
  at: number;
  ms: number;
  status: number | string;
}

async function timedFetch(url: string, token: string, init: RequestInit = {}): Promise<Sample & { body: unknown }> {
  const at = Date.now();
  const t = performance.now();
  try {
    const res = await fetch(url, { ...init, headers: { api_access_token: token, 'content-type': 'application/json' }, signal: AbortSignal.timeout(20000) });
    const body = await res.json().catch(() => undefined);
    return { at, ms: performance.now() - t, status: res.status, body };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { at, ms: performance.now() - t, status: e.cause?.code ?? e.name, body: undefined };
  }
}

/** Runs `one` `perSecond` times a second, at most `concurrency` at once, until stopped. */
function steady(perSecond: number, concurrency: number, one: (n: number) => Promise<Sample>) {
  const samples: Sample[] = [];
  const pending = new Set<Promise<void>>();
  let n = 0;
  const timer = setInterval(() => {
    if (pending.size >= concurrency) return;
    const p = one(++n).then((sample) => void samples.push(sample));
    pending.add(p);
    void p.finally(() => pending.delete(p));
  }, 1000 / perSecond);
  return {
    samples,
    async stop() {
      clearInterval(timer);
      await Promise.all(pending);
    },
  };
}

/**
 * One probe a second: create a contact with a unique email, then search for it until it is
 * found; the lag is the time from the write's answer to the first search that finds it.
 */
function probes(accountId: number, token: string) {
  const lags: { at: number; lagMs: number | null }[] = [];
  let stopped = false;
  const done = (async () => {
    for (let n = 1; !stopped; n++) {
      const tag = `probe${n}x${randomBytes(3).toString('hex')}`;
      const write = await timedFetch(`${API}/api/v1/accounts/${accountId}/contacts`, token, { method: 'POST', body: JSON.stringify({ name: tag, email: `${tag}@cluster.test` }) });
      if (write.status !== 200) {
        lags.push({ at: write.at, lagMs: null });
      } else {
        const written = performance.now();
        let lagMs: number | null = null;
        while (performance.now() - written < 60000) {
          const found = await timedFetch(`${API}/api/v1/accounts/${accountId}/contacts/search?q=${tag}`, token);
          if (found.status === 200 && (found.body as { meta?: { count?: number } }).meta?.count === 1) {
            lagMs = performance.now() - written;
            break;
          }
          await sleep(100);
        }
        lags.push({ at: write.at, lagMs });
      }
      await sleep(1000);
    }
  })();
  return {
    lags,
    async stop() {
      stopped = true;
      await done;
    },
  };
}

function summary(samples: Sample[], from: number, to: number): string {
  const inside = samples.filter((x) => x.at >= from && x.at < to);
  if (!inside.length) return 'none';
  const byStatus: Record<string, number> = {};
  for (const x of inside) byStatus[x.status] = (byStatus[x.status] ?? 0) + 1;
  const ms = inside.map((x) => x.ms);
  const statuses = Object.entries(byStatus).map(([status, count]) => `${count}× ${status}`).join(', ');
  return `${inside.length} (${statuses}), p50 ${msFig(percentile(ms, 50))}, p95 ${msFig(percentile(ms, 95))}, max ${msFig(Math.max(...ms))}`;
}

// ---------- the cluster ----------

let deps: Dependencies;

/**
 * The cluster as its nodes see it, asked of each node in turn with `local=true` (answered from the
 * node's own cluster state): without a master, a request the master answers waits for one, and
 * the service's client would mark the nodes that kept it waiting as dead.
 */
async function clusterState(): Promise<{ status: string; nodes: number; master: string | null }> {
  for (const url of ES_URLS) {
    try {
      const ask = (p: string) => fetch(`${url}${p}`, { signal: AbortSignal.timeout(2000) }).then((r) => r.json());
      const health = (await ask('/_cluster/health?local=true')) as { status: string; number_of_nodes: number };
      const master = (await ask('/_cat/master?local=true&format=json')) as { node?: string }[] | { error: unknown };
      return { status: health.status, nodes: health.number_of_nodes, master: Array.isArray(master) ? (master[0]?.node ?? null) : null };
    } catch {
      // This node is the one down, or busy: the next one.
    }
  }
  return { status: 'no node answered', nodes: 0, master: null };
}

/** Watches the cluster every 250 ms: when its status changed, to what. */
function watchCluster() {
  const changes: { at: number; state: string }[] = [];
  let last = '';
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const state = await clusterState();
      const text = `${state.status}, ${state.nodes} nodes, master ${state.master ?? '-'}`;
      if (text !== last) changes.push({ at: Date.now(), state: text });
      last = text;
      await sleep(250);
    }
  })();
  return {
    changes,
    async stop() {
      stopped = true;
      await done;
    },
  };
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${s(timeoutMs)}`);
    await sleep(250);
  }
}

async function indexCount(accountId: number): Promise<number> {
  await deps.es.indices.refresh({ index: deps.index });
  return (await deps.es.count({ index: deps.index, query: { term: { account_id: String(accountId) } } })).count;
}

async function main() {
  const problems: string[] = [];
  const t0 = Date.now();
  mkdirSync(LOGS, { recursive: true });
  console.log(`cluster check: own services — Elasticsearch ${NODES} nodes on :${PORTS.es}-${PORTS.es + NODES - 1} (512 MB heap each), Redis :${PORTS.redis}, FerretDB :${PORTS.mongo}; API :${PORTS.api}; ${NODES} shards, 1 replica; logs in ${path.relative(ROOT, LOGS)}`);
  await services('up');
  let watcher: ReturnType<typeof watchCluster> | undefined;
  try {
    deps = await freshDependencies(appEnv);
    await deps.es.cluster.health({ index: deps.index, wait_for_status: 'green', timeout: '60s' });
    const account = await deps.services.accounts.createAccount('cluster check');
    const admin = await deps.services.accounts.createUser({ accountId: account.id, role: 'administrator', name: 'Cluster', email: `cluster-${Date.now()}@cluster.test` });
    const token = admin.accessToken;
    const base = `${API}/api/v1/accounts/${account.id}`;

    startApp('api');
    startApp('worker');
    await waitFor('the API answering', () => fetch(`${API}/health`).then((r) => r.ok), 180000);

    watcher = watchCluster();
    const acked = new Map<string, number>();
    const writes = steady(20, 8, async (n) => {
      const email = `w${n}@cluster.test`;
      const r = await timedFetch(`${base}/contacts`, token, { method: 'POST', body: JSON.stringify({ name: `Writer ${n}`, email }) });
      const id = (r.body as { payload?: { contact?: { id: number } } } | undefined)?.payload?.contact?.id;
      if (r.status === 200 && id) acked.set(email, id);
      return r;
    });
    const lists = steady(10, 8, () => timedFetch(`${base}/contacts?sort=name`, token));
    const searches = steady(10, 8, (n) => timedFetch(`${base}/contacts/search?q=writer ${n % 50}`, token));
    const probe = probes(account.id, token);

    // Long enough for the API and the worker to be past their cold start.
    await sleep(30000);
    const before = await clusterState();
    const victim = before.master;
    if (!victim) throw new Error(`no elected master before the kill: ${JSON.stringify(before)}`);
    const pid = Number(readFileSync(path.join(SERVICES_DIR, `es-${victim.replace('node-', 'node')}`, 'run', 'es.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    const killed = Date.now();
    console.log(`\nkilled ${victim} (the elected master, pid ${pid}) with -9 at ${s(killed - t0)}; the cluster had ${before.nodes} nodes, ${before.status}`);
    await sleep(OUTAGE_MS);
    const restart = Date.now();
    await services('up', 'es');
    await deps.es.cluster.health({ index: deps.index, wait_for_status: 'green', timeout: '120s' });
    const green = Date.now();
    console.log(`started ${victim} again after ${s(restart - killed)}; it rejoined and every shard had two copies again (green) ${s(green - restart)} later`);
    await sleep(10000);
    await Promise.all([writes.stop(), lists.stop(), searches.stop(), probe.stop()]);
    await watcher.stop();
    const end = Date.now();

    console.log('\ncluster state changes:');
    for (const c of watcher.changes) console.log(`  ${c.at < killed ? 'before' : `${s(c.at - killed).padStart(6)} after the kill`}: ${c.state}`);

    const phases: [string, number, number][] = [
      ['before the kill (30 s)', 0, killed],
      [`one node down (${s(restart - killed)})`, killed, restart],
      [`rejoining, until green (${s(green - restart)})`, restart, green],
      ['after (10 s)', green, end],
    ];
    for (const [name, samples] of [['writes (POST /contacts, 20/s)', writes.samples], ['lists (GET /contacts?sort=name, page and count, 10/s)', lists.samples], ['searches (GET /contacts/search, 10/s)', searches.samples]] as const) {
      console.log(`\n${name}:`);
      for (const [phase, from, to] of phases) console.log(`  ${phase.padEnd(34)} ${summary(samples, from, to)}`);
      const failed = samples.filter((x) => x.status !== 200);
      if (failed.length) problems.push(`${failed.length} of ${samples.length} ${name.split(' ')[0]} did not answer 200`);
    }
    console.log('\nwrite to searchable (a probe a second: create, then search until found):');
    for (const [phase, from, to] of phases) {
      const inside = probe.lags.filter((l) => l.at >= from && l.at < to);
      const lags = inside.flatMap((l) => (l.lagMs === null ? [] : [l.lagMs]));
      const lost = inside.length - lags.length;
      console.log(`  ${phase.padEnd(34)} ${inside.length} probes${lost ? `, ${lost} never found within 60 s` : ''}${lags.length ? `, lag p50 ${msFig(percentile(lags, 50))}, max ${msFig(Math.max(...lags))}` : ''}`);
      if (lost) problems.push(`${lost} probes ${phase} were not searchable within 60 s`);
    }

    // Everything acknowledged is in MongoDB and in the index, and reconcile has nothing to repair.
    await waitFor(
      'the index holding every contact',
      async () => !(await deps.models.pendingSync.countDocuments({ account_id: account.id })) && (await indexCount(account.id)) === (await deps.models.contacts.countDocuments({ account_id: account.id, deleted: false })),
      120000,
    ).catch((err: Error) => problems.push(err.message));
    const inMongo = await deps.models.contacts.countDocuments({ account_id: account.id, deleted: false });
    const inIndex = await indexCount(account.id);
    const report = await deps.reconcile(account.id);
    console.log(`\nafterwards: MongoDB ${inMongo} contacts, index ${inIndex}, writes acknowledged ${acked.size} (+ ${probe.lags.length} probes); reconcile: ${report.checked} checked, ${report.behind} behind, ${report.orphans} orphans, ${report.unkeyed} unkeyed, ${report.failed.length} failed`);
    if (inMongo !== inIndex) problems.push(`MongoDB holds ${inMongo} contacts, the index ${inIndex}`);
    if (report.behind || report.orphans || report.unkeyed || report.failed.length) problems.push(`reconcile found drift: ${JSON.stringify({ behind: report.behind, orphans: report.orphans, unkeyed: report.unkeyed, failed: report.failed.slice(0, 5) })}`);
    const found = await deps.models.contacts.find({ _id: { $in: [...acked.values()].map(String) } }, { _id: 1 }).lean();
    if (found.length !== acked.size) problems.push(`${acked.size - found.length} acknowledged writes missing from MongoDB`);
  } finally {
    await watcher?.stop();
    await stopApps();
    await deps?.close().catch(() => undefined);
    if (!args['keep-services']) await services('down');
  }
  console.log(`\n${problems.length ? `FAILED:\n  ${problems.join('\n  ')}` : 'ok'} (${s(Date.now() - t0)})`);
  process.exitCode = problems.length ? 1 : 0;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  for (const child of children) child.kill('SIGKILL');
  process.exit(1);
});
