// The fault suite: takes Redis, Elasticsearch, FerretDB, the worker and the API away in the
// middle of work (steady writes, or an import) and checks that nothing is lost. It starts its OWN Redis, Elasticsearch and
// FerretDB (other ports, data under .local/faults/; scripts/services.sh), runs the API and the
// worker as child processes against them, and stops them all at the end. Each case ends with
// the account's reconcile reporting no drift and exact counts: contacts in MongoDB = documents
// in the index = writes acknowledged (plus any write that landed but whose answer was cut).
//
//   npm run faults [-- --quick] [--only a,c,f] [--es-down-ms 30000] [--keep-services]
//
// Prints each case's outcome and figures; exit code 1 if any case failed.
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, openAsBlob, rmSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Dependencies } from '../src/dependencies';
import type { ImportPayload } from '../src/import/contact-import.presenter';
import { contactKeyId } from '../src/records/contact-key.model';
import { percentile, WORKER_NODE_ARGS } from './bench-support';
import { freshDependencies, msFig, ownServicesEnv, s, sleep } from './own-services';
import { GENERATED_LABELS, writeContactsCsv } from './generate-contacts-csv';

const ROOT = path.resolve(__dirname, '..');
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'es-down-ms': { type: 'string', default: '30000' },
    'keep-services': { type: 'boolean', default: false },
  },
});
const QUICK = args.quick;
const CASES = (args.only ?? (QUICK ? 'a,c,f' : 'a,b,c,d,e,f,g')).split(',');
const ES_DOWN_MS = Number(args['es-down-ms']);

const SERVICES_DIR = path.join(ROOT, '.local', 'faults');
const PORTS = { redis: Number(process.env.FAULTS_REDIS_PORT ?? 6390), es: Number(process.env.FAULTS_ES_PORT ?? 9290), mongo: Number(process.env.FAULTS_MONGO_PORT ?? 27090), api: Number(process.env.FAULTS_API_PORT ?? 3190) };
const LOGS = path.join(SERVICES_DIR, 'logs');

const serviceEnv = ownServicesEnv({
  SERVICES_DIR,
  REDIS_PORT: String(PORTS.redis),
  ES_PORT: String(PORTS.es),
  MONGO_PORT: String(PORTS.mongo),
  ES_HEAP: process.env.FAULTS_ES_HEAP ?? '640m',
});

const appEnv: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: 'production',
  PORT: String(PORTS.api),
  // Production settings, so a cursor secret of the run's own.
  CURSOR_SECRET: randomBytes(32).toString('hex'),
  MONGODB_URI: `mongodb://127.0.0.1:${PORTS.mongo}/contacts_faults`,
  ELASTICSEARCH_URL: `http://127.0.0.1:${PORTS.es}`,
  REDIS_URL: `redis://127.0.0.1:${PORTS.redis}`,
  CONTACTS_INDEX: 'contacts_faults',
  QUEUE_PREFIX: `faults-${Date.now()}`,
  // The sweep is what recovers writes whose sync job was lost: often, for the suite.
  SWEEP_EVERY_MS: '1000',
  SWEEP_GRACE_MS: '2000',
  DELIVERY_SWEEP_GRACE_MS: '2000',
  // Case a's SMS provider listens on loopback.
  OUTBOUND_ALLOWED_HOSTS: '127.0.0.1',
  SHUTDOWN_TIMEOUT_MS: '10000',
  UPLOAD_DIR: path.join(SERVICES_DIR, 'uploads'),
  ENFORCE_ID_ONLY: 'false',
  LOG_LEVEL: 'warn',
};
const API = `http://127.0.0.1:${PORTS.api}`;


// ---------- services and processes ----------

function run(command: string, argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { env, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${argv.join(' ')} exited ${code}`))));
  });
}

/** Async, so that the write load keeps running while a service stops or starts. */
const services = (action: 'up' | 'down', name?: 'redis' | 'es' | 'ferretdb') =>
  run('bash', [path.join(ROOT, 'scripts/services.sh'), action, ...(name ? [name] : [])], serviceEnv);

interface AppProcess {
  name: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}
const running = new Set<AppProcess>();

function startApp(name: 'api' | 'worker', extraEnv: NodeJS.ProcessEnv = {}): AppProcess {
  const entry = name === 'api' ? 'src/main-api.ts' : 'src/main-worker.ts';
  const nodeArgs = name === 'worker' ? WORKER_NODE_ARGS : [];
  const log = openSync(path.join(LOGS, `${name}.log`), 'a');
  const child = spawn(process.execPath, [...nodeArgs, '-r', 'ts-node/register/transpile-only', path.join(ROOT, entry)], {
    env: { ...appEnv, WITH_WORKER: 'false', ...extraEnv },
    stdio: ['ignore', log, log],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const proc = { name, child, exited };
  running.add(proc);
  void exited.then(() => running.delete(proc));
  return proc;
}

async function stopApp(proc: AppProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill(signal);
  await proc.exited;
}

async function waitForApi(timeoutMs = 180000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fetch(`${API}/health`).then((r) => r.ok, () => false))) {
    if (Date.now() > deadline) throw new Error('the API did not start');
    await sleep(200);
  }
}

async function startApiAndWorker() {
  const api = startApp('api');
  const worker = startApp('worker');
  await waitForApi();
  return { api, worker };
}

// ---------- the suite's own view of MongoDB and the index ----------

let deps: Dependencies;

/** Retries an operation of the suite's own while a service comes back. */
async function retrying<T>(what: string, fn: () => Promise<T>, timeoutMs = 60000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${what}: ${(err as Error).message}`);
      await sleep(500);
    }
  }
}

interface Account {
  id: number;
  token: string;
}

async function createAccount(name: string): Promise<Account> {
  const account = await deps.services.accounts.createAccount(`faults ${name}`);
  const admin = await deps.services.accounts.createUser({ accountId: account.id, role: 'administrator', name: 'Faults', email: `faults-${name}-${Date.now()}@faults.test` });
  return { id: account.id, token: admin.accessToken };
}

async function indexCount(accountId: number): Promise<number> {
  await deps.es.indices.refresh({ index: deps.index });
  return (await deps.es.count({ index: deps.index, query: { term: { account_id: String(accountId) } } })).count;
}

// ---------- steady writes through HTTP ----------

interface WriteResult {
  at: number;
  ms: number;
  status: number | string;
}

/** POST /contacts at a steady rate, each with a unique email; remembers what was acknowledged. */
function steadyWrites(account: Account, tag: string, options: { perSecond: number; concurrency: number }) {
  const acked = new Map<string, number>();
  const attempted = new Set<string>();
  const results: WriteResult[] = [];
  let inFlight = 0;
  let skipped = 0;
  let n = 0;
  let stopped = false;
  const pending = new Set<Promise<void>>();

  async function one() {
    const email = `${tag}-${++n}@faults.test`;
    attempted.add(email);
    inFlight++;
    const t = performance.now();
    const at = Date.now();
    try {
      const res = await fetch(`${API}/api/v1/accounts/${account.id}/contacts`, {
        method: 'POST',
        headers: { api_access_token: account.token, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Fault ${tag} ${n}`, email }),
        signal: AbortSignal.timeout(20000),
      });
      const body = (await res.json().catch(() => ({}))) as { payload?: { contact?: { id: number } } };
      if (res.status === 200 && body.payload?.contact) acked.set(email, body.payload.contact.id);
      results.push({ at, ms: performance.now() - t, status: res.status });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      results.push({ at, ms: performance.now() - t, status: e.cause?.code ?? e.name });
    } finally {
      inFlight--;
    }
  }

  const timer = setInterval(() => {
    if (stopped) return;
    if (inFlight >= options.concurrency) {
      skipped++;
      return;
    }
    const p = one();
    pending.add(p);
    void p.finally(() => pending.delete(p));
  }, 1000 / options.perSecond);

  return {
    acked,
    attempted,
    results,
    inFlight: () => inFlight,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await Promise.all(pending);
      return { skipped };
    },
  };
}

/** Status counts and latency of the writes started within [from, to). */
function between(results: WriteResult[], from: number, to: number) {
  const inside = results.filter((r) => r.at >= from && r.at < to);
  const byStatus = countStatuses(inside.map((r) => r.status));
  const ok = inside.filter((r) => r.status === 200).map((r) => r.ms);
  const all = inside.map((r) => r.ms);
  return { count: inside.length, byStatus, okP50: ok.length ? percentile(ok, 50) : undefined, okP95: ok.length ? percentile(ok, 95) : undefined, p95: all.length ? percentile(all, 95) : undefined, max: all.length ? Math.max(...all) : undefined };
}

const countStatuses = (statuses: (number | string)[]) => {
  const byStatus: Record<string, number> = {};
  for (const status of statuses) byStatus[status] = (byStatus[status] ?? 0) + 1;
  return byStatus;
};

const statusText = (byStatus: Record<string, number>) =>
  Object.entries(byStatus)
    .map(([status, count]) => `${count}× ${status}`)
    .join(', ');

// ---------- the end of every case: everything indexed, reconcile clean, counts exact ----------

interface Verdict {
  ok: boolean;
  problems: string[];
  figures: string[];
}

/**
 * Waits until the index holds every contact of the account (the sync jobs and the sweep done;
 * `since` is when the fault ended), then reconciles, which must find nothing to repair. Then the
 * counts: every acknowledged write (`acked`, email → id) is in MongoDB, MongoDB holds nothing
 * but what was `attempted`, and the index holds what MongoDB holds. A write whose answer was cut
 * (the API killed, FerretDB gone after the write) may have landed: it is counted apart.
 */
async function verify(account: Account, acked: Map<string, number>, attempted: Set<string>, verdict: Verdict, since: number): Promise<void> {
  const { contacts, contactKeys, pendingSync } = deps.models;
  const live = () => retrying('counting contacts', () => contacts.find({ account_id: account.id, deleted: false }, { _id: 1, email: 1 }).lean());
  // Indexed: nothing pending for the account and the index holds as many as MongoDB.
  const deadline = Date.now() + 180000;
  let inMongo = await live();
  for (;;) {
    const pendingLeft = await retrying('pending writes', () => pendingSync.countDocuments({ account_id: account.id }));
    const inIndex = await retrying('index count', () => indexCount(account.id));
    inMongo = await live();
    if (!pendingLeft && inIndex === inMongo.length) break;
    if (Date.now() > deadline) {
      verdict.problems.push(`not indexed after 180 s: ${pendingLeft} pending, MongoDB ${inMongo.length}, index ${inIndex}`);
      break;
    }
    await sleep(250);
  }
  verdict.figures.push(`all indexed ${s(Date.now() - since)} after the fault ended`);

  const report = await retrying('reconcile', () => deps.reconcile(account.id));
  const drift = report.behind + report.orphans + report.unkeyed + report.failed.length;
  if (drift) verdict.problems.push(`reconcile found drift: ${JSON.stringify({ behind: report.behind, orphans: report.orphans, unkeyed: report.unkeyed, failed: report.failed.slice(0, 5) })}`);
  verdict.figures.push(`reconcile: ${report.checked} checked, ${report.behind} behind, ${report.orphans} orphans, ${report.unkeyed} unkeyed, ${report.failed.length} failed`);

  const index = await indexCount(account.id);
  const byEmail = new Map(inMongo.map((c) => [c.email!, Number(c._id)]));
  const lost = [...acked].filter(([email, id]) => byEmail.get(email) !== id);
  const strangers = [...byEmail.keys()].filter((email) => !attempted.has(email));
  const landedUnacked = [...byEmail.keys()].filter((email) => attempted.has(email) && !acked.has(email));
  if (lost.length) verdict.problems.push(`${lost.length} acknowledged writes missing from MongoDB, e.g. ${lost.slice(0, 3).map(([e]) => e).join(', ')}`);
  if (strangers.length) verdict.problems.push(`${strangers.length} contacts nobody wrote`);
  if (index !== inMongo.length) verdict.problems.push(`MongoDB holds ${inMongo.length} contacts, the index ${index}`);
  if (inMongo.length !== acked.size + landedUnacked.length) verdict.problems.push(`MongoDB ${inMongo.length} ≠ acknowledged ${acked.size} + landed unacknowledged ${landedUnacked.length}`);

  // Keys: every live contact's email key names it (nothing half-written).
  const keys = await retrying('keys', () => contactKeys.find({ _id: { $in: inMongo.map((c) => contactKeyId(account.id, 'email', c.email!)) } }).lean());
  const keyOwner = new Map(keys.map((k) => [k._id, k.contact_id]));
  const badKeys = inMongo.filter((c) => keyOwner.get(contactKeyId(account.id, 'email', c.email!)) !== Number(c._id));
  if (badKeys.length) verdict.problems.push(`${badKeys.length} contacts whose email key does not name them`);
  verdict.figures.push(
    `MongoDB ${inMongo.length} = index ${index} = acknowledged ${acked.size}${landedUnacked.length ? ` + ${landedUnacked.length} landed whose answer was cut` : ''}`,
  );
}

/** A list whose lines are printed as they are added, so that a long case shows where it is. */
function printed(prefix: string): string[] {
  const lines: string[] = [];
  lines.push = (...added: string[]) => {
    for (const line of added) console.log(`   ${prefix}${line}`);
    return Array.prototype.push.apply(lines, added);
  };
  return lines;
}

// ---------- outbound messages ----------

/**
 * An SMS provider on loopback in Twilio's shape that answers 503 until `up()`: the messages sent
 * meanwhile wait in the queue for their retry. Counts the messages it accepted, by their text.
 */
async function flakySmsProvider() {
  let accepting = false;
  const accepted = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (!accepting) return void res.writeHead(503, { 'content-type': 'application/json' }).end('{"message":"down for the test"}');
      const text = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('Body') ?? '';
      accepted.set(text, (accepted.get(text) ?? 0) + 1);
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ sid: `SM${accepted.size}`, status: 'queued' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    accepted,
    up: () => (accepting = true),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Sends `count` SMS through a new inbox of the provider, to new contacts: their texts and the contacts. */
async function sendMessages(account: Account, providerUrl: string, count: number): Promise<{ text: string; contactId: number }[]> {
  const call = async <T>(method: string, route: string, body: object): Promise<T> => {
    const res = await fetch(`${API}/api/v1/accounts/${account.id}${route}`, { method, headers: { api_access_token: account.token, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status !== 200) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const inbox = await call<{ id: number }>('POST', '/inboxes', { name: 'Faults SMS', channel: { type: 'sms', provider_url: providerUrl, account_sid: 'AC1', auth_token: 'token', phone_number: '+15550001111' } });
  const sent: { text: string; contactId: number }[] = [];
  for (let i = 0; i < count; i++) {
    const contact = await call<{ payload: { contact: { id: number } } }>('POST', '/contacts', { name: `Texted ${i}`, phone_number: `+1415555${String(1000 + i)}` });
    const text = `Fault message ${i} ${Date.now()}`;
    await call('POST', '/conversations', { inbox_id: inbox.id, contact_id: contact.payload.contact.id, message: { content: text } });
    sent.push({ text, contactId: contact.payload.contact.id });
  }
  return sent;
}

/** The status of each message, read as a client reads it (the contact's conversations). */
async function messageStatuses(account: Account, sent: { text: string; contactId: number }[]): Promise<string[]> {
  return Promise.all(
    sent.map(async ({ text, contactId }) => {
      const res = await fetch(`${API}/api/v1/accounts/${account.id}/contacts/${contactId}/conversations`, { headers: { api_access_token: account.token } });
      const body = (await res.json()) as { payload: { messages: { content: string; status: string }[] }[] };
      return body.payload.flatMap((c) => c.messages).find((m) => m.content === text)?.status ?? 'missing';
    }),
  );
}

// ---------- the cases ----------

type Case = (verdict: Verdict) => Promise<void>;

/** a. Redis stopped during steady writes, with SMS waiting for their retry; started again empty. */
const redisStopped: Case = async (verdict) => {
  const account = await createAccount('redis');
  const { api, worker } = await startApiAndWorker();
  const outageMs = QUICK ? 5000 : 15000;
  const provider = await flakySmsProvider();
  // In an account of their own (the write counts are the other's). Their first attempt meets the
  // 503: each job waits in Redis for its retry, and is lost with it.
  const texting = await createAccount('redis-sms');
  const messages = await sendMessages(texting, provider.url, 5);
  const load = steadyWrites(account, 'redis', { perSecond: 20, concurrency: 8 });
  try {
    await sleep(3000);
    const down = Date.now();
    await services('down', 'redis');
    const stopped = Date.now();
    await sleep(outageMs);
    const upStart = Date.now();
    await services('up', 'redis');
    const up = Date.now();
    await sleep(3000);
    await load.stop();
    const during = between(load.results, stopped, upStart);
    verdict.figures.push(
      `Redis down ${s(upStart - down)}: ${during.count} writes meanwhile (${statusText(during.byStatus)}), p50 ${msFig(during.okP50)}, p95 ${msFig(during.okP95)}, max ${msFig(during.max)}`,
    );
    const failed = load.results.filter((r) => r.status !== 200);
    if (failed.length) verdict.problems.push(`${failed.length} writes failed: ${statusText(countStatuses(failed.map((r) => r.status)))}`);
    // Without waiting on Redis: the old 2 s queueing timeout showed as a p95 of 2 s.
    if ((during.okP95 ?? 0) >= 1000) verdict.problems.push(`writes waited while Redis was down: p95 ${msFig(during.okP95)}`);
    await verify(account, load.acked, load.attempted, verdict, up);
    // The delivery sweep queues the messages whose jobs Redis lost; each is sent once.
    provider.up();
    const deadline = Date.now() + 60000;
    let statuses = await messageStatuses(texting, messages);
    while (statuses.some((status) => status !== 'sent') && Date.now() < deadline) {
      await sleep(500);
      statuses = await messageStatuses(texting, messages);
    }
    const sentAfter = Date.now() - up;
    const twice = messages.filter((m) => (provider.accepted.get(m.text) ?? 0) > 1).length;
    verdict.figures.push(`${messages.length} SMS waiting for their retry when Redis went: ${statusText(countStatuses(statuses))} ${s(sentAfter)} after Redis was back, ${twice} sent twice`);
    if (statuses.some((status) => status !== 'sent')) verdict.problems.push(`messages whose jobs Redis lost were not all sent: ${statusText(countStatuses(statuses))}`);
    if (twice) verdict.problems.push(`${twice} messages were sent twice`);
  } finally {
    await load.stop();
    await Promise.all([stopApp(api), stopApp(worker), provider.close()]);
  }
};

/** b. Elasticsearch stopped during steady writes. */
const elasticsearchStopped: Case = async (verdict) => {
  const account = await createAccount('es');
  const { api, worker } = await startApiAndWorker();
  const load = steadyWrites(account, 'es', { perSecond: 20, concurrency: 8 });
  const lists: (number | string)[] = [];
  let listing = false;
  const lister = setInterval(() => {
    if (!listing) return;
    fetch(`${API}/api/v1/accounts/${account.id}/contacts`, { headers: { api_access_token: account.token }, signal: AbortSignal.timeout(20000) }).then(
      (r) => lists.push(r.status),
      (e: Error) => lists.push(e.name),
    );
  }, 1000);
  try {
    await sleep(3000);
    const down = Date.now();
    await services('down', 'es');
    listing = true;
    await sleep(ES_DOWN_MS);
    listing = false;
    const upStart = Date.now();
    await services('up', 'es');
    const up = Date.now();
    await sleep(3000);
    await load.stop();
    const during = between(load.results, down, up);
    verdict.figures.push(
      `Elasticsearch down ${s(up - down)} (stopped ${s(upStart - down)}, then ${s(up - upStart)} to start): ${during.count} writes meanwhile (${statusText(during.byStatus)}), p95 ${msFig(during.okP95)}; lists meanwhile: ${statusText(countStatuses(lists))}`,
    );
    const failed = load.results.filter((r) => r.status !== 200);
    if (failed.length) verdict.problems.push(`${failed.length} writes failed: ${statusText(countStatuses(failed.map((r) => r.status)))}`);
    const bad = lists.filter((status) => status !== 503);
    if (bad.length) verdict.problems.push(`lists answered ${bad.join(', ')} while Elasticsearch was down (503 expected)`);
    await verify(account, load.acked, load.attempted, verdict, up);
  } finally {
    clearInterval(lister);
    await load.stop();
    await Promise.all([stopApp(api), stopApp(worker)]);
  }
};

// ---------- imports through HTTP ----------

/** A file of `rows` generated contacts, every one new and valid, and the labels it uses. */
async function importFile(account: Account, rows: number): Promise<string> {
  for (const title of GENERATED_LABELS) await deps.services.labels.create(account.id, { title });
  const file = path.join(SERVICES_DIR, `contacts-${rows}.csv`);
  await writeContactsCsv(file, rows, { bad: 0, seed: 7 });
  return file;
}

/** Uploads the file as a user does; answers a function that reads the import's status. */
async function uploadImport(account: Account, file: string): Promise<() => Promise<ImportPayload>> {
  const form = new FormData();
  form.append('import_file', await openAsBlob(file, { type: 'text/csv' }), path.basename(file));
  const res = await fetch(`${API}/api/v1/accounts/${account.id}/contacts/import`, { method: 'POST', headers: { api_access_token: account.token }, body: form });
  const started = (await res.json()) as { payload: ImportPayload };
  if (res.status !== 200) throw new Error(`upload: ${res.status} ${JSON.stringify(started)}`);
  return async () => {
    const r = await fetch(`${API}/api/v1/accounts/${account.id}/contacts/imports/${started.payload.id}`, { headers: { api_access_token: account.token } });
    return ((await r.json()) as { payload: ImportPayload }).payload;
  };
}

/** Polls until `until` holds for the import's status, or it has finished; at most `timeoutMs`. */
async function importReaches(status: () => Promise<ImportPayload>, until: (at: ImportPayload) => boolean, timeoutMs: number, pollMs: number): Promise<ImportPayload> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const at = await status();
    if (until(at) || at.status === 'completed' || at.status === 'failed') return at;
    if (Date.now() > deadline) throw new Error(`the import did not get there within ${s(timeoutMs)}: ${JSON.stringify(at)}`);
    await sleep(pollMs);
  }
}

/**
 * The end of an import case: completed, every row of the file created once (the import's own
 * counts and MongoDB's), then what every case checks, with the import's contacts as the
 * acknowledged writes.
 */
async function verifyImport(account: Account, done: ImportPayload, rows: number, verdict: Verdict, since: number): Promise<void> {
  if (done.status !== 'completed') verdict.problems.push(`the import ${done.status}: ${done.error}`);
  if (done.created !== rows || done.rejected !== 0) verdict.problems.push(`the import counted ${done.created} created, ${done.rejected} rejected of ${rows} rows`);
  const inMongo = await deps.models.contacts.find({ account_id: account.id, deleted: false }, { _id: 1, email: 1 }).lean();
  const emails = new Set(inMongo.map((c) => c.email));
  if (emails.size !== inMongo.length) verdict.problems.push(`${inMongo.length - emails.size} duplicate contacts`);
  const acked = new Map(inMongo.map((c) => [c.email!, Number(c._id)]));
  if (inMongo.length !== rows) verdict.problems.push(`MongoDB holds ${inMongo.length} contacts for ${rows} rows`);
  await verify(account, acked, new Set(acked.keys()), verdict, since);
}

/** c. The worker killed with -9 in the middle of an import. */
const workerKilledDuringImport: Case = async (verdict) => {
  const account = await createAccount('import');
  const rows = QUICK ? 6000 : 30000;
  const file = await importFile(account, rows);
  const { api, worker } = await startApiAndWorker();
  let second: AppProcess | undefined;
  try {
    const status = await uploadImport(account, file);
    // Kill it once a third of the file is in, between batches or in the middle of one.
    const at = await importReaches(status, (p) => p.created >= rows / 3, 300000, 50);
    if (at.status !== 'processing') throw new Error(`the import was ${at.status} before the worker could be killed; use more rows`);
    worker.child.kill('SIGKILL');
    await worker.exited;
    const killed = Date.now();
    verdict.figures.push(`worker killed at ${at.created} of ${rows} rows created`);
    second = startApp('worker');
    let resumed = 0;
    const done = await importReaches(
      status,
      (p) => {
        if (!resumed && p.created > at.created) resumed = Date.now();
        return false;
      },
      300000,
      250,
    );
    const finished = Date.now();
    verdict.figures.push(`a new worker resumed it after ${s((resumed || finished) - killed)} (bull's stalled-job check), completed ${s(finished - killed)} after the kill`);
    await verifyImport(account, done, rows, verdict, finished);
  } finally {
    await Promise.all([stopApp(api), stopApp(worker), ...(second ? [stopApp(second)] : [])]);
  }
};

/**
 * g. Elasticsearch stopped for --es-down-ms while an import runs: the import must complete with
 * every row created once, and every contact it wrote indexed once Elasticsearch is back.
 */
const elasticsearchStoppedDuringImport: Case = async (verdict) => {
  const account = await createAccount('es-import');
  const rows = 6000;
  const file = await importFile(account, rows);
  const { api, worker } = await startApiAndWorker();
  try {
    const status = await uploadImport(account, file);
    // Once the first batch is in: the rest of the file meets an index that is gone.
    const at = await importReaches(status, (p) => p.created > 0, 300000, 50);
    if (at.status !== 'processing') throw new Error(`the import was ${at.status} before Elasticsearch could be stopped; use more rows`);
    const down = Date.now();
    await services('down', 'es');
    const stopped = Date.now();
    let meanwhile = await status();
    let endedAt = 0;
    while (Date.now() - stopped < ES_DOWN_MS) {
      await sleep(500);
      meanwhile = await status();
      if (!endedAt && (meanwhile.status === 'completed' || meanwhile.status === 'failed')) endedAt = Date.now();
    }
    const upStart = Date.now();
    await services('up', 'es');
    const up = Date.now();
    const pendingAtUp = await deps.models.pendingSync.countDocuments({ account_id: account.id });
    verdict.figures.push(
      `Elasticsearch stopped at ${at.created} of ${rows} rows created; down ${s(up - down)} (stopped ${s(stopped - down)}, then ${s(ES_DOWN_MS)}, then ${s(up - upStart)} to start)`,
    );
    verdict.figures.push(
      `while it was down the import ${endedAt ? `${meanwhile.status} ${s(endedAt - down)} after the stop` : `was ${meanwhile.status} at ${meanwhile.created} created`}; once it was back: ${pendingAtUp} contacts pending`,
    );
    const done = await importReaches(status, () => false, 300000, 250);
    const finished = Date.now();
    const attempts = (await deps.models.contactImports.findById(done.id).lean())?.attempts;
    verdict.figures.push(`the import ${done.status} ${s((endedAt || finished) - down)} after the stop, in ${attempts} attempt${attempts === 1 ? '' : 's'}: ${done.created} created, ${done.updated} updated, ${done.rejected} rejected`);
    await verifyImport(account, done, rows, verdict, up);
  } finally {
    await Promise.all([stopApp(api), stopApp(worker)]);
  }
};

/** d. The MongoDB-wire server restarted during steady writes. */
const mongoRestarted: Case = async (verdict) => {
  const account = await createAccount('mongo');
  const { api, worker } = await startApiAndWorker();
  const load = steadyWrites(account, 'mongo', { perSecond: 20, concurrency: 8 });
  try {
    await sleep(3000);
    const down = Date.now();
    await services('down', 'ferretdb');
    await sleep(QUICK ? 3000 : 8000);
    await services('up', 'ferretdb');
    const up = Date.now();
    // Writes go on until 3 s in a row all succeed (or 60 s pass): the recovery time is a figure.
    while (Date.now() - up < 60000) {
      await sleep(500);
      const recent = load.results.filter((r) => r.at >= Date.now() - 3000 && r.at >= up);
      if (Date.now() - up > 3000 && recent.length && recent.every((r) => r.status === 200)) break;
    }
    await load.stop();
    const during = between(load.results, down, up);
    verdict.figures.push(`FerretDB down ${s(up - down)}: ${during.count} writes meanwhile (${statusText(during.byStatus)}), p95 ${msFig(during.p95)}, max ${msFig(during.max)}`);
    const failedAfter = load.results.filter((r) => r.at >= up && r.status !== 200);
    const lastFailure = failedAfter.length ? Math.max(...failedAfter.map((r) => r.at)) : up;
    verdict.figures.push(`after it was back: ${statusText(between(load.results, up, Infinity).byStatus)}; the last failure ${s(lastFailure - up)} after`);
    const wrong = load.results.filter((r) => r.status !== 200 && r.status !== 503);
    if (wrong.length) verdict.problems.push(`answers other than 200 or 503: ${statusText(countStatuses(wrong.map((r) => r.status)))}`);
    if ((during.max ?? 0) > 5000) verdict.problems.push(`a request hung ${msFig(during.max)} while FerretDB was down`);
    if (lastFailure - up > 15000) verdict.problems.push(`writes still failing ${s(lastFailure - up)} after FerretDB was back`);
    await verify(account, load.acked, load.attempted, verdict, up);
  } finally {
    await load.stop();
    await Promise.all([stopApp(api), stopApp(worker)]);
  }
};

/** e. The API killed with -9 and started again with requests in flight. */
const apiKilled: Case = async (verdict) => {
  const account = await createAccount('api');
  let { api } = await startApiAndWorker();
  const worker = [...running].find((p) => p.name === 'worker')!;
  const load = steadyWrites(account, 'api', { perSecond: 40, concurrency: 16 });
  try {
    await sleep(3000);
    const inFlight = load.inFlight();
    api.child.kill('SIGKILL');
    await api.exited;
    const killed = Date.now();
    api = startApp('api');
    await waitForApi();
    const up = Date.now();
    await sleep(3000);
    await load.stop();
    const cut = load.results.filter((r) => r.status !== 200);
    verdict.figures.push(`killed with ${inFlight} requests in flight; back after ${s(up - killed)}; ${cut.length} requests without an answer or refused (${statusText(countStatuses(cut.map((r) => r.status)))})`);
    const wrong = cut.filter((r) => typeof r.status === 'number');
    if (wrong.length) verdict.problems.push(`HTTP errors: ${statusText(countStatuses(wrong.map((r) => r.status)))}`);
    await verify(account, load.acked, load.attempted, verdict, up);
  } finally {
    await load.stop();
    await Promise.all([stopApp(api), stopApp(worker)]);
  }
};

/**
 * A POST on a connection of its own whose body is sent in two halves: after the first, the API
 * has surely accepted the request and is reading it, so it is in flight when `finish` sends the
 * rest.
 */
function slowPost(account: Account, email: string) {
  const body = JSON.stringify({ name: 'Shutdown', email });
  const half = Math.floor(body.length / 2);
  let req!: http.ClientRequest;
  const answer = new Promise<{ status: number | string; id?: number }>((resolve) => {
    req = http.request(
      `${API}/api/v1/accounts/${account.id}/contacts`,
      { method: 'POST', agent: false, headers: { api_access_token: account.token, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, id: (JSON.parse(text || '{}') as { payload?: { contact?: { id: number } } }).payload?.contact?.id }));
        res.on('error', (e: NodeJS.ErrnoException) => resolve({ status: e.code ?? e.message }));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ status: e.code ?? e.message }));
    req.write(body.slice(0, half));
  });
  return {
    finish() {
      req.end(body.slice(half));
      return answer;
    },
  };
}

/** f. SIGTERM: in-flight requests finish; the process exits in time even with a dependency gone. */
const sigterm: Case = async (verdict) => {
  const account = await createAccount('sigterm');
  const timeoutMs = Number(appEnv.SHUTDOWN_TIMEOUT_MS);
  const acked = new Map<string, number>();
  const attempted = new Set<string>();

  // 1. Requests in flight when SIGTERM arrives get their answers; the process exits 0.
  let { api, worker } = await startApiAndWorker();
  // A few writes first: a cold process (ts-node, mongoose, JIT) on a busy machine is slow.
  const warm = steadyWrites(account, 'warm', { perSecond: 10, concurrency: 2 });
  await sleep(2000);
  await warm.stop();
  for (const [email, id] of warm.acked) acked.set(email, id);
  for (const email of warm.attempted) attempted.add(email);
  const requests = Array.from({ length: 20 }, (_, i) => {
    const email = `sigterm-${i}@faults.test`;
    attempted.add(email);
    return { email, post: slowPost(account, email) };
  });
  await sleep(500);
  const t = Date.now();
  api.child.kill('SIGTERM');
  await sleep(300);
  const answers = await Promise.all(requests.map(async ({ email, post }) => {
    const r = await post.finish();
    if (r.status === 200 && r.id) acked.set(email, r.id);
    return r;
  }));
  const late = await fetch(`${API}/health`).then((r) => r.status, (e: Error & { cause?: { code?: string } }) => e.cause?.code ?? e.name);
  const exit = await api.exited;
  verdict.figures.push(
    `API, SIGTERM with 20 requests in flight (half their body sent): ${statusText(countStatuses(answers.map((a) => a.status)))}; a new request meanwhile: ${late}; exited ${exit.code ?? exit.signal} ${s(exit.at - t)} after the signal`,
  );
  if (exit.code !== 0) verdict.problems.push(`the API exited ${exit.code ?? exit.signal} after a clean SIGTERM`);
  const cut = answers.filter((a) => a.status !== 200);
  if (cut.length) verdict.problems.push(`${cut.length} requests in flight did not finish: ${cut.map((a) => a.status).join(', ')}`);

  // 2. The database server already gone: the API and the worker still exit, within the deadline.
  api = startApp('api');
  await waitForApi();
  await services('down', 'ferretdb');
  let t2 = Date.now();
  api.child.kill('SIGTERM');
  worker.child.kill('SIGTERM');
  const [apiExit, workerExit] = await Promise.all([api.exited, worker.exited]);
  verdict.figures.push(
    `FerretDB gone: the API exited ${apiExit.code ?? apiExit.signal} after ${s(apiExit.at - t2)}, the worker ${workerExit.code ?? workerExit.signal} after ${s(workerExit.at - t2)} (deadline ${s(timeoutMs)})`,
  );
  for (const [name, e] of [['API', apiExit], ['worker', workerExit]] as const) {
    if (e.signal || e.at - t2 > timeoutMs + 2000) verdict.problems.push(`the ${name} did not exit by itself within the deadline`);
  }
  await services('up', 'ferretdb');

  // 3. Redis gone: the same (once the new worker has started: one that cannot reach Redis while
  // starting exits 1 at once, which is not what this step measures).
  ({ api, worker } = await startApiAndWorker());
  await sleep(5000);
  await services('down', 'redis');
  t2 = Date.now();
  api.child.kill('SIGTERM');
  worker.child.kill('SIGTERM');
  const [apiExit2, workerExit2] = await Promise.all([api.exited, worker.exited]);
  verdict.figures.push(
    `Redis gone: the API exited ${apiExit2.code ?? apiExit2.signal} after ${s(apiExit2.at - t2)}, the worker ${workerExit2.code ?? workerExit2.signal} after ${s(workerExit2.at - t2)}`,
  );
  for (const [name, e] of [['API', apiExit2], ['worker', workerExit2]] as const) {
    if (e.signal || e.at - t2 > timeoutMs + 2000) verdict.problems.push(`the ${name} did not exit by itself within the deadline with Redis gone`);
  }
  await services('up', 'redis');

  // What was acknowledged before the first SIGTERM is all there and indexed.
  ({ api, worker } = await startApiAndWorker());
  try {
    await verify(account, acked, attempted, verdict, Date.now());
  } finally {
    await Promise.all([stopApp(api), stopApp(worker)]);
  }
};

const ALL: Record<string, [string, Case]> = {
  a: ['Redis stopped during steady writes', redisStopped],
  b: [`Elasticsearch stopped ${s(ES_DOWN_MS)} during steady writes`, elasticsearchStopped],
  c: ['the worker killed -9 in the middle of an import', workerKilledDuringImport],
  d: ['FerretDB restarted during steady writes', mongoRestarted],
  e: ['the API killed -9 with requests in flight', apiKilled],
  f: ['SIGTERM with requests in flight, and with a dependency gone', sigterm],
  g: [`Elasticsearch stopped ${s(ES_DOWN_MS)} during an import`, elasticsearchStoppedDuringImport],
};

async function main() {
  const unknown = CASES.filter((c) => !ALL[c]);
  if (unknown.length) throw new Error(`unknown cases ${unknown.join(', ')}; cases are ${Object.keys(ALL).join(', ')}`);
  mkdirSync(LOGS, { recursive: true });
  rmSync(path.join(SERVICES_DIR, 'uploads'), { recursive: true, force: true });
  const t0 = Date.now();
  console.log(`fault suite (${QUICK ? 'quick' : 'full'}): own services on Redis :${PORTS.redis}, Elasticsearch :${PORTS.es}, FerretDB :${PORTS.mongo}; API :${PORTS.api}; logs in ${path.relative(ROOT, LOGS)}`);
  await services('up');
  const verdicts: [string, Verdict][] = [];
  try {
    deps = await freshDependencies(appEnv);
    for (const key of CASES) {
      const [title, run] = ALL[key];
      const verdict: Verdict = { ok: false, problems: printed('PROBLEM: '), figures: printed('') };
      const t = Date.now();
      console.log(`\n${key}. ${title}`);
      try {
        await run(verdict);
      } catch (err) {
        verdict.problems.push(`stopped: ${(err as Error).stack ?? err}`);
      }
      verdict.ok = !verdict.problems.length;
      console.log(`   ${verdict.ok ? 'ok' : 'FAILED'} in ${s(Date.now() - t)}`);
      verdicts.push([`${key}. ${title}`, verdict]);
    }
  } finally {
    for (const proc of running) proc.child.kill('SIGKILL');
    await deps?.close().catch(() => undefined);
    if (!args['keep-services']) await services('down');
  }
  console.log(`\n${verdicts.filter(([, v]) => v.ok).length} of ${verdicts.length} cases ok in ${s(Date.now() - t0)}:`);
  for (const [title, v] of verdicts) console.log(`  ${v.ok ? 'ok    ' : 'FAILED'} ${title}`);
  process.exitCode = verdicts.every(([, v]) => v.ok) ? 0 : 1;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  for (const proc of running) proc.child.kill('SIGKILL');
  process.exit(1);
});
