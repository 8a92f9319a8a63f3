// Should an account's documents be routed to one shard? Loads the same contacts of several
// accounts of different sizes into three indices of the current mapping with the same shard
// count — spread by document id (what the service does), routed by account, and routed by
// account over a partition of the shards (see Layout) — and times the
// service's three kinds of request (a sorted page with its count, a filter, a text search) in each,
// one at a time (latency) and eight at a time (throughput). Straight to Elasticsearch, without
// HTTP or MongoDB: the question is only what the shards do.
//
//   npm run routing-measure -- [--es http://127.0.0.1:9410] [--shards 4] [--accounts 100000,50000,25000,15000,7000,2000,1000] [--samples 100] [--keep] [--reuse]
//
// Deletes its indices at the end (--keep to leave them; --reuse takes them if they hold the same contacts).
import { Client, type estypes } from '@elastic/elasticsearch';
import { parseArgs } from 'node:util';
import type { Contact } from '../src/records/contact.model';
import { forceMergeToOneSegment } from '../src/search/force-merge';
import { buildSegmentQuery } from '../src/search/build-segment-query';
import { buildTextSearchQuery } from '../src/search/build-text-search-query';
import { toContactSearchDoc } from '../src/search/contact-search-doc';
import { parseSort, toSearchSort } from '../src/search/contact-sort';
import { createContactsIndex, CURRENT_MAPPING } from '../src/search/contacts-index';
import { percentile } from './bench-support';
import { generateRows } from './generate-contacts-csv';

const { values: args } = parseArgs({
  options: {
    es: { type: 'string', default: process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200' },
    shards: { type: 'string', default: '4' },
    accounts: { type: 'string', default: '100000,50000,25000,15000,7000,2000,1000' },
    samples: { type: 'string', default: '100' },
    keep: { type: 'boolean', default: false },
    reuse: { type: 'boolean', default: false },
  },
});
const SHARDS = Number(args.shards);
const SIZES = args.accounts.split(',').map(Number);
const SAMPLES = Number(args.samples);
const es = new Client({ node: args.es, requestTimeout: 120000 });

// spread: by document id, as the service indexes; routed: an account on one shard; partitioned:
// an account on PARTITION of the shards (index.routing_partition_size), the plan for an account
// too big for one shard.
type Layout = 'spread' | 'routed' | 'partitioned';
const LAYOUTS: Layout[] = ['spread', 'routed', 'partitioned'];
const PARTITION = 2;
const INDEX: Record<Layout, string> = { spread: 'routing_measure_spread', routed: 'routing_measure_routed', partitioned: 'routing_measure_partitioned' };
const routingOf = (layout: Layout, accountId: number) => (layout === 'spread' ? undefined : String(accountId));

/** A generated CSV row (generate-contacts-csv.ts) as the contact the import would store. */
function toContact(row: string[], accountId: number): Contact {
  const [id, name, email, identifier, phone, labels, , company, city, country, code, created, lastActivity, plan, seats] = row;
  const date = (v: string) => new Date(/^\d+$/.test(v) ? Number(v) * 1000 : v);
  return {
    _id: id,
    account_id: accountId,
    name,
    email,
    phone_number: phone ? `+${phone.replace(/\D/g, '')}` : null,
    identifier: identifier || null,
    thumbnail: null,
    blocked: false,
    additional_attributes: { company_name: company, city, country, country_code: code },
    custom_attributes: { plan, seats: Number(seats) },
    labels: labels ? labels.split(',') : [],
    created_at: date(created),
    last_activity_at: lastActivity ? date(lastActivity) : null,
    updated_at: new Date(),
    version: 1,
    deleted: false,
  };
}

async function load() {
  for (const layout of LAYOUTS) {
    await es.indices.delete({ index: INDEX[layout], ignore_unavailable: true });
    if (layout === 'partitioned') {
      // A partitioned index must require routing on every request. number_of_routing_shards =
      // number_of_shards: with the default (a multiple kept for splitting), hash + (0 … PARTITION-1)
      // almost never crosses into the next shard, and the account stays on one shard.
      await es.indices.create({
        index: INDEX[layout],
        settings: { ...CURRENT_MAPPING.settings, index: { ...CURRENT_MAPPING.settings.index, number_of_shards: SHARDS, number_of_replicas: 0, number_of_routing_shards: SHARDS, routing_partition_size: PARTITION } },
        mappings: { ...(CURRENT_MAPPING.mappings as object), _routing: { required: true } } as never,
      });
    } else await createContactsIndex(es, INDEX[layout], { shards: SHARDS, replicas: 0 });
    await es.indices.putSettings({ index: INDEX[layout], settings: { refresh_interval: '-1' } });
  }
  let firstId = 1;
  for (const [a, size] of SIZES.entries()) {
    const accountId = a + 1;
    let batch: Contact[] = [];
    const flush = async () => {
      for (const layout of LAYOUTS) {
        const operations = batch.flatMap((c) => [{ index: { _index: INDEX[layout], _id: c._id, routing: routingOf(layout, accountId) } }, toContactSearchDoc(c)]);
        const res = await es.bulk({ operations });
        if (res.errors) throw new Error(`bulk failed: ${JSON.stringify(res.items.find((i) => i.index?.error)?.index?.error)}`);
      }
      batch = [];
    };
    let header = true;
    for (const row of generateRows(size, { bad: 0, seed: accountId, firstId })) {
      if (header) {
        header = false;
        continue;
      }
      batch.push(toContact(row, accountId));
      if (batch.length === 2000) await flush();
    }
    if (batch.length) await flush();
    firstId += size;
    process.stderr.write(`loaded account ${accountId}: ${size} contacts\n`);
  }
  for (const layout of LAYOUTS) {
    await es.indices.putSettings({ index: INDEX[layout], settings: { refresh_interval: '1s' } });
    await es.indices.refresh({ index: INDEX[layout] });
    // The same segment shape in each, so that only the routing differs.
    await forceMergeToOneSegment(es, INDEX[layout]);
  }
  for (const layout of LAYOUTS) {
    const shards = (await es.cat.shards({ index: INDEX[layout], format: 'json', h: 'shard,prirep,docs' })) as { shard: string; prirep: string; docs: string }[];
    console.log(`${layout}: documents per primary shard ${shards.filter((x) => x.prirep === 'p').sort((x, y) => Number(x.shard) - Number(y.shard)).map((x) => x.docs).join(', ')}`);
  }
}

const scoped = (accountId: number, query?: estypes.QueryDslQueryContainer): estypes.QueryDslQueryContainer => ({
  bool: { filter: [{ term: { account_id: String(accountId) } }, ...(query ? [query] : [])] },
});

const KINDS: [string, estypes.QueryDslQueryContainer | undefined, string][] = [
  ['list -last_activity_at', undefined, '-last_activity_at'],
  ['filter city = Lima AND label vip, by name', buildSegmentQuery([{ attribute_key: 'city', filter_operator: 'equal_to', values: ['Lima'], query_operator: 'and' }, { attribute_key: 'labels', filter_operator: 'equal_to', values: ['vip'] }], []), 'name'],
  ['search "garc"', buildTextSearchQuery('garc'), '-last_activity_at'],
];

/** What the service sends for one page: the page (per_page 15 + 1) and its exact count, side by side. */
async function request(layout: Layout, accountId: number, query: estypes.QueryDslQueryContainer | undefined, sort: string): Promise<number> {
  const routing = routingOf(layout, accountId);
  const [, count] = await Promise.all([
    es.search({ index: INDEX[layout], routing, query: scoped(accountId, query), sort: toSearchSort(parseSort(sort)), size: 16, track_total_hits: false, _source: ['payload'] }),
    es.search({ index: INDEX[layout], routing, query: scoped(accountId, query), size: 0, track_total_hits: true }),
  ]);
  const total = count.hits.total!;
  return typeof total === 'number' ? total : total.value;
}

async function latency() {
  console.log(`\nlatency, one request at a time, ${SAMPLES} samples each, the layouts in turn (p50 / p95 ms); over ${SHARDS} shards, partitioned over ${PARTITION} of them:`);
  for (const [kind, query, sort] of KINDS) {
    console.log(`  ${kind}`);
    for (const [a, size] of SIZES.entries()) {
      const accountId = a + 1;
      const counts: Record<Layout, number> = { spread: 0, routed: 0, partitioned: 0 };
      const times: Record<Layout, number[]> = { spread: [], routed: [], partitioned: [] };
      for (let i = 0; i < 10; i++) for (const layout of LAYOUTS) counts[layout] = await request(layout, accountId, query, sort);
      // Alternating, so that the machine's load at any moment weighs on every layout alike.
      for (let i = 0; i < SAMPLES; i++) {
        for (const layout of i % 2 ? LAYOUTS : [...LAYOUTS].reverse()) {
          const t = performance.now();
          await request(layout, accountId, query, sort);
          times[layout].push(performance.now() - t);
        }
      }
      if (new Set(Object.values(counts)).size !== 1) throw new Error(`account ${accountId}: ${kind} counts differ: ${JSON.stringify(counts)}`);
      const figures = LAYOUTS.map((layout) => `${layout} ${percentile(times[layout], 50).toFixed(1)} / ${percentile(times[layout], 95).toFixed(1)}`);
      console.log(`    account of ${String(size).padStart(6)} (${String(counts.spread).padStart(6)} match): ${figures.join('   ')}`);
    }
  }
}

async function throughput() {
  const seconds = 10;
  const concurrency = 8;
  console.log(`\nthroughput, ${concurrency} requests at a time, the three kinds in turn over every account; 3 rounds of ${seconds} s per layout, in turn:`);
  const rounds = Object.fromEntries(LAYOUTS.map((layout) => [layout, { done: 0, times: [] as number[] }])) as Record<Layout, { done: number; times: number[] }>;
  for (let round = 0; round < 3; round++) {
    for (const layout of round % 2 ? [...LAYOUTS].reverse() : LAYOUTS) {
      const until = Date.now() + seconds * 1000;
      await Promise.all(
        Array.from({ length: concurrency }, async (_, lane) => {
          for (let n = lane; Date.now() < until; n += concurrency) {
            const [, query, sort] = KINDS[n % KINDS.length];
            const t = performance.now();
            await request(layout, (n % SIZES.length) + 1, query, sort);
            rounds[layout].times.push(performance.now() - t);
            rounds[layout].done++;
          }
        }),
      );
    }
  }
  for (const layout of LAYOUTS) {
    const { done, times } = rounds[layout];
    console.log(`  ${layout}: ${(done / (3 * seconds)).toFixed(0)} requests/s, p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms`);
  }
}

async function main() {
  const health = await es.cluster.health();
  console.log(`routing measure: ${SIZES.reduce((s, n) => s + n, 0)} contacts in ${SIZES.length} accounts (${SIZES.join(', ')}), ${SHARDS} shards, ${health.number_of_nodes} node(s) at ${args.es}`);
  const total = SIZES.reduce((sum, n) => sum + n, 0);
  const loaded = await Promise.all(LAYOUTS.map((layout) => es.count({ index: INDEX[layout] }).then((r) => r.count, () => 0)));
  if (args.reuse && loaded.every((count) => count === total)) {
    console.log('reusing the indices (--reuse)');
  } else {
    const t = Date.now();
    await load();
    console.log(`loaded the indices in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  }
  try {
    await latency();
    await throughput();
  } finally {
    if (!args.keep) await es.indices.delete({ index: Object.values(INDEX), ignore_unavailable: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
