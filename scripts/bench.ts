// Benchmark (not a test): seeds contacts into one account through the real indexing code, then
// measures the HTTP API and the sync pipeline against the local services, and prints figures.
//
//   npm run bench                      # 1,000,000 contacts
//   BENCH_CONTACTS=200000 npm run bench
//   npm run bench -- --seed-only       # seeds (or checks the seed) and stops
//   npm run bench -- --reads-only      # lists, filters, search and segment counts; no writes
//   npm run bench -- --storage-only    # what the seeded data costs at rest
//   npm run bench -- --missing-tail    # pages among the contacts without the sort field, against the first
//   npm run bench -- --missing-first   # only the first pages of filters whose contacts all lack the sort field
//   npm run bench -- --from-end        # only the last page and pages walked back from it, against the first
//
// Uses its own database (contacts_bench) and index alias (contacts_bench); a second run with the
// same size reuses the seeded data. The API and the sync worker run as child processes so that
// their peak memory can be read.
import { loadConfig } from '../src/config';
import { createDependencies } from '../src/dependencies';
import type { Contact } from '../src/records/contact.model';
import { identityClaims } from '../src/records/contact-keys';
import { foldText } from '../src/shared/text';
import { createLogger } from '../src/shared/logger';
import { SORT_FIELDS } from '../src/search/contact-sort';
import { forceMergeToOneSegment } from '../src/search/force-merge';
import { API_NODE_ARGS, peakMemoryMb, percentile, startProcess, waitForHealth, WORKER_NODE_ARGS } from './bench-support';

const N = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
const PORT = Number(process.env.BENCH_PORT ?? 3901);
// 200: the p95 of 30 requests is their second slowest, which one pause of a process decides.
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const WRITE_RATE = Number(process.env.BENCH_WRITE_RATE ?? 500);
const WRITE_SECONDS = Number(process.env.BENCH_WRITE_SECONDS ?? 20);
const DEEP_ROWS = Number(process.env.BENCH_DEEP_ROWS ?? 100_000);
const env = {
  ...process.env,
  MONGODB_URI: process.env.BENCH_MONGODB_URI ?? 'mongodb://127.0.0.1:27017/contacts_bench',
  CONTACTS_INDEX: 'contacts_bench',
  QUEUE_PREFIX: 'contacts-bench',
  MAX_PER_PAGE: '1000',
  // dbStats of a database of millions of contacts takes FerretDB longer than the default 15 s.
  MONGO_SOCKET_TIMEOUT_MS: '600000',
  // The benchmark measures the job path; the sweep (which reads only pending writes) stays out of its way.
  SWEEP_EVERY_MS: '3600000',
  LOG_LEVEL: 'warn',
  PORT: String(PORT),
};

// A small deterministic generator (mulberry32) so every run seeds the same data.
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const first = ['Álvaro', 'Beatriz', 'José', 'María', 'Zoë', 'Ñusta', 'Chloé', 'Søren', 'Łukasz', 'Ana', 'Bruno', 'Camila', 'Diego', 'Elena', 'Fátima', 'Jürgen', 'Иван', '美咲', 'Noah', 'Olivia', 'Pedro', 'Renée', 'Sofía', 'Tomás'];
const last = ['García', 'Pérez', 'Müller', 'Smith', 'Núñez', 'Rodríguez', 'Öztürk', 'Kowalski', 'Martín', 'López', 'Dubois', 'Rossi', 'Silva', 'Tanaka', 'Ivanova'];
const cities = ['Lima', 'Bogotá', 'Ciudad de México', 'Madrid', 'São Paulo', 'Buenos Aires', 'Santiago', 'Quito', 'Montevideo', 'Barcelona', 'Medellín', 'Cusco', 'Valparaíso', 'Sevilla', 'Málaga'];
const countries = ['Perú', 'Colombia', 'México', 'España', 'Brasil', 'Argentina', 'Chile', 'Ecuador', 'Uruguay'];
const companies = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay', 'Stark', 'Wayne', 'Tyrell', 'Soylent'];

function fakeContact(i: number, accountId: number, id: number, rand: () => number): Contact {
  // Popular values are much more common than rare ones, as in real customer bases.
  const zipf = <T>(list: T[]) => list[Math.min(list.length - 1, Math.floor(list.length * rand() ** 2.5))];
  const name = rand() < 0.1 ? null : `${zipf(first)} ${zipf(last)}${rand() < 0.3 ? ` ${i % 1000}` : ''}`;
  const email = rand() < 0.15 ? null : `user${i}@${zipf(['gmail.com', 'hotmail.com', 'example.com', 'empresa.pe'])}`;
  const phone = rand() < 0.3 ? null : `+${zipf(['51', '57', '52', '34', '55', '54', '56'])}${String(900000000 + i)}`;
  const created = Date.UTC(2022, 0, 1) + Math.floor(rand() * 3 * 365 * 86400_000);
  const now = new Date();
  const city = rand() < 0.25 ? undefined : zipf(cities);
  return {
    _id: String(id),
    account_id: accountId,
    name: email === null && phone === null && name === null ? `Visitor ${i}` : name,
    email,
    phone_number: phone,
    identifier: rand() < 0.5 ? `crm-${i}` : null,
    thumbnail: null,
    blocked: rand() < 0.02,
    additional_attributes: {
      ...(city ? { city } : {}),
      ...(rand() < 0.6 ? { company_name: zipf(companies) } : {}),
      ...(rand() < 0.8 ? { country: zipf(countries) } : {}),
    },
    custom_attributes: { plan: zipf(['free', 'pro', 'enterprise']), seats: Math.floor(rand() * 500) },
    labels: rand() < 0.4 ? [zipf(['vip', 'lead', 'churn-risk', 'newsletter', 'support'])] : [],
    created_at: new Date(created),
    last_activity_at: rand() < 0.2 ? null : new Date(created + Math.floor(rand() * 300 * 86400_000)),
    updated_at: now,
    version: 1,
    deleted: false,
  };
}

const ms = (v: number) => `${v.toFixed(1)} ms`;

async function seed() {
  const config = loadConfig(env);
  const deps = await createDependencies(config, createLogger('warn'));
  await deps.ensureIndex();
  try {
    const marker = await deps.conn.db!.collection<{ _id: string; account_id: number; token: string; size: number }>('bench_state').findOne({ _id: 'seed' });
    if (marker?.size === N) {
      const count = await deps.search.count(marker.account_id);
      if (count >= N) {
        console.log(`reusing ${count} seeded contacts of account ${marker.account_id}`);
        return marker;
      }
    }
    const account = await deps.services.accounts.createAccount('bench');
    const admin = await deps.services.accounts.createUser({ accountId: account.id, role: 'administrator', name: 'Bench', email: `bench-${Date.now()}@bench.local` });
    // The custom attributes need their definitions (and index slots) before the contacts are indexed.
    await deps.services.customAttributes.prepareValues(account.id, { plan: 'pro', seats: 1 });
    const rand = rng(42);
    const BATCH = 2000;
    let mongoMs = 0;
    let indexMs = 0;
    const started = Date.now();
    let pendingIndex: Promise<void> = Promise.resolve();
    for (let i = 0; i < N; i += BATCH) {
      const ids = await deps.nextIds('contacts', Math.min(BATCH, N - i));
      const docs = ids.map((id, j) => fakeContact(i + j, account.id, id, rand));
      let t = Date.now();
      // As the contact writer does: the values' keys first, then the contacts.
      const taken = await deps.keys.claimMany(docs.flatMap((d) => identityClaims(account.id, Number(d._id), d)));
      if (taken.length) throw new Error(`seeded values collide: ${taken[0].field} ${taken[0].value}`);
      await deps.models.contacts.insertMany(docs, { ordered: false, lean: true });
      mongoMs += Date.now() - t;
      await pendingIndex;
      // The same bulk write with external versions that the sync worker does, overlapped with
      // the next MongoDB insert.
      t = Date.now();
      pendingIndex = deps.indexer.write(docs).then((outcome) => {
        indexMs += Date.now() - t;
        if (outcome.failed.size) throw new Error(`indexing failed: ${[...outcome.failed.values()][0]}`);
      });
      if ((i / BATCH) % 50 === 0) process.stdout.write(`\rseeded ${i + docs.length}/${N}`);
    }
    await pendingIndex;
    // As a reindex leaves an index it built (src/search/reindex.ts): merged, so that the figures
    // do not depend on where the merge scheduler happened to be.
    await forceMergeToOneSegment(deps.es, deps.index);
    await deps.es.indices.refresh({ index: deps.index });
    const seconds = (Date.now() - started) / 1000;
    console.log(`\nseeded ${N} contacts in ${seconds.toFixed(0)} s: MongoDB insert ${(N / (mongoMs / 1000)).toFixed(0)}/s, index ${(N / (indexMs / 1000)).toFixed(0)}/s`);
    const state = { _id: 'seed', account_id: account.id, token: admin.accessToken, size: N };
    await deps.conn.db!.collection<typeof state>('bench_state').replaceOne({ _id: 'seed' }, state, { upsert: true });
    return state;
  } finally {
    await deps.close();
  }
}

async function timed(url: string, token: string): Promise<{ ms: number; body: { meta: { count: number; next_cursor: string | null; prev_cursor: string | null }; payload: { name: string | null }[] } }> {
  const t = performance.now();
  const res = await fetch(url, { headers: { api_access_token: token } });
  const body = (await res.json()) as Awaited<ReturnType<typeof timed>>['body'];
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
  return { ms: performance.now() - t, body };
}

/** Figures checked against SPEC §8 and issue 14 at the end of the run. */
const verdicts: string[] = [];
function check(what: string, value: number, limit: number, unit = 'ms') {
  const ok = value <= limit;
  verdicts.push(`${ok ? 'meets ' : 'MISSES'} ${what}: ${value.toFixed(unit === 'ms' ? 1 : 2)} ${unit} (target ≤ ${limit} ${unit})`);
}

/**
 * The API process is new at every run, and a new process answers its first few hundred requests
 * slower while V8 compiles and optimizes their path (measured in one process, three rounds of 150
 * first pages sorted by name: p50 6.7, 5.7, 4.3 ms): the sort measured first paid for it. A
 * server answering for real is past that, so every sort's first page is asked WARMUP times first,
 * unrecorded.
 */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 30);
async function warmUp(base: string, token: string) {
  for (let round = 0; round < WARMUP; round++) {
    for (const key of Object.keys(SORT_FIELDS)) for (const sort of [key, `-${key}`]) await timed(`${base}?sort=${sort}&per_page=50`, token);
  }
}

async function measureSorts(base: string, token: string) {
  await warmUp(base, token);
  console.log(`\nGET /contacts through HTTP, ${SAMPLES} requests each (per_page 50, after ${WARMUP} unrecorded first pages of every sort; every sort, first and deep pages in turn), count included:`);
  console.log('sort                 | first page p50 / p95 | ' + `${DEEP_ROWS.toLocaleString('en')} deep by cursor p50 / p95 | deep / first (p50)`);
  const sorts = Object.keys(SORT_FIELDS).flatMap((key) => [key, `-${key}`]);
  const deepCursor = new Map<string, string | null>();
  for (const sort of sorts) {
    let after: string | null = null;
    for (let walked = 0; walked < DEEP_ROWS; walked += 1000) {
      const { body } = await timed(`${base}?sort=${sort}&per_page=1000${after ? `&after=${after}` : ''}`, token);
      after = body.meta.next_cursor;
    }
    deepCursor.set(sort, after);
  }
  // Every sort in turn, and first and deep pages in turn (each first in every other pair), so
  // that what the machine does meanwhile weighs on all alike. Measured one block after the other,
  // the same code's deep/first ratio ranged 0.75-1.40x from block to block (0.98-1.15x
  // interleaved), and sorts one after the other got faster the later they came: `name` measured
  // first 4.9 ms p50, measured last 2.4 ms, in two runs ten minutes apart.
  const firstPage = new Map<string, number[]>(sorts.map((sort) => [sort, []]));
  const deep = new Map<string, number[]>(sorts.map((sort) => [sort, []]));
  for (let i = 0; i < SAMPLES; i++) {
    for (const sort of sorts) {
      const askFirst = async () => firstPage.get(sort)!.push((await timed(`${base}?sort=${sort}&per_page=50`, token)).ms);
      const askDeep = async () => deep.get(sort)!.push((await timed(`${base}?sort=${sort}&per_page=50&after=${deepCursor.get(sort)}`, token)).ms);
      if (i % 2) await askDeep().then(askFirst);
      else await askFirst().then(askDeep);
    }
  }
  for (const sort of sorts) {
    const [first50, first95, deep50, deep95] = [percentile(firstPage.get(sort)!, 50), percentile(firstPage.get(sort)!, 95), percentile(deep.get(sort)!, 50), percentile(deep.get(sort)!, 95)];
    console.log(`${sort.padEnd(20)} | ${ms(first50).padStart(8)} / ${ms(first95).padStart(8)} | ${ms(deep50).padStart(8)} / ${ms(deep95).padStart(8)} | ${(deep50 / first50).toFixed(2)}×`);
    check(`list ${sort} p50`, first50, 5);
    check(`list ${sort} p95 ≤ 2× p50`, first95 / first50, 2, '×');
    check(`list ${sort} ${DEEP_ROWS.toLocaleString('en')} deep / first page`, deep50 / first50, 1.2, '×');
  }
}

/**
 * The list read from its end (`page=last`, and `before=` a cursor DEEP_ROWS from the end, walked
 * back by prev_cursor), against the first page: both read the order backwards (search-contacts.ts,
 * pageBackward), which the contacts without the sort field come first in.
 */
async function measureFromEnd(base: string, token: string) {
  await warmUp(base, token);
  console.log(`
GET /contacts from the end, ${SAMPLES} requests each, per_page 50, in turn with the first page:`);
  console.log('sort                 | first page p50 / p95 | page=last p50 / p95 | ' + `${DEEP_ROWS.toLocaleString('en')} from the end by before p50 / p95 | last / first, deep / first (p50)`);
  const sorts = Object.keys(SORT_FIELDS).flatMap((key) => [key, `-${key}`]);
  const deepCursor = new Map<string, string | null>();
  for (const sort of sorts) {
    let before = (await timed(`${base}?sort=${sort}&per_page=1000&page=last`, token)).body.meta.prev_cursor;
    for (let walked = 1000; walked < DEEP_ROWS; walked += 1000) {
      before = (await timed(`${base}?sort=${sort}&per_page=1000&before=${before}`, token)).body.meta.prev_cursor;
    }
    deepCursor.set(sort, before);
  }
  const times = new Map<string, { first: number[]; last: number[]; deep: number[] }>(sorts.map((sort) => [sort, { first: [], last: [], deep: [] }]));
  for (let i = 0; i < SAMPLES; i++) {
    for (const sort of sorts) {
      const t = times.get(sort)!;
      const asks = [
        async () => t.first.push((await timed(`${base}?sort=${sort}&per_page=50`, token)).ms),
        async () => t.last.push((await timed(`${base}?sort=${sort}&per_page=50&page=last`, token)).ms),
        async () => t.deep.push((await timed(`${base}?sort=${sort}&per_page=50&before=${deepCursor.get(sort)}`, token)).ms),
      ];
      // Each first in turn, so that what the machine does meanwhile weighs on all alike.
      for (let k = 0; k < asks.length; k++) await asks[(i + k) % asks.length]();
    }
  }
  for (const sort of sorts) {
    const t = times.get(sort)!;
    const [first50, last50, deep50] = [percentile(t.first, 50), percentile(t.last, 50), percentile(t.deep, 50)];
    console.log(
      `${sort.padEnd(20)} | ${ms(first50).padStart(8)} / ${ms(percentile(t.first, 95)).padStart(8)} | ${ms(last50).padStart(8)} / ${ms(percentile(t.last, 95)).padStart(8)} | ${ms(deep50).padStart(8)} / ${ms(percentile(t.deep, 95)).padStart(8)} | ${(last50 / first50).toFixed(2)}×, ${(deep50 / first50).toFixed(2)}×`,
    );
    check(`list ${sort} page=last / first page`, last50 / first50, 1.2, '×');
    check(`list ${sort} ${DEEP_ROWS.toLocaleString('en')} from the end / first page`, deep50 / first50, 1.2, '×');
  }
}

/**
 * Pages among the contacts that lack the sort field, which every sort puts last: a cursor walked
 * past the last contact holding the value, then TAIL_ROWS into those without it, against the
 * first page. A tester found them 1.7-2.1x the first page at 100,000 contacts (every one of them
 * ties on "missing", which the contact id alone orders), where pages among present values were
 * within 1.2x. Opt-in (`--missing-tail`): the walk reads every contact that holds the value, for
 * every sort, about ten million rows at a million contacts.
 */
const TAIL_ROWS = Number(process.env.BENCH_TAIL_ROWS ?? 10_000);
async function measureMissingTails(base: string, token: string) {
  await warmUp(base, token);
  console.log(`
GET /contacts among the contacts without the sort field (last in both directions), ${SAMPLES} requests each, per_page 50:`);
  console.log('sort                 | first page p50 / p95 | missing tail, ' + `${TAIL_ROWS.toLocaleString('en')} in, p50 / p95 | tail / first (p50)`);
  const tailCursor = new Map<string, string>();
  for (const sort of Object.keys(SORT_FIELDS).flatMap((key) => [key, `-${key}`])) {
    const key = sort.replace(/^-/, '');
    // The filter's count of contacts holding the value is where the tail starts in the list.
    const present = (await post(`${base}/filter?per_page=1`, token, { payload: [{ attribute_key: key, filter_operator: 'is_present', values: [] }] })).body.meta!.count;
    const total = (await timed(`${base}?per_page=1`, token)).body.meta.count;
    if (present + TAIL_ROWS + 50 > total) {
      console.log(`${sort.padEnd(20)} | fewer than ${(TAIL_ROWS + 50).toLocaleString('en')} contacts lack it`);
      continue;
    }
    let after: string | null = null;
    for (let walked = 0; walked < present + TAIL_ROWS; walked += 1000) {
      const { body } = await timed(`${base}?sort=${sort}&per_page=1000${after ? `&after=${after}` : ''}`, token);
      after = body.meta.next_cursor;
    }
    tailCursor.set(sort, after!);
  }
  const firstPage = new Map<string, number[]>([...tailCursor.keys()].map((sort) => [sort, []]));
  const tail = new Map<string, number[]>([...tailCursor.keys()].map((sort) => [sort, []]));
  for (let i = 0; i < SAMPLES; i++) {
    for (const [sort, cursor] of tailCursor) {
      const askFirst = async () => firstPage.get(sort)!.push((await timed(`${base}?sort=${sort}&per_page=50`, token)).ms);
      const askTail = async () => tail.get(sort)!.push((await timed(`${base}?sort=${sort}&per_page=50&after=${cursor}`, token)).ms);
      if (i % 2) await askTail().then(askFirst);
      else await askFirst().then(askTail);
    }
  }
  for (const sort of tailCursor.keys()) {
    const [first50, first95, tail50, tail95] = [percentile(firstPage.get(sort)!, 50), percentile(firstPage.get(sort)!, 95), percentile(tail.get(sort)!, 50), percentile(tail.get(sort)!, 95)];
    console.log(`${sort.padEnd(20)} | ${ms(first50).padStart(8)} / ${ms(first95).padStart(8)} | ${ms(tail50).padStart(8)} / ${ms(tail95).padStart(8)} | ${(tail50 / first50).toFixed(2)}×`);
    check(`list ${sort} among contacts without it / first page`, tail50 / first50, 1.2, '×');
  }
}

/**
 * The first page of a filter whose contacts all lack the sort field (`is_not_present` on it:
 * "never active", sorted by last activity, the default), against the plain list's first page.
 * Its whole first page lies among those contacts, which Elasticsearch compared every one of.
 */
async function measureFirstPagesWithout(base: string, token: string) {
  console.log(`\nPOST /contacts/filter, the field is_not_present, sorted by it, ${SAMPLES} requests each, per_page 50, against GET /contacts sorted the same:`);
  console.log('sort                 | list first page p50 / p95 | filter first page p50 / p95 | filter / list (p50)');
  const sorts = Object.keys(SORT_FIELDS).filter((key) => key !== 'created_at').flatMap((key) => [key, `-${key}`]);
  const list = new Map<string, number[]>(sorts.map((sort) => [sort, []]));
  const filter = new Map<string, number[]>(sorts.map((sort) => [sort, []]));
  for (let i = 0; i < SAMPLES; i++) {
    for (const sort of sorts) {
      const payload = [{ attribute_key: sort.replace(/^-/, ''), filter_operator: 'is_not_present', values: [] }];
      const askList = async () => list.get(sort)!.push((await timed(`${base}?sort=${sort}&per_page=50`, token)).ms);
      const askFilter = async () => filter.get(sort)!.push((await post(`${base}/filter?sort=${sort}&per_page=50`, token, { payload })).ms);
      if (i % 2) await askFilter().then(askList);
      else await askList().then(askFilter);
    }
  }
  for (const sort of sorts) {
    const [list50, list95, filter50, filter95] = [percentile(list.get(sort)!, 50), percentile(list.get(sort)!, 95), percentile(filter.get(sort)!, 50), percentile(filter.get(sort)!, 95)];
    console.log(`${sort.padEnd(20)} | ${ms(list50).padStart(8)} / ${ms(list95).padStart(8)} | ${ms(filter50).padStart(8)} / ${ms(filter95).padStart(8)} | ${(filter50 / list50).toFixed(2)}×`);
    check(`filter ${sort.replace(/^-/, '')} is_not_present sorted by ${sort} p50`, filter50, 10);
  }
}

// The documented filter set: what analysts run from the dashboard.
const FILTERS: [string, unknown[]][] = [
  ['city = Lima', [{ attribute_key: 'city', filter_operator: 'equal_to', values: ['lima'] }]],
  ['country = Perú AND created > 2023-06-01 OR label vip', [
    { attribute_key: 'country', filter_operator: 'equal_to', values: ['Peru'], query_operator: 'and' },
    { attribute_key: 'created_at', filter_operator: 'is_greater_than', values: ['2023-06-01'], query_operator: 'or' },
    { attribute_key: 'labels', filter_operator: 'equal_to', values: ['vip'] },
  ]],
  ['plan = pro AND seats > 100 AND not blocked', [
    { attribute_key: 'plan', filter_operator: 'equal_to', values: ['pro'], query_operator: 'and' },
    { attribute_key: 'seats', filter_operator: 'is_greater_than', values: [100], query_operator: 'and' },
    { attribute_key: 'blocked', filter_operator: 'equal_to', values: [false] },
  ]],
  ['labels any of vip, lead AND email present', [
    { attribute_key: 'labels', filter_operator: 'equal_to', values: ['vip', 'lead'], query_operator: 'and' },
    { attribute_key: 'email', filter_operator: 'is_present', values: [] },
  ]],
  ['name contains "garc"', [{ attribute_key: 'name', filter_operator: 'contains', values: ['garc'] }]],
  ['active in 2024 H1 (date range), group OR company', [
    { group: [
      { attribute_key: 'last_activity_at', filter_operator: 'is_greater_than', values: ['2024-01-01'], query_operator: 'and' },
      { attribute_key: 'last_activity_at', filter_operator: 'is_less_than', values: ['2024-07-01'] },
    ], query_operator: 'or' },
    { attribute_key: 'company_name', filter_operator: 'starts_with', values: ['ini'] },
  ]],
  ['city != Lima AND phone starts with 51 AND no label', [
    { attribute_key: 'city', filter_operator: 'not_equal_to', values: ['Lima'], query_operator: 'and' },
    { attribute_key: 'phone_number', filter_operator: 'starts_with', values: ['51'], query_operator: 'and' },
    { attribute_key: 'labels', filter_operator: 'is_not_present', values: [] },
  ]],
];

async function post(url: string, token: string, body: unknown): Promise<{ ms: number; body: { meta?: { count: number }; id?: number } }> {
  const t = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { api_access_token: token, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as { meta?: { count: number }; id?: number };
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(json)}`);
  return { ms: performance.now() - t, body: json };
}

async function measureFilters(base: string, token: string) {
  console.log(`
POST /contacts/filter through HTTP, sort -last_activity_at, per_page 50, ${SAMPLES} requests each, exact count included:`);
  for (const [label, payload] of FILTERS) {
    const times: number[] = [];
    let count = 0;
    for (let i = 0; i < SAMPLES; i++) {
      const res = await post(`${base}/filter?sort=-last_activity_at&per_page=50`, token, { payload });
      times.push(res.ms);
      count = res.body.meta!.count;
    }
    // The first answer is the cold one (Elasticsearch's caches have not seen this filter); a user's
    // ad-hoc filter is mostly that one, so it is printed on its own as well as in the percentiles.
    console.log(
      `${label.padEnd(52)} | p50 ${ms(percentile(times, 50)).padStart(8)} | p95 ${ms(percentile(times, 95)).padStart(8)} | first ${ms(times[0]).padStart(8)} | p95 after it ${ms(percentile(times.slice(1), 95)).padStart(8)} | ${count.toLocaleString('en')} matches`,
    );
    check(`filter "${label}" p50`, percentile(times, 50), 10);
    check(`filter "${label}" p95 ≤ 2× p50`, percentile(times, 95) / percentile(times, 50), 2, '×');
  }
  for (const q of ['garc', 'gmail', '900001']) {
    const times: number[] = [];
    for (let i = 0; i < SAMPLES; i++) times.push((await timed(`${base}/search?q=${q}&per_page=50`, token)).ms);
    console.log(
      `${`search q=${q}`.padEnd(52)} | p50 ${ms(percentile(times, 50)).padStart(8)} | p95 ${ms(percentile(times, 95)).padStart(8)} | first ${ms(times[0]).padStart(8)} | p95 after it ${ms(percentile(times.slice(1), 95)).padStart(8)}`,
    );
    check(`search q=${q} p50`, percentile(times, 50), 5);
    check(`search q=${q} p95 ≤ 2× p50`, percentile(times, 95) / percentile(times, 50), 2, '×');
  }
}

async function measureSegmentCounts(accountBase: string, token: string) {
  const existing = (await (await fetch(`${accountBase}/custom_filters?filter_type=contact`, { headers: { api_access_token: token } })).json()) as unknown[];
  for (let i = existing.length; i < 50; i++) {
    const [, payload] = FILTERS[i % FILTERS.length];
    await post(`${accountBase}/custom_filters`, token, { name: `segment ${i}`, filter_type: 'contact', query: { payload } });
  }
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i++) times.push((await timed(`${accountBase}/custom_filters?filter_type=contact&with_counts=true`, token)).ms);
  console.log(`
GET /custom_filters?with_counts=true (50 segments, one request): p50 ${ms(percentile(times, 50))}, p95 ${ms(percentile(times, 95))}`);
  check('50 segment counts p95', percentile(times, 95), 100);
}

// The names of the contacts the write measurement creates start with it (see removeSyncProbes).
const SYNC_PROBE = 'sync probe';

/** Creates contacts at a steady rate and measures how long each takes to become searchable. */
async function measureSync(base: string, token: string, accountId: number) {
  const config = loadConfig(env);
  const deps = await createDependencies(config, createLogger('warn'));
  const pending = new Map<string, number>();
  const lags: number[] = [];
  let writes = 0;
  let failures = 0;
  const run = `${Date.now().toString(36)}`;
  let polling = true;
  const poller = (async () => {
    while (polling || pending.size) {
      if (pending.size) {
        const names = [...pending.keys()];
        for (let i = 0; i < names.length; i += 1000) {
          const res = await deps.es.search<{ name: string }>({
            index: deps.index,
            size: 1000,
            _source: ['name'],
            query: { bool: { filter: [{ term: { account_id: String(accountId) } }, { terms: { name: names.slice(i, i + 1000) } }] } },
          });
          const now = performance.now();
          for (const hit of res.hits.hits) {
            const started = pending.get(hit._source!.name);
            if (started !== undefined) {
              lags.push(now - started);
              pending.delete(hit._source!.name);
            }
          }
        }
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();

  const started = performance.now();
  const inflight = new Set<Promise<void>>();
  for (let i = 0; i < WRITE_RATE * WRITE_SECONDS; i++) {
    const due = started + (i * 1000) / WRITE_RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const name = `${SYNC_PROBE} ${run} ${i}`;
    const p = fetch(base, { method: 'POST', headers: { api_access_token: token, 'content-type': 'application/json' }, body: JSON.stringify({ name }) }).then(async (res) => {
      await res.arrayBuffer();
      if (res.status === 200) {
        writes += 1;
        pending.set(foldText(name), performance.now());
      } else failures += 1;
    });
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
    if (inflight.size > 200) await Promise.race(inflight);
  }
  await Promise.all(inflight);
  const writeSeconds = (performance.now() - started) / 1000;
  const deadline = Date.now() + 60_000;
  while (pending.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  polling = false;
  const lost = pending.size;
  pending.clear();
  await poller;
  await deps.close();
  console.log(`\nsteady writes (contact creates through HTTP): asked ${WRITE_RATE}/s for ${WRITE_SECONDS} s, achieved ${(writes / writeSeconds).toFixed(0)}/s, ${failures} failed`);
  console.log(`write → searchable: p50 ${ms(percentile(lags, 50))}, p95 ${ms(percentile(lags, 95))}, max ${ms(Math.max(...lags))}; not searchable after 60 s: ${lost}`);
  console.log(`sync throughput during the run: ${(lags.length / writeSeconds).toFixed(0)} contacts/s`);
  const t = performance.now();
  const removed = await removeSyncProbes(base.replace(/\/contacts$/, ''), token, `${SYNC_PROBE} ${run} `);
  console.log(`the ${removed.toLocaleString('en')} probe contacts deleted again (one bulk delete by filter, through the API) and gone from the index in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}


/**
 * Deletes the contacts the write measurement created (named `sync probe <run> <n>`; `text` picks
 * one run's or all), through the API's bulk delete by filter as a user would, and waits until
 * the index has let them go. Each full run creates 10,000: left in place, they drifted the data
 * every later run read (1,010,000 contacts after one run, and 100,000 deep by -name fell among
 * their names). Answers how many went.
 */
async function removeSyncProbes(accountBase: string, token: string, text: string): Promise<number> {
  const headers = { api_access_token: token, 'content-type': 'application/json' };
  const payload = [{ attribute_key: 'name', filter_operator: 'contains', values: [text], query_operator: null }];
  const started = await fetch(`${accountBase}/bulk_actions`, { method: 'POST', headers, body: JSON.stringify({ type: 'Contact', payload, action_name: 'delete' }) });
  const body = (await started.json()) as { id: number; status: string; total: number; changed: number; error: string | null };
  if (started.status !== 200 && started.status !== 202) throw new Error(`removing the sync probes: ${started.status} ${JSON.stringify(body)}`);
  let action = body;
  while (action.status === 'queued' || action.status === 'running') {
    await new Promise((r) => setTimeout(r, 500));
    action = (await (await fetch(`${accountBase}/bulk_actions/${body.id}`, { headers })).json()) as typeof body;
  }
  if (action.status !== 'completed') throw new Error(`removing the sync probes: bulk action ${body.id} ${action.status}: ${action.error}`);
  // The deletes reach the index through the sync queue after the action completes.
  const filter = { method: 'POST', headers, body: JSON.stringify({ payload }) };
  for (;;) {
    const left = (await (await fetch(`${accountBase}/contacts/filter?per_page=1`, filter)).json()) as { meta: { count: number } };
    if (left.meta.count === 0) return action.changed;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Reads are measured on the seeded contacts only, in one segment as the seed (and a reindex)
 * leaves them: probes an earlier run left (before they were removed, or cut short) go first.
 */
async function restoreSeededData(accountBase: string, token: string, accountId: number) {
  const removed = await removeSyncProbes(accountBase, token, `${SYNC_PROBE} `);
  const config = loadConfig(env);
  const deps = await createDependencies(config, createLogger('warn'));
  try {
    // The account's index: the shared alias, or its own after `npm run move-account`.
    const index = (await deps.placements.current()).read(accountId).index;
    const stats = await deps.es.indices.stats({ index, metric: ['docs', 'segments'] });
    const primaries = stats._all.primaries!;
    const [deleted, segments] = [primaries.docs?.deleted ?? 0, primaries.segments?.count ?? 0];
    if (removed) console.log(`removed ${removed.toLocaleString('en')} contacts of earlier runs' sync probes`);
    if (removed || deleted > 0 || segments > 1) {
      const t = Date.now();
      await forceMergeToOneSegment(deps.es, index);
      console.log(`index of ${segments} segments and ${deleted.toLocaleString('en')} deleted documents merged to one segment in ${((Date.now() - t) / 1000).toFixed(0)} s`);
    }
  } finally {
    await deps.close();
  }
}

/** What the data costs at rest: the inputs of the capacity model (README, "How cost grows"). */
async function printStorage(accountId: number) {
  const config = loadConfig(env);
  const deps = await createDependencies(config, createLogger('warn'));
  try {
    const index = (await deps.placements.current()).read(accountId).index;
    const stats = await deps.es.indices.stats({ index, metric: ['docs', 'store', 'segments'] });
    const all = stats._all.primaries!;
    const nodes = await deps.es.nodes.stats({ metric: ['jvm'] });
    const heaps = Object.values(nodes.nodes).map((n) => `${((n.jvm?.mem?.heap_used_in_bytes ?? 0) / 2 ** 20).toFixed(0)} of ${((n.jvm?.mem?.heap_max_in_bytes ?? 0) / 2 ** 20).toFixed(0)} MB`);
    const db = await deps.conn.db!.stats();
    const contacts = await deps.search.count(accountId);
    console.log(`\nstorage: ${contacts.toLocaleString('en')} contacts in the account; index ${index}: ${all.docs!.count!.toLocaleString('en')} documents, ` +
      `${((all.store!.size_in_bytes ?? 0) / 2 ** 20).toFixed(0)} MB on disk (${((all.store!.size_in_bytes ?? 0) / all.docs!.count!).toFixed(0)} bytes a contact), ${all.segments!.count} segments; ` +
      `Elasticsearch heap ${heaps.join(', ')}; MongoDB database ${(((db.storageSize as number) || (db.dataSize as number) || 0) / 2 ** 20).toFixed(0)} MB`);
  } finally {
    await deps.close();
  }
}

async function main() {
  console.log(`benchmark: ${N.toLocaleString('en')} contacts, ${new Date().toISOString()}`);
  const state = await seed();
  if (process.argv.includes('--seed-only')) return;
  if (process.argv.includes('--storage-only')) return printStorage(state.account_id);
  const api = startProcess('src/main-api.ts', env, API_NODE_ARGS);
  const worker = startProcess('src/main-worker.ts', env, WORKER_NODE_ARGS);
  try {
    const base = `http://127.0.0.1:${PORT}/api/v1/accounts/${state.account_id}/contacts`;
    await waitForHealth(PORT);
    await restoreSeededData(base.replace(/\/contacts$/, ''), state.token, state.account_id);
    if (process.argv.includes('--from-end')) {
      await measureFromEnd(base, state.token);
      console.log(`\nagainst the latency targets (SPEC §8, issue 14):\n${verdicts.join('\n')}`);
      return;
    }
    if (process.argv.includes('--missing-tail') || process.argv.includes('--missing-first')) {
      if (process.argv.includes('--missing-tail')) await measureMissingTails(base, state.token);
      else await warmUp(base, state.token);
      await measureFirstPagesWithout(base, state.token);
      console.log(`\nagainst the latency targets (SPEC §8, issue 14):\n${verdicts.join('\n')}`);
      return;
    }
    await measureSorts(base, state.token);
    await measureFromEnd(base, state.token);
    await measureFilters(base, state.token);
    await measureSegmentCounts(base.replace(/\/contacts$/, ''), state.token);
    if (!process.argv.includes('--reads-only')) await measureSync(base, state.token, state.account_id);
    console.log(`\npeak memory (VmHWM): API ${peakMemoryMb(api.pid!).toFixed(0)} MB, worker ${peakMemoryMb(worker.pid!).toFixed(0)} MB`);
    await printStorage(state.account_id);
    console.log(`\nagainst the latency targets (SPEC §8, issue 14):\n${verdicts.join('\n')}`);
  } finally {
    api.kill('SIGTERM');
    worker.kill('SIGTERM');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
