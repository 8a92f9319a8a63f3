import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process (tests make their own), exposed at GET /metrics. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    syncLag: new Histogram({
      name: 'contacts_sync_lag_seconds',
      help: 'Time from a contact write in MongoDB to its indexing request being acknowledged by Elasticsearch (add the index refresh interval, 1 s, for searchable)',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    syncedContacts: new Counter({
      name: 'contacts_synced_total',
      help: 'Contacts written to or removed from the search index',
      labelNames: ['op'] as const,
      registers: [registry],
    }),
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
