import type Redis from 'ioredis';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { withTimeout, type QueueJobCounts } from './queues';

const SYNC_LAG_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300];
const SYNC_LAG_HELP = 'Time from a contact write in MongoDB to its indexing request being acknowledged by Elasticsearch (searchable after the next refresh: contacts_searchable_lag_seconds)';
const SYNCED_HELP = 'Contacts written to or removed from the search index';
const SEARCHABLE_LAG_HELP =
  'Time from a contact write in MongoDB to a search finding that version (sampled: at most one write a second per sync process, looked for every 50 ms)';

/**
 * Where the sync figures of every process of a deployment add up (a Redis hash under the queue
 * prefix): the sync worker measures freshness, often in a process of its own that serves no
 * HTTP, and any API process shows the deployment's figures at GET /metrics.
 */
export interface SyncFigureStore {
  /** Adds whole counts (HINCRBY) and sums (HINCRBYFLOAT). */
  add(counts: Record<string, number>, sums: Record<string, number>): Promise<unknown>;
  read(): Promise<Record<string, string>>;
}

export function redisSyncFigureStore(redis: () => Redis, key: string): SyncFigureStore {
  return {
    add(counts, sums) {
      const pipeline = redis().pipeline();
      for (const [field, n] of Object.entries(counts)) pipeline.hincrby(key, field, n);
      for (const [field, n] of Object.entries(sums)) pipeline.hincrbyfloat(key, field, n);
      return pipeline.exec();
    },
    read: () => redis().hgetall(key),
  };
}

export interface MetricsOptions {
  /** The jobs in each queue of the deployment, read when scraped: a sync that stalls shows as jobs waiting, not as quiet. */
  queueDepths?: () => Promise<QueueJobCounts[]>;
  /**
   * A label telling this process's own series apart, when several API processes answer on one port
   * (npm start with API_PROCESSES): each scrape reached one of them, and its counters jumped
   * between their values, which Prometheus reads as resets.
   */
  processLabel?: string;
}

const QUEUE_HELP = 'Jobs in each queue of the deployment, by state, read from Redis when scraped (waiting jobs that keep growing: the worker is behind or stopped)';
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** One registry per process (tests make their own), exposed at GET /metrics. */
export function createMetrics(store?: SyncFigureStore, { queueDepths, processLabel }: MetricsOptions = {}) {
  const registry = new Registry();
  if (processLabel) registry.setDefaultLabels({ process: processLabel });
  collectDefaultMetrics({ register: registry });
  // This process's own sync figures. With a store, GET /metrics shows the deployment's instead.
  const local = store ? new Registry() : registry;
  const syncLag = new Histogram({ name: 'contacts_sync_lag_seconds', help: SYNC_LAG_HELP, buckets: SYNC_LAG_BUCKETS, registers: [local] });
  const syncedContacts = new Counter({ name: 'contacts_synced_total', help: SYNCED_HELP, labelNames: ['op'] as const, registers: [local] });
  const searchableLag = new Histogram({ name: 'contacts_searchable_lag_seconds', help: SEARCHABLE_LAG_HELP, buckets: SYNC_LAG_BUCKETS, registers: [local] });

  /** The first bucket holding a lag (the store keeps one count per bucket, read back cumulatively). */
  const bucketOf = (lagSeconds: number) => SYNC_LAG_BUCKETS.findIndex((le) => lagSeconds <= le);

  /** Contacts this process has written to the index, with the seconds since their write. */
  function recordSynced(synced: { lagSeconds: number; op: 'index' | 'delete' }[]): void {
    if (!synced.length) return;
    const fields: Record<string, number> = { count: synced.length };
    let sum = 0;
    for (const { lagSeconds, op } of synced) {
      syncLag.observe(lagSeconds);
      syncedContacts.inc({ op });
      sum += lagSeconds;
      fields[op] = (fields[op] ?? 0) + 1;
      const bucket = bucketOf(lagSeconds);
      if (bucket >= 0) fields[`b${bucket}`] = (fields[`b${bucket}`] ?? 0) + 1;
    }
    // Figures lost while Redis is away are figures, not writes: never waited for.
    store?.add(fields, { sum }).catch(() => undefined);
  }

  /** A sampled write found by a search, with the seconds since the write (searchable-probe.ts). */
  function recordSearchable(lagSeconds: number): void {
    searchableLag.observe(lagSeconds);
    const bucket = bucketOf(lagSeconds);
    store?.add({ s_count: 1, ...(bucket >= 0 ? { [`s_b${bucket}`]: 1 } : {}) }, { s_sum: lagSeconds }).catch(() => undefined);
  }

  async function sharedFigures(): Promise<string> {
    let fields: Record<string, string>;
    try {
      fields = await withTimeout(store!.read(), 1000, 'reading the sync figures');
    } catch {
      return '# contacts_sync_lag_seconds, contacts_searchable_lag_seconds and contacts_synced_total: unavailable (Redis is away)\n';
    }
    const n = (field: string) => Number(fields[field] ?? 0);
    const lines = [
      ...histogramLines('contacts_sync_lag_seconds', SYNC_LAG_HELP, (f) => n(f)),
      ...histogramLines('contacts_searchable_lag_seconds', SEARCHABLE_LAG_HELP, (f) => n(`s_${f}`)),
    ];
    lines.push(`# HELP contacts_synced_total ${SYNCED_HELP}`, '# TYPE contacts_synced_total counter');
    for (const op of ['index', 'delete']) lines.push(`contacts_synced_total{op="${op}"} ${n(op)}`);
    return `${lines.join('\n')}\n`;
  }

  return {
    registry,
    syncLag,
    syncedContacts,
    searchableLag,
    recordSynced,
    recordSearchable,
    /** The Prometheus text of GET /metrics: this process's figures, and the deployment's sync figures. */
    async exposition(): Promise<string> {
      const own = await registry.metrics();
      const shared = [store ? await sharedFigures() : '', queueDepths ? await queueLines(queueDepths) : ''].join('');
      return shared ? `${own}${own.endsWith('\n') ? '' : '\n'}${shared}` : own;
    },
    httpDuration: new Histogram({
      name: 'contacts_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

async function queueLines(queueDepths: () => Promise<QueueJobCounts[]>): Promise<string> {
  let depths: QueueJobCounts[];
  try {
    depths = await withTimeout(queueDepths(), 1000, 'reading the queue depths');
  } catch {
    return '# contacts_queue_jobs: unavailable (Redis is away)\n';
  }
  const lines = [`# HELP contacts_queue_jobs ${QUEUE_HELP}`, '# TYPE contacts_queue_jobs gauge'];
  for (const { queue, counts } of depths) {
    for (const state of QUEUE_STATES) lines.push(`contacts_queue_jobs{queue="${queue}",state="${state}"} ${counts[state] ?? 0}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A lag histogram in Prometheus text from the store's per-bucket counts (`b0`…, `count`, `sum`). */
function histogramLines(name: string, help: string, n: (field: string) => number): string[] {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} histogram`];
  let cumulative = 0;
  SYNC_LAG_BUCKETS.forEach((le, i) => {
    cumulative += n(`b${i}`);
    lines.push(`${name}_bucket{le="${le}"} ${cumulative}`);
  });
  lines.push(`${name}_bucket{le="+Inf"} ${n('count')}`);
  lines.push(`${name}_sum ${Math.round(n('sum') * 1000) / 1000}`);
  lines.push(`${name}_count ${n('count')}`);
  return lines;
}
