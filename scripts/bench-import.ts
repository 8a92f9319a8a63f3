// Import and export benchmark (not a test). Generates a CSV of N contacts with a share of bad
// rows, uploads it through the HTTP API into an empty account, and measures the time until the
// import completes and until every imported contact is searchable, the rows per second, and
// the memory of the API and the worker; then exports every contact through the HTTP API and
// measures that too. Prints the figures.
//
//   npm run bench:import                       # 1,000,000 rows
//   BENCH_IMPORT_ROWS=100000 npm run bench:import
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
import { GENERATED_LABELS, writeContactsCsv } from './generate-contacts-csv';
import { peakMemoryMb, residentMemoryMb, startProcess, waitForHealth, WORKER_NODE_ARGS } from './bench-support';

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
  // On FerretDB every sweep scans the whole contacts collection; the import reaches the index
  // through its sync jobs, which is what is measured.
  SWEEP_EVERY_MS: '3600000',
  LOG_LEVEL: 'warn',
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

async function main() {
  console.log(`import benchmark: ${n(N)} rows (${BAD_SHARE * 100}% bad), ${new Date().toISOString()}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`);
  const file = await generatedFile();
  const { accountId, token } = await prepareAccount();
  const api = startProcess('src/main-api.ts', env);
  const worker = startProcess('src/main-worker.ts', env, WORKER_NODE_ARGS);
  try {
    await waitForHealth(PORT);
    const base = `http://127.0.0.1:${PORT}/api/v1/accounts/${accountId}/contacts`;
    const importMemory = memorySampler({ api: api.pid!, worker: worker.pid! });
    importMemory.start();

    const t0 = Date.now();
    const form = new FormData();
    form.append('import_file', await openAsBlob(file, { type: 'text/csv' }), path.basename(file));
    const res = await fetch(`${base}/import`, { method: 'POST', headers: { api_access_token: token }, body: form });
    const started = (await res.json()) as { payload: ImportPayload };
    if (res.status !== 200) throw new Error(`upload: ${res.status} ${JSON.stringify(started)}`);
    const uploadMs = Date.now() - t0;
    console.log(`uploaded ${path.basename(file)} in ${seconds(uploadMs)}; import ${started.payload.id} ${started.payload.status}`);

    let status: ImportPayload;
    let lastPrint = 0;
    for (;;) {
      status = (await getJson<{ payload: ImportPayload }>(`${base}/imports/${started.payload.id}`, token)).payload;
      if (status.status === 'failed') throw new Error(`import failed: ${status.error}`);
      if (status.status === 'completed') break;
      if (Date.now() - lastPrint > 10_000) {
        lastPrint = Date.now();
        const rate = status.rows_read / ((Date.now() - t0) / 1000);
        console.log(`  ${seconds(Date.now() - t0).padStart(8)}  ${(status.progress * 100).toFixed(1).padStart(5)}%  rows ${n(status.rows_read)}  ${n(Math.round(rate))} rows/s`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const completedMs = Date.now() - t0;

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

    const exportMemory = memorySampler({ api: api.pid! });
    exportMemory.start();
    const t1 = Date.now();
    const exported = await fetch(`${base}/export`, { method: 'POST', headers: { api_access_token: token, 'content-type': 'application/json' }, body: '{}' });
    if (exported.status !== 200 || !exported.body) throw new Error(`export: ${exported.status} ${await exported.text()}`);
    let bytes = 0;
    let lines = 0;
    for await (const chunk of exported.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (const byte of chunk) if (byte === 10) lines += 1;
    }
    const exportMs = Date.now() - t1;
    const duringExport = exportMemory.stop();

    console.log(`
import of ${n(N)} rows (${BAD_SHARE * 100}% generated bad) through POST /contacts/import:
  upload answered in          ${seconds(uploadMs)}
  completed after             ${seconds(completedMs)}  (${n(Math.round(status.rows_read / (completedMs / 1000)))} rows/s; ${n(status.created)} created, ${n(status.updated)} updated, ${n(status.unchanged)} unchanged, ${n(status.rejected)} rejected)
  all ${n(expected)} searchable after ${seconds(searchableMs)}  (${n(Math.round(status.rows_read / (searchableMs / 1000)))} rows/s end to end)
  API memory (RSS)            ${duringImport.api.start.toFixed(0)} MB before, ${duringImport.api.max.toFixed(0)} MB at most
  worker memory (RSS)         ${duringImport.worker.start.toFixed(0)} MB before, ${duringImport.worker.max.toFixed(0)} MB at most
export of every contact through POST /contacts/export:
  ${n(lines - 1)} rows, ${(bytes / 2 ** 20).toFixed(0)} MB in ${seconds(exportMs)}  (${n(Math.round((lines - 1) / (exportMs / 1000)))} rows/s)
  API memory (RSS)            ${duringExport.api.start.toFixed(0)} MB before, ${duringExport.api.max.toFixed(0)} MB at most
peak memory over the run (VmHWM): API ${peakMemoryMb(api.pid!).toFixed(0)} MB, worker ${peakMemoryMb(worker.pid!).toFixed(0)} MB`);
    if (lines - 1 !== searchable) throw new Error(`the export has ${lines - 1} rows but ${searchable} contacts are searchable`);
  } finally {
    api.kill('SIGTERM');
    worker.kill('SIGTERM');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
