import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from './search/query-limits';
import { elasticsearchNodes } from './shared/elasticsearch';

// Signs cursors in development and tests only: production must set its own (below), or anyone
// who reads this file could make cursors the service trusts.
const DEVELOPMENT_CURSOR_SECRET = 'contacts-development-cursor-secret-not-for-production';

const limit = (fallback: number, min = 1) => z.coerce.number().int().min(min).default(fallback);

const isHttpUrl = (url: string) => URL.canParse(url) && ['http:', 'https:'].includes(new URL(url).protocol);

// What express's "trust proxy" takes besides false and a hop count: addresses, ranges and the names
// of ranges. Anything else passed the start and failed every request ("invalid IP address").
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
function isTrustProxy(value: string): boolean {
  if (value === 'false' || /^\d+$/.test(value)) return true;
  return value.split(',').every((item) => {
    const [address, bits, ...rest] = item.trim().split('/');
    if (PROXY_RANGE_NAMES.has(address) && bits === undefined) return true;
    const family = isIP(address);
    if (!family || rest.length) return false;
    return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
  });
}

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  // src/main-cluster.ts: API processes sharing PORT, and sync worker processes beside them.
  API_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
  WORKER_PROCESSES: z.coerce.number().int().min(0).max(64).default(0),
  MONGODB_URI: z
    .string()
    .default('mongodb://127.0.0.1:27017/contacts')
    .refine((v) => /^mongodb(\+srv)?:\/\/./.test(v), 'must be a MongoDB connection string (mongodb://host:port/database or mongodb+srv://…)'),
  // One URL, or a cluster's nodes separated by commas: the client spreads requests over them and
  // passes over a node that is down, so losing one node does not stop searches.
  ELASTICSEARCH_URL: z
    .string()
    .default('http://127.0.0.1:9200')
    .refine((v) => elasticsearchNodes(v).every(isHttpUrl), 'must be an http:// or https:// URL, or such URLs separated by commas'),
  // A URL ioredis reads; anything else it took for a host name and retried for ever, every queue idle.
  REDIS_URL: z
    .string()
    .default('redis://127.0.0.1:6379')
    .refine((v) => /^rediss?:\/\/./.test(v), 'must be a redis:// or rediss:// URL'),
  // Whether an API process runs the sync worker too (npm run start:api: false; npm start: true).
  WITH_WORKER: z
    .string()
    .transform((v) => v.trim().toLowerCase())
    .pipe(z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' }))
    .transform((v) => v === 'true' || v === '1')
    .optional(),
  // The alias the application reads and writes; versioned indices sit behind it.
  CONTACTS_INDEX: z.string().regex(/^[a-z0-9_-]+$/).default('contacts'),
  INDEX_SHARDS: z.coerce.number().int().min(1).default(1),
  INDEX_REPLICAS: z.coerce.number().int().min(0).default(0),
  // How old a process's view of which accounts have an index of their own may be (a move waits
  // this long, and a little more, between its steps).
  INDEX_PLACEMENT_REFRESH_MS: z.coerce.number().int().min(50).default(1000),
  // How long a move waits after each step: longer than the refresh above plus the longest search
  // or sync batch in flight, so that no process still acts on the step before.
  INDEX_MOVE_WAIT_MS: z.coerce.number().int().min(100).default(6000),
  QUEUE_PREFIX: z.string().min(1).default('contacts'),
  SYNC_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
  SYNC_BATCH_WAIT_MS: z.coerce.number().int().min(0).max(5000).default(20),
  SYNC_CONCURRENCY: z.coerce.number().int().min(1).max(5000).default(1000),
  // Bulk requests the worker runs at once; more only crowds two cores.
  SYNC_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(64).default(2),
  SWEEP_EVERY_MS: z.coerce.number().int().min(100).default(60000),
  // A contact still marked after this long is presumed to have lost its sync job.
  SWEEP_GRACE_MS: z.coerce.number().int().min(0).default(10000),
  // A message's first attempt runs within a second or two; its retries stay in the queue (delayed), which the sweep leaves alone.
  DELIVERY_SWEEP_GRACE_MS: z.coerce.number().int().min(0).default(60000),
  // Deleting a label carried by more contacts than this answers at once and leaves them to a job.
  LABEL_REMOVAL_IN_REQUEST: z.coerce.number().int().min(0).default(1000),
  DEFINITION_RESYNC_IN_REQUEST: z.coerce.number().int().min(0).default(1000),
  // Tests switch this on: a query by anything but _id on a contact-sized collection throws (src/shared/id-only-guard.ts).
  ENFORCE_ID_ONLY: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  // How long a freshly taken email/phone/identifier key is respected before its contact holds it (see contact-keys.ts).
  KEY_CLAIM_GRACE_MS: z.coerce.number().int().min(0).default(60000),
  // Outbound message delivery: tries per message, the first retry's delay (doubling after), and
  // how long one provider call may take before it counts as a timeout (and is retried).
  DELIVERY_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  DELIVERY_BACKOFF_MS: z.coerce.number().int().min(1).default(2000),
  DELIVERY_TIMEOUT_MS: z.coerce.number().int().min(100).default(10000),
  // Deliveries one worker runs at once, for all accounts: each mostly waits on a provider, and with
  // 4 a few providers that never answer held every account's messages back for their timeouts.
  DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(32),
  MAX_PER_PAGE: z.coerce.number().int().min(1).max(10000).default(500),
  // How long a request may take to arrive, body included (a slow client holds a connection that
  // long, then gets a 408 naming this); an import's upload of IMPORT_MAX_BYTES must fit in it.
  // Its headers must arrive within 60 s, or within this if shorter.
  REQUEST_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  // Where uploaded import files wait for the worker; the API and the worker must both see it.
  UPLOAD_DIR: z.string().min(1).default(path.resolve(__dirname, '..', '.local', 'uploads')),
  IMPORT_MAX_BYTES: z.coerce.number().int().min(1).default(512 * 1024 * 1024),
  // A longer CSV record is a rejected row (src/import/row-size-guard.ts); it bounds what one row may hold in memory.
  IMPORT_MAX_ROW_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
  IMPORT_BATCH_SIZE: z.coerce.number().int().min(1).max(10000).default(1000),
  // A batch also ends once its rows hold this many characters.
  IMPORT_BATCH_MAX_CHARS: z.coerce.number().int().min(1).default(16 * 1024 * 1024),
  IMPORT_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
  // How long a runner's hold on an import lasts unless renewed (a third of it apart): a worker that died lets another take over after it.
  IMPORT_LEASE_MS: z.coerce.number().int().min(100).default(30000),
  // A background job (import, bulk action, label removal…) whose attempts all failed with MongoDB away is queued again after this long.
  JOB_RESUME_DELAY_MS: z.coerce.number().int().min(10).default(30000),
  BULK_INDEX_WAIT_MS: z.coerce.number().int().min(0).default(30000),
  // People: bcrypt's cost factor (each step doubles the work of a sign-in), and how long a sign-in's session token lasts.
  PASSWORD_HASH_COST: z.coerce.number().int().min(4).max(15).default(11),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(24 * 14),
  // How long an API process may reuse its answer to "who is this token, in this account"
  // (0: never). Every change of access clears it in every process at once (Redis pub/sub);
  // this bounds only what a missed announcement could leave behind.
  AUTH_CACHE_MS: z.coerce.number().int().min(0).default(5000),
  // Rate limits, counted in Redis so that every API process shares them: sign-in per client IP
  // and per email, the website widget's public routes per client IP.
  SIGN_IN_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
  SIGN_IN_RATE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(300),
  PUBLIC_RATE_LIMIT: z.coerce.number().int().min(1).default(300),
  PUBLIC_RATE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  // Express's "trust proxy": behind a proxy, how the client's IP is read from X-Forwarded-For (false, a hop count, or
  // the proxies' addresses). Not true: express then takes the left-most address, which the client writes itself, and
  // every rate limit counts whatever IP a client claims.
  TRUST_PROXY: z
    .string()
    .default('false')
    .refine((v) => v.trim().toLowerCase() !== 'true', {
      message: 'true would trust the X-Forwarded-For a client writes itself (any client could choose the IP its rate limits count): give the hop count of proxies in front (1 for one) or their addresses',
    })
    .refine((v) => v.trim().toLowerCase() === 'true' || isTrustProxy(v), {
      message: 'must be false, a whole number of proxies in front, or their addresses (IPs or CIDR ranges, loopback, linklocal, uniquelocal) separated by commas',
    })
    .transform((v): false | number | string => (v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v)),
  // Hosts a provider URL may name even though they resolve to loopback, private, link-local, reserved or this machine's own addresses (comma-separated).
  OUTBOUND_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((host) => host.trim().toLowerCase()).filter(Boolean)),
  // The console's built assets (npm run build:console), served at /app.
  CONSOLE_DIR: z.string().min(1).default(path.resolve(__dirname, '..', 'console', 'dist')),
  // How long an operation waits for a MongoDB server before failing (a 503 for the API).
  MONGO_TIMEOUT_MS: z.coerce.number().int().min(100).default(1500),
  // How long one MongoDB operation may wait for its answer (or for a pooled connection) before it fails (503).
  MONGO_SOCKET_TIMEOUT_MS: z.coerce.number().int().min(100).default(15000),
  // After SIGTERM, in-flight requests and jobs get this long; then the process exits 1 regardless.
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // When set, GET /metrics answers only requests with `Authorization: Bearer <METRICS_TOKEN>` (Prometheus's
  // bearer_token); unset, it is open, like any Prometheus target, and belongs behind the proxy.
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  // Paging cursors are signed with it (HMAC-SHA256), so a tampered ?after= is a 422.
  CURSOR_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  // How long one search may run (Elasticsearch's timeout; the client gives up a second later): a 503 with Retry-After past it.
  SEARCH_TIMEOUT_MS: z.coerce.number().int().min(1).max(600000).default(5000),
  // What one filter or search may ask of Elasticsearch (src/search/query-limits.ts).
  FILTER_MAX_CONDITIONS: limit(DEFAULT_QUERY_LIMITS.maxConditions),
  FILTER_MAX_VALUES: limit(DEFAULT_QUERY_LIMITS.maxValuesPerCondition),
  FILTER_MAX_TOTAL_VALUES: limit(DEFAULT_QUERY_LIMITS.maxTotalValues),
  FILTER_MAX_SUBSTRING_VALUES: limit(DEFAULT_QUERY_LIMITS.maxSubstringValues, 0),
  FILTER_MAX_WILDCARDS: limit(DEFAULT_QUERY_LIMITS.maxWildcards, 0),
  FILTER_MIN_WILDCARD_LENGTH: limit(DEFAULT_QUERY_LIMITS.minWildcardLength),
  FILTER_MAX_SUBSTRING_LENGTH: limit(DEFAULT_QUERY_LIMITS.maxSubstringLength),
  // Segments one account may save: GET /custom_filters?with_counts=true runs them all in one request.
  SEGMENTS_MAX: z.coerce.number().int().min(1).default(1000),
})
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.CURSOR_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['CURSOR_SECRET'], message: 'must be set when NODE_ENV=production (a random string of at least 32 characters, e.g. `openssl rand -hex 32`)' });
    }
  })
  .transform((env) => ({ ...env, CURSOR_SECRET: env.CURSOR_SECRET ?? DEVELOPMENT_CURSOR_SECRET }));

export type Config = Readonly<z.infer<typeof envSchema>>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // A variable set to nothing (`PORT=`, as an env file or a compose file leaves one) is unset: it
  // was read as 0 (PORT= listened on a random port, SWEEP_GRACE_MS= swept at once).
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = envSchema.safeParse(set);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  return Object.freeze(parsed.data);
}

/** The QueryLimits the FILTER_* settings make. */
export function queryLimitsOf(config: Config): QueryLimits {
  return {
    maxConditions: config.FILTER_MAX_CONDITIONS,
    maxValuesPerCondition: config.FILTER_MAX_VALUES,
    maxTotalValues: config.FILTER_MAX_TOTAL_VALUES,
    maxSubstringValues: config.FILTER_MAX_SUBSTRING_VALUES,
    maxWildcards: config.FILTER_MAX_WILDCARDS,
    minWildcardLength: config.FILTER_MIN_WILDCARD_LENGTH,
    maxSubstringLength: config.FILTER_MAX_SUBSTRING_LENGTH,
  };
}
