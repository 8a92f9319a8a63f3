// Import, export and write-path benchmark (not a test). Generates a CSV of N contacts with a
// share of bad rows, uploads it through the HTTP API into an empty account, and measures the
// time until the import completes and until every imported contact is searchable, the rows per
// second, and the memory of the API and the worker; then exports every contact through the HTTP
// API. Then, with those N contacts in the account: the first sweep, contact creates from one
// and from 8 clients, changes of email, website pre-chat merges, an import of N/10 rows half of
// which match existing contacts, and the deletion of a label about N/8 contacts carry (until
// the index no longer holds it on any). Prints the figures.
//
//   npm run bench:import                       # 1,000,000 rows
//   BENCH_IMPORT_ROWS=100000 npm run bench:import
//   npm run bench:import -- --writes-only      # only the writes, on the account a full run left
//   npm run bench:import -- --requests-only    # of those, only the single requests (no import, no label deletion)
//   npm run bench:import -- --definitions      # delete, then define again, the custom attribute the mixed imports add
//   npm run bench:import -- --bulk-delete      # delete by a bulk action the smallest batch a mixed import made
//   npm run bench:import -- --rename-label     # rename a label the file put on an eighth of the rows, then back
//   npm run bench:import -- --export           # export every contact by id, by last activity and by name
//
// Uses its own database and index (contacts_import_bench), emptied at the start of every run;
// the generated file is kept under .local/bench/ and reused by the next run of the same size.
import { existsSync, mkdirSync, openAsBlob } from 'node:fs';
import { rename } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { createDependencies } from '../src/dependencies';
import type { ImportPayload } from '../src/import/contact-import.presenter';
import { createLogger } from '../src/shared/logger';
import { csvLine } from '../src/shared/csv';
import { searchFieldOf } from '../src/records/custom-attribute-fields';
import { GENERATED_LABELS, generateRows, writeContactsCsv } from './generate-contacts-csv';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { percentile } from './bench-support';
import { API_NODE_ARGS, cpuMeter, servicePids, peakMemoryMb, residentMemoryMb, startProcess, waitForHealth, WORKER_NODE_ARGS } from './bench-support';

const N = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);
const BAD_SHARE = Number(process.env.BENCH_IMPORT_BAD ?? 0.02);
const PORT = Number(process.env.BENCH_PORT ?? 3902);
const NAME = 'contacts_import_bench';
const ROOT = path.resolve(__dirname, '..');
const env = {
  ...process.env,
  MONGODB_URI: process.env.BENCH_MONGODB_URI ?? `mongodb://127.0.0.1:27017/${NAME}`,
  CONTACTS_INDEX: NAME,
  QUEUE_PREFIX: NAME,
  UPLOAD_DIR: path.join(ROOT, '.local', 'bench', 'uploads'),
  IMPORT_MAX_BYTES: String(2 * 1024 * 1024 * 1024),
  // The benchmark runs the first sweep itself, to time it.
  SWEEP_EVERY_MS: '3600000',
  LOG_LEVEL: 'warn',
  // The website visitors it creates would meet the public API's per-address limit when runs follow each other.
  PUBLIC_RATE_LIMIT: '1000000',
  PORT: String(PORT),
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const n = (v: number) => v.toLocaleString('en-US');

/** Empties the benchmark's database and index, then creates the account, its admin and the file's labels. */
async function prepareAccount(): Promise<{ accountId: number; token: string }> {
  const config = loadConfig(env);
  const deps = await createDependencies(config, createLogger('warn'));
  try {
    await deps.conn.db!.dropDatabase();
    if (await deps.es.indices.existsAlias({ name: NAME })) {
      const indices = Object.keys(await deps.es.indices.getAlias({ name: NAME }));
      await deps.es.indices.delete({ index: indices });
    }
    await deps.ensureIndex();
    const account = await deps.services.accounts.createAccount('import bench');
    const admin = await deps.services.accounts.createUser({ accountId: account.id, role: 'administrator', name: 'Bench', email: `bench-${Date.now()}@bench.local` });
    for (const title of GENERATED_LABELS) await deps.services.labels.create(account.id, { title });
    return { accountId: account.id, token: admin.accessToken };
  } finally {
    await deps.close();
  }
}

async function generatedFile(): Promise<string> {
  const dir = path.join(ROOT, '.local', 'bench');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `contacts-${N}-bad${BAD_SHARE}.csv`);
  if (!existsSync(file)) {
    const t = Date.now();
    await writeContactsCsv(`${file}.partial`, N, { bad: BAD_SHARE, seed: 1 });
    await rename(`${file}.partial`, file);
    console.log(`generated ${file} in ${seconds(Date.now() - t)}`);
  }
  return file;
}

/** Milliseconds Elasticsearch's nodes have spent indexing, merging and refreshing since they started (all indices). */
async function elasticsearchWork(): Promise<{ indexing: number; merging: number; refreshing: number }> {
  const stats = (await (await fetch(`${loadConfig(env).ELASTICSEARCH_URL}/_nodes/stats/indices/indexing,merge,refresh`)).json()) as {
    nodes: Record<string, { indices: { indexing: { index_time_in_millis: number }; merges: { total_time_in_millis: number }; refresh: { total_time_in_millis: number } } }>;
  };
  const nodes = Object.values(stats.nodes);
  const sum = (of: (n: (typeof nodes)[number]) => number) => nodes.reduce((total, node) => total + of(node), 0);
  return {
    indexing: sum((n) => n.indices.indexing.index_time_in_millis),
    merging: sum((n) => n.indices.merges.total_time_in_millis),
    refreshing: sum((n) => n.indices.refresh.total_time_in_millis),
  };
}

/** Highest resident memory of each process between start() and stop(), sampled every 250 ms. */
function memorySampler(pids: Record<string, number>) {
  const highest: Record<string, number> = {};
  const first: Record<string, number> = {};
  let timer: NodeJS.Timeout | undefined;
  const sample = () => {
    for (const [name, pid] of Object.entries(pids)) {
      const rss = residentMemoryMb(pid);
      first[name] ??= rss;
      highest[name] = Math.max(highest[name] ?? 0, rss);
    }
  };
  return {
    start() {
      sample();
      timer = setInterval(sample, 250);
    },
    stop() {
      clearInterval(timer);
      sample();
      return Object.fromEntries(Object.keys(pids).map((name) => [name, { start: first[name], max: highest[name] }]));
    },
  };
}


async function getJson<T>(url: string, token: string): Promise<T> {
  const res = await fetch(url, { headers: { api_access_token: token } });
  const body = (await res.json()) as T;
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

async function postJson<T>(url: string, token: string | undefined, body: unknown, method = 'POST'): Promise<{ ms: number; status: number; body: T }> {
  const t = performance.now();
  const res = await fetch(url, { method, headers: { ...(token ? { api_access_token: token } : {}), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as T;
  return { ms: performance.now() - t, status: res.status, body: json };
}

/** Uploads a CSV and waits until its import completes; answers the status and the time it took. */
async function runImport(base: string, token: string, file: string, log = false): Promise<{ status: ImportPayload; uploadMs: number; completedMs: number; t0: number }> {
  const t0 = Date.now();
  const form = new FormData();
  form.append('import_file', await openAsBlob(file, { type: 'text/csv' }), path.basename(file));
  const res = await fetch(`${base}/import`, { method: 'POST', headers: { api_access_token: token }, body: form });
  const started = (await res.json()) as { payload: ImportPayload };
  if (res.status !== 200) throw new Error(`upload: ${res.status} ${JSON.stringify(started)}`);
  const uploadMs = Date.now() - t0;
  if (log) console.log(`uploaded ${path.basename(file)} in ${seconds(uploadMs)}; import ${started.payload.id} ${started.payload.status}`);
  let status: ImportPayload;
  let lastPrint = 0;
  for (;;) {
    status = (await getJson<{ payload: ImportPayload }>(`${base}/imports/${started.payload.id}`, token)).payload;
    if (status.status === 'failed') throw new Error(`import failed: ${status.error}`);
    if (status.status === 'completed') break;
    if (log && Date.now() - lastPrint > 10_000) {
      lastPrint = Date.now();
      const rate = status.rows_read / ((Date.now() - t0) / 1000);
      console.log(`  ${seconds(Date.now() - t0).padStart(8)}  ${(status.progress * 100).toFixed(1).padStart(5)}%  rows ${n(status.rows_read)}  ${n(Math.round(rate))} rows/s`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { status, uploadMs, completedMs: Date.now() - t0, t0 };
}

/** Waits until the account has no pending writes left (every write is in the index), then refreshes. */
/** Every contact of the account through POST /contacts/export, by id or in `sort`'s order: its rows, bytes and time. */
async function exportAll(base: string, token: string, sort?: string): Promise<{ rows: number; bytes: number; ms: number }> {
  const started = Date.now();
  const exported = await fetch(`${base}/export`, { method: 'POST', headers: { api_access_token: token, 'content-type': 'application/json' }, body: JSON.stringify(sort ? { sort } : {}) });
  if (exported.status !== 200 || !exported.body) throw new Error(`export: ${exported.status} ${await exported.text()}`);
  let bytes = 0;
  let lines = 0;
  for await (const chunk of exported.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (const byte of chunk) if (byte === 10) lines += 1;
  }
  return { rows: lines - 1, bytes, ms: Date.now() - started };
}

async function waitUntilIndexed(accountId: number, timeoutMs = 30 * 60_000): Promise<void> {
  const deps = await createDependencies(loadConfig(env), createLogger('warn'));
  try {
    const deadline = Date.now() + timeoutMs;
    while (await deps.models.pendingSync.exists({ account_id: accountId })) {
      if (Date.now() > deadline) throw new Error('writes still pending after the timeout');
      await new Promise((r) => setTimeout(r, 100));
    }
    await deps.es.indices.refresh({ index: deps.index });
  } finally {
    await deps.close();
  }
}

const latency = (label: string, times: number[]) =>
  `  ${label.padEnd(58)} p50 ${(percentile(times, 50) ?? 0).toFixed(1).padStart(7)} ms   p95 ${(percentile(times, 95) ?? 0).toFixed(1).padStart(7)} ms   (${times.length} requests)`;

/** The writes of issue 10's budgets, against an account that holds the N imported contacts. */
async function measureWrites(base: string, accountBase: string, token: string, accountId: number, runNumber: number) {
  const run = Date.now().toString(36);
  const existing: { id: number; email: string | null }[] = [];
  let after: string | null = null;
  while (existing.length < 1200) {
    type Page = { meta: { next_cursor: string | null }; payload: { id: number; email: string | null }[] };
    const page: Page = await getJson<Page>(`${base}?sort=name&per_page=500${after ? `&after=${after}` : ''}`, token);
    existing.push(...page.payload.filter((c) => c.email));
    after = page.meta.next_cursor;
  }

  // 1. Creates from one client, then from 8 at once.
  const single: number[] = [];
  for (let i = 0; i < 200; i++) {
    const res = await postJson(base, token, { name: `Bench ${run} ${i}`, email: `bench-${run}-${i}@bench.test`, phone_number: `+51${String(runNumber % 100).padStart(2, '0')}9${String(i).padStart(7, '0')}` });
    if (res.status !== 200) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
    single.push(res.ms);
  }
  const parallel: number[] = [];
  const CLIENTS = 8;
  const PER_CLIENT = 250;
  const tp = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let i = 0; i < PER_CLIENT; i++) {
        const k = c * PER_CLIENT + i;
        const res = await postJson(base, token, { name: `Bench8 ${run} ${k}`, email: `bench8-${run}-${k}@bench.test`, phone_number: `+51${String(runNumber % 100).padStart(2, '0')}8${String(k).padStart(7, '0')}` });
        if (res.status !== 200) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
        parallel.push(res.ms);
      }
    }),
  );
  const parallelSeconds = (performance.now() - tp) / 1000;

  // 2. Changes of email on existing contacts.
  const patches: number[] = [];
  for (let i = 0; i < 200; i++) {
    const res = await postJson(`${base}/${existing[i].id}`, token, { email: `moved-${run}-${i}@bench.test` }, 'PATCH');
    if (res.status !== 200) throw new Error(`patch: ${res.status} ${JSON.stringify(res.body)}`);
    patches.push(res.ms);
  }

  // 3. Pre-chat form of a new website visitor whose email belongs to an existing contact: a merge.
  const inbox = await postJson<{ inbox_identifier: string }>(`${accountBase}/inboxes`, token, { name: `bench ${run}`, channel: { type: 'web_widget', website_url: 'https://bench.example' } });
  if (inbox.status !== 200) throw new Error(`inbox: ${inbox.status} ${JSON.stringify(inbox.body)}`);
  const publicBase = `http://127.0.0.1:${PORT}/public/api/v1/inboxes/${inbox.body.inbox_identifier}/contacts`;
  const merges: number[] = [];
  for (let i = 0; i < 100; i++) {
    const visitor = await postJson<{ source_id: string }>(publicBase, undefined, { name: `Visitor ${run} ${i}` });
    if (visitor.status !== 200) throw new Error(`visitor: ${visitor.status} ${JSON.stringify(visitor.body)}`);
    const res = await postJson<{ id: number }>(`${publicBase}/${visitor.body.source_id}`, undefined, { email: existing[200 + i].email }, 'PATCH');
    if (res.status !== 200) throw new Error(`pre-chat merge: ${res.status} ${JSON.stringify(res.body)}`);
    merges.push(res.ms);
  }
  console.log(`
writes with ${n(N)} contacts in the account, through HTTP:
${latency('POST /contacts with email and phone, 1 client', single)}
${latency(`POST /contacts with email and phone, ${CLIENTS} clients`, parallel)}  ${n(Math.round(parallel.length / parallelSeconds))} creates/s
${latency('PATCH /contacts/{id} changing the email', patches)}
${latency('website visitor typing an existing contact\'s email (merge)', merges)}`);
  if (process.argv.includes('--requests-only')) return;

  // 4. An import of N/10 rows, half of them rows of the first file with one more column (they
  // match their contacts by identifier, email or phone and update them), half new people.
  const mixed = path.join(ROOT, '.local', 'bench', `mixed-${N}-${runNumber}.csv`);
  const half = Math.round(N / 20);
  const out = createWriteStream(mixed);
  let line = 0;
  for (const row of generateRows(half, { bad: BAD_SHARE, seed: 1 })) out.write(csvLine([...row, line++ === 0 ? 'bench_batch' : run], { neutralise: false }));
  let first = true;
  for (const row of generateRows(half, { bad: 0, seed: 2, firstId: 10 * N * runNumber + 1 })) {
    if (first) {
      first = false;
      continue;
    }
    out.write(csvLine([...row, run], { neutralise: false }));
  }
  out.end();
  await once(out, 'finish');
  const mixedImport = await runImport(base, token, mixed);
  await waitUntilIndexed(accountId);
  const mixedSearchableMs = Date.now() - mixedImport.t0;
  const s = mixedImport.status;
  console.log(`
import of ${n(2 * half)} rows into the account (${n(half)} rows of the first file with a new column, ${n(half)} new people):
  completed after             ${seconds(mixedImport.completedMs)}  (${n(s.created)} created, ${n(s.updated)} updated, ${n(s.unchanged)} unchanged, ${n(s.rejected)} rejected)
  all written rows searchable ${seconds(mixedSearchableMs)}`);

  // 5. Delete a label many contacts carry; the index drops it from every one of them.
  const labels = await getJson<{ payload: { id: number; title: string }[] }>(`${accountBase}/labels`, token);
  // A label the generated file put on about an eighth of the rows (an earlier run may have deleted one).
  const label = ['churned', 'customer', 'lead', 'vip'].map((title) => labels.payload.find((l) => l.title === title)).find((l) => !!l);
  if (!label) {
    // Each run deletes one of the four; the fifth on the same data has none left. Said, not thrown,
    // so the run still ends with its memory figures.
    console.log(`
deleting a label: skipped, the four generated labels were deleted by earlier runs (a whole \`npm run bench:import\` seeds the account again)`);
    return;
  }
  const carriers = async () =>
    (await postJson<{ meta: { count: number } }>(`${base}/filter?per_page=1`, token, { payload: [{ attribute_key: 'labels', filter_operator: 'equal_to', values: [label.title] }] })).body.meta.count;
  const before = await carriers();
  const td = Date.now();
  const del = await fetch(`${accountBase}/labels/${label.id}`, { method: 'DELETE', headers: { api_access_token: token } });
  if (del.status !== 200) throw new Error(`label delete: ${del.status} ${await del.text()}`);
  const answeredMs = Date.now() - td;
  let left = before;
  while (left > 0) {
    if (Date.now() - td > 30 * 60_000) throw new Error(`${left} contacts still carry the label after 30 minutes`);
    await new Promise((r) => setTimeout(r, 500));
    left = await carriers();
  }
  console.log(`
deleting the label "${label.title}", carried by ${n(before)} contacts:
  DELETE answered after       ${seconds(answeredMs)}
  no contact carries it in the index after ${seconds(Date.now() - td)}`);
}

/**
 * Creates from one client while a long job runs: how long each create takes, and for every
 * tenth, how long until a search finds it (the job's sync jobs share the worker with it).
 */
function createProbe(accountBase: string, token: string, tag: string) {
  /** Milliseconds until a search finds the contact of this email (its write indexed and refreshed). */
  async function searchableAfter(email: string, since: number): Promise<number> {
    for (;;) {
      const found = await getJson<{ meta: { count: number } }>(`${accountBase}/contacts/search?q=${encodeURIComponent(email)}&per_page=1`, token);
      if (found.meta.count > 0) return performance.now() - since;
      if (performance.now() - since > 600_000) throw new Error(`${email} not searchable after 10 minutes`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  /** Creates until `done` answers true. */
  async function createsUntil(done: () => Promise<boolean>): Promise<{ times: number[]; lags: number[] }> {
    const times: number[] = [];
    const lags: number[] = [];
    const run = Date.now().toString(36);
    for (let i = 0; !(await done()); i++) {
      const email = `${tag}-${run}-${i}@bench.test`;
      const t = performance.now();
      const res = await postJson(`${accountBase}/contacts`, token, { name: `${tag} ${run} ${i}`, email });
      if (res.status !== 200) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
      times.push(res.ms);
      if (i % 10 === 0) lags.push(await searchableAfter(email, t));
      await new Promise((r) => setTimeout(r, 200));
    }
    return { times, lags };
  }
  const lagLine = (lags: number[]) =>
    `  a create searchable after      p50 ${((percentile(lags, 50) ?? 0) / 1000).toFixed(2)} s   p95 ${((percentile(lags, 95) ?? 0) / 1000).toFixed(2)} s   max ${(Math.max(0, ...lags) / 1000).toFixed(2)} s   (${lags.length} creates)`;
  return { createsUntil, lagLine };
}

/**
 * Deletes, by a bulk action on a filter, the smallest batch of contacts a mixed import made (the
 * rows whose `bench_batch` holds one run's mark): how long the request takes to answer and the
 * job to finish, and creates from one client meanwhile (a bulk delete syncs through the background
 * queue, so that a create is not queued behind it).
 */
async function measureBulkDelete(accountBase: string, token: string, accountId: number): Promise<void> {
  const key = 'bench_batch';
  const deps = await createDependencies(loadConfig(env), createLogger('warn'));
  const { createsUntil, lagLine } = createProbe(accountBase, token, 'bulk-delete');
  try {
    const def = ((await deps.models.customAttributeSets.findById(accountId).lean())?.definitions ?? []).find((d) => d.attribute_key === key && !d.retiring && !d.resyncing);
    if (!def) {
      console.log(`
bulk delete: skipped, "${key}" is not defined (a --writes-only run's import defines it)`);
      return;
    }
    const field = searchFieldOf(def);
    const res = await deps.es.search<unknown, { batches: { buckets: { key: string; doc_count: number }[] } }>({
      index: deps.index,
      routing: String(accountId),
      size: 0,
      query: { term: { account_id: accountId } },
      aggs: { batches: { terms: { field, size: 1000 } } },
    });
    const batch = res.aggregations!.batches.buckets.at(-1);
    if (!batch) {
      console.log('\nbulk delete: skipped, no contact holds a batch mark');
      return;
    }
    const t = Date.now();
    const created = await postJson<{ id: number; status: string }>(`${accountBase}/bulk_actions`, token, {
      type: 'Contact',
      payload: [{ attribute_key: key, filter_operator: 'equal_to', values: [batch.key] }],
      action_name: 'delete',
    });
    if (created.status !== 202) throw new Error(`bulk delete: ${created.status} ${JSON.stringify(created.body)}`);
    const answeredMs = Date.now() - t;
    let final = { status: '', processed: 0, changed: 0 };
    const meanwhile = await createsUntil(async () => {
      final = await getJson<typeof final>(`${accountBase}/bulk_actions/${created.body.id}`, token);
      return final.status === 'completed' || final.status === 'failed';
    });
    const doneMs = Date.now() - t;
    console.log(`
a bulk delete of the ${n(batch.doc_count)} contacts of batch "${batch.key}" (a filter on ${key}):
  POST answered after         ${seconds(answeredMs)}
  the job ${final.status} after     ${seconds(doneMs)}  (${n(final.changed)} deleted, ${n(Math.round(final.changed / (doneMs / 1000)))} contacts/s)
${latency('POST /contacts meanwhile, 1 client', meanwhile.times)}
${lagLine(meanwhile.lags)}`);
  } finally {
    await deps.close();
  }
}

/**
 * Deletes the definition of the column every mixed import adds (`bench_batch`, held by the rows of
 * every such import), then defines it again: how long each request takes to answer, how long
 * until its holders are re-indexed (the values out of its slot, then in the new one), and creates
 * from one client meanwhile.
 */
async function measureDefinitionResync(accountBase: string, token: string, accountId: number): Promise<void> {
  const key = 'bench_batch';
  const deps = await createDependencies(loadConfig(env), createLogger('warn'));
  // Read as stored, retiring and resyncing definitions included.
  const stored = async () => ((await deps.models.customAttributeSets.findById(accountId).lean())?.definitions ?? []).filter((d) => d.attribute_key === key);
  const holders = async () =>
    (await postJson<{ meta: { count: number } }>(`${accountBase}/contacts/filter?per_page=1`, token, { payload: [{ attribute_key: key, filter_operator: 'is_present', values: [] }] })).body.meta.count;
  const { createsUntil, lagLine } = createProbe(accountBase, token, 'resync');
  try {
    const [def] = await stored();
    if (!def) {
      console.log(`\ndefinitions: skipped, "${key}" is not defined (a --writes-only run's import defines it)`);
      return;
    }
    const held = await holders();
    const slotField = searchFieldOf(def);
    const td = Date.now();
    const del = await fetch(`${accountBase}/custom_attribute_definitions/${def._id}`, { method: 'DELETE', headers: { api_access_token: token } });
    if (del.status !== 204) throw new Error(`definition delete: ${del.status} ${await del.text()}`);
    const deleteAnsweredMs = Date.now() - td;
    const duringDelete = await createsUntil(async () => !(await stored()).some((d) => d._id === def._id));
    const deleteDoneMs = Date.now() - td;
    await waitUntilIndexed(accountId);
    const leftInSlot = (await deps.es.count({ index: deps.index, routing: String(accountId), query: { bool: { filter: [{ term: { account_id: accountId } }, { exists: { field: slotField } }] } } })).count;

    const tc = Date.now();
    const created = await postJson<{ id: number }>(`${accountBase}/custom_attribute_definitions`, token, { attribute_key: key, attribute_display_type: 'text' });
    if (created.status !== 200) throw new Error(`definition create: ${created.status} ${JSON.stringify(created.body)}`);
    const createAnsweredMs = Date.now() - tc;
    const duringCreate = await createsUntil(async () => !(await stored()).some((d) => d.resyncing));
    const createDoneMs = Date.now() - tc;
    await waitUntilIndexed(accountId);
    const found = await holders();
    console.log(`
the definition of "${key}", held by ${n(held)} contacts:
  DELETE answered after       ${seconds(deleteAnsweredMs)}
  its values out of its slot  ${seconds(deleteDoneMs)}  (${n(Math.round(held / (deleteDoneMs / 1000)))} contacts/s; ${n(leftInSlot)} left in ${slotField} once indexed)
${latency('POST /contacts meanwhile, 1 client', duringDelete.times)}
${lagLine(duringDelete.lags)}
  POST (define again) answered after ${seconds(createAnsweredMs)}
  its holders in the new slot ${seconds(createDoneMs)}  (${n(found)} found by is_present once indexed)
${latency('POST /contacts meanwhile, 1 client', duringCreate.times)}
${lagLine(duringCreate.lags)}`);
  } finally {
    await deps.close();
  }
}

/**
 * Renames one of the file's labels (about an eighth of the contacts carry it), then back, as
 * Chatwoot's dashboard does (PATCH with a title): how long the request takes to answer, how long
 * until the index holds every carrier under the new title and none under the old one, and
 * creates from one client meanwhile. Back again, the account is left as found.
 */
async function measureLabelRename(accountBase: string, token: string): Promise<void> {
  const labels = await getJson<{ payload: { id: number; title: string }[] }>(`${accountBase}/labels`, token);
  const label = GENERATED_LABELS.map((title) => labels.payload.find((l) => l.title === title)).find((l) => !!l);
  if (!label) {
    console.log('\nrenaming a label: skipped, the generated labels were deleted by earlier runs');
    return;
  }
  const carriers = async (title: string) =>
    (await postJson<{ meta: { count: number } }>(`${accountBase}/contacts/filter?per_page=1`, token, { payload: [{ attribute_key: 'labels', filter_operator: 'equal_to', values: [title] }] })).body.meta.count;
  const { createsUntil, lagLine } = createProbe(accountBase, token, 'rename');
  const held = await carriers(label.title);
  for (const [from, to] of [[label.title, `${label.title}-renamed`], [`${label.title}-renamed`, label.title]]) {
    const t = Date.now();
    const res = await fetch(`${accountBase}/labels/${label.id}`, { method: 'PATCH', headers: { api_access_token: token, 'content-type': 'application/json' }, body: JSON.stringify({ title: to }) });
    if (res.status !== 200) throw new Error(`label rename: ${res.status} ${await res.text()}`);
    const answeredMs = Date.now() - t;
    let moved = 0;
    const meanwhile = await createsUntil(async () => {
      if (Date.now() - t > 30 * 60_000) throw new Error(`the rename of "${from}" had not reached every contact after 30 minutes`);
      moved = await carriers(to);
      return moved >= held && (await carriers(from)) === 0;
    });
    const doneMs = Date.now() - t;
    console.log(`
renaming the label "${from}" to "${to}", carried by ${n(held)} contacts:
  PATCH answered after        ${seconds(answeredMs)}
  every carrier under "${to}" in the index after ${seconds(doneMs)}  (${n(moved)} found, ${n(Math.round(held / (doneMs / 1000)))} contacts/s)
${latency('POST /contacts meanwhile, 1 client', meanwhile.times)}
${lagLine(meanwhile.lags)}`);
  }
}

/** The first sweep after the import, timed, with the memory it took (this process runs it). */
async function measureSweep(): Promise<void> {
  const deps = await createDependencies(loadConfig(env), createLogger('warn'));
  try {
    const pending = await deps.models.pendingSync.estimatedDocumentCount();
    const rss = process.memoryUsage().rss;
    const t = Date.now();
    const queued = await deps.sweep();
    console.log(`
first sweep after the import: ${n(pending)} pending writes, ${n(queued)} re-queued, ${seconds(Date.now() - t)}, memory +${((process.memoryUsage().rss - rss) / 2 ** 20).toFixed(0)} MB`);
  } finally {
    await deps.close();
  }
}

type BenchState = { _id: string; accountId: number; token: string; size: number; runs: number };

/** The account a full run made, kept so that `--writes-only` can measure the writes again on it. */
async function benchState(update?: Omit<BenchState, '_id' | 'runs'>): Promise<BenchState | null> {
  const deps = await createDependencies(loadConfig(env), createLogger('warn'));
  try {
    const states = deps.conn.db!.collection<BenchState>('bench_state');
    if (update) await states.replaceOne({ _id: 'import' }, { ...update, runs: 0 }, { upsert: true });
    return await states.findOneAndUpdate({ _id: 'import' }, { $inc: { runs: 1 } }, { returnDocument: 'after' });
  } finally {
    await deps.close();
  }
}

async function main() {
  const writesOnly = ['--writes-only', '--requests-only', '--definitions', '--bulk-delete', '--rename-label', '--export'].some((flag) => process.argv.includes(flag));
  console.log(`import benchmark${writesOnly ? ' (writes only)' : ''}: ${n(N)} rows (${BAD_SHARE * 100}% bad), ${new Date().toISOString()}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`);
  const file = await generatedFile();
  let state: BenchState | null;
  if (writesOnly) {
    state = await benchState();
    if (state?.size !== N) throw new Error(`no account of ${n(N)} imported contacts to measure on: run npm run bench:import first`);
  } else state = await benchState({ ...(await prepareAccount()), size: N });
  const { accountId, token } = state!;
  const api = startProcess('src/main-api.ts', env, API_NODE_ARGS);
  const worker = startProcess('src/main-worker.ts', env, WORKER_NODE_ARGS);
  try {
    await waitForHealth(PORT);
    const base = `http://127.0.0.1:${PORT}/api/v1/accounts/${accountId}/contacts`;
    if (process.argv.includes('--definitions')) {
      await measureDefinitionResync(base.replace(/\/contacts$/, ''), token, accountId);
      return;
    }
    if (process.argv.includes('--bulk-delete')) {
      await measureBulkDelete(base.replace(/\/contacts$/, ''), token, accountId);
      return;
    }
    if (process.argv.includes('--rename-label')) {
      await measureLabelRename(base.replace(/\/contacts$/, ''), token);
      return;
    }
    if (process.argv.includes('--export')) {
      for (const sort of [undefined, '-last_activity_at', 'name']) {
        const memory = memorySampler({ api: api.pid! });
        memory.start();
        const { rows, bytes, ms } = await exportAll(base, token, sort);
        const during = memory.stop();
        console.log(`export ${sort ? `sorted by ${sort}` : 'by id'}: ${n(rows)} rows, ${(bytes / 2 ** 20).toFixed(0)} MB in ${seconds(ms)} (${n(Math.round(rows / (ms / 1000)))} rows/s), API ${during.api.start.toFixed(0)} → ${during.api.max.toFixed(0)} MB at most`);
      }
      return;
    }
    if (writesOnly) {
      await measureSweep();
      await measureWrites(base, base.replace(/\/contacts$/, ''), token, accountId, state!.runs);
      console.log(`\npeak memory over the run (VmHWM): API ${peakMemoryMb(api.pid!).toFixed(0)} MB, worker ${peakMemoryMb(worker.pid!).toFixed(0)} MB`);
      return;
    }
    const importMemory = memorySampler({ api: api.pid!, worker: worker.pid! });
    importMemory.start();
    // Where the machine's cores went: the import is CPU-bound across the processes, not in one.
    const importCpu = cpuMeter({ api: api.pid!, worker: worker.pid!, ...servicePids() });
    importCpu.start();
    const esBefore = await elasticsearchWork();

    const { status, uploadMs, completedMs, t0 } = await runImport(base, token, file, true);

    // Every contact the import created or changed is searchable when the index holds them all
    // (the account was empty, so that is the created count).
    const expected = status.created + status.updated;
    let searchable = 0;
    for (;;) {
      searchable = (await getJson<{ meta: { count: number } }>(`${base}?per_page=1`, token)).meta.count;
      if (searchable >= expected) break;
      if (Date.now() - t0 > completedMs + 30 * 60_000) throw new Error(`only ${searchable} of ${expected} searchable 30 minutes after the import completed`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const searchableMs = Date.now() - t0;
    const duringImport = importMemory.stop();
    const cpu = importCpu.stop();
    const esAfter = await elasticsearchWork();
    const esLine = (['indexing', 'merging', 'refreshing'] as const).map((k) => `${k} ${seconds(esAfter[k] - esBefore[k])}`).join(', ');
    const cores = os.cpus().length;
    const cpuTotal = Object.values(cpu).reduce((a, b) => a + b, 0);
    const cpuLine = Object.entries(cpu)
      .sort(([, a], [, b]) => b - a)
      .map(([name, s]) => `${name} ${s.toFixed(0)} s (${((100 * s) / cpuTotal).toFixed(0)}%)`)
      .join(', ');

    const exportMemory = memorySampler({ api: api.pid! });
    exportMemory.start();
    const { rows: exportedRows, bytes, ms: exportMs } = await exportAll(base, token);
    const lines = exportedRows + 1;
    const duringExport = exportMemory.stop();

    console.log(`
import of ${n(N)} rows (${BAD_SHARE * 100}% generated bad) through POST /contacts/import:
  upload answered in          ${seconds(uploadMs)}
  completed after             ${seconds(completedMs)}  (${n(Math.round(status.rows_read / (completedMs / 1000)))} rows/s; ${n(status.created)} created, ${n(status.updated)} updated, ${n(status.unchanged)} unchanged, ${n(status.rejected)} rejected)
  all ${n(expected)} searchable after ${seconds(searchableMs)}  (${n(Math.round(status.rows_read / (searchableMs / 1000)))} rows/s end to end)
  API memory (RSS)            ${duringImport.api.start.toFixed(0)} MB before, ${duringImport.api.max.toFixed(0)} MB at most
  worker memory (RSS)         ${duringImport.worker.start.toFixed(0)} MB before, ${duringImport.worker.max.toFixed(0)} MB at most
  CPU until searchable        ${cpuTotal.toFixed(0)} s of the ${cores} cores' ${((cores * searchableMs) / 1000).toFixed(0)} s: ${cpuLine}
  Elasticsearch's own times   ${esLine} (thread time, summed over threads)
export of every contact through POST /contacts/export:
  ${n(lines - 1)} rows, ${(bytes / 2 ** 20).toFixed(0)} MB in ${seconds(exportMs)}  (${n(Math.round((lines - 1) / (exportMs / 1000)))} rows/s)
  API memory (RSS)            ${duringExport.api.start.toFixed(0)} MB before, ${duringExport.api.max.toFixed(0)} MB at most
peak memory over the run (VmHWM): API ${peakMemoryMb(api.pid!).toFixed(0)} MB, worker ${peakMemoryMb(worker.pid!).toFixed(0)} MB`);
    if (lines - 1 !== searchable) throw new Error(`the export has ${lines - 1} rows but ${searchable} contacts are searchable`);

    await measureSweep();
    await measureWrites(base, base.replace(/\/contacts$/, ''), token, accountId, state!.runs);
    console.log(`
peak memory over the whole run (VmHWM): API ${peakMemoryMb(api.pid!).toFixed(0)} MB, worker ${peakMemoryMb(worker.pid!).toFixed(0)} MB`);
  } finally {
    api.kill('SIGTERM');
    worker.kill('SIGTERM');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
