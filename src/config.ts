import path from 'node:path';
import { z } from 'zod';

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  MONGODB_URI: z.string().default('mongodb://127.0.0.1:27017/contacts'),
  ELASTICSEARCH_URL: z.string().url().default('http://127.0.0.1:9200'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  // The alias the application reads and writes; versioned indices sit behind it.
  CONTACTS_INDEX: z.string().regex(/^[a-z0-9_-]+$/).default('contacts'),
  INDEX_SHARDS: z.coerce.number().int().min(1).default(1),
  INDEX_REPLICAS: z.coerce.number().int().min(0).default(0),
  QUEUE_PREFIX: z.string().min(1).default('contacts'),
  SYNC_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
  SYNC_BATCH_WAIT_MS: z.coerce.number().int().min(0).max(5000).default(20),
  SYNC_CONCURRENCY: z.coerce.number().int().min(1).max(5000).default(1000),
  // Bulk requests the worker runs at once; more only crowds two cores.
  SYNC_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(64).default(2),
  SWEEP_EVERY_MS: z.coerce.number().int().min(100).default(60000),
  // A contact still marked after this long is presumed to have lost its sync job.
  SWEEP_GRACE_MS: z.coerce.number().int().min(0).default(10000),
  // Deleting a label carried by more contacts than this answers at once and leaves them to a job.
  LABEL_REMOVAL_IN_REQUEST: z.coerce.number().int().min(0).default(1000),
  // Tests switch this on: a query by anything but _id on a contact-sized collection throws (src/shared/id-only-guard.ts).
  ENFORCE_ID_ONLY: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  // How long a freshly taken email/phone/identifier key is respected before its contact holds it (see contact-keys.ts).
  KEY_CLAIM_GRACE_MS: z.coerce.number().int().min(0).default(60000),
  // Outbound message delivery: tries per message, the first retry's delay (doubling after), and
  // how long one provider call may take before it counts as a timeout (and is retried).
  DELIVERY_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  DELIVERY_BACKOFF_MS: z.coerce.number().int().min(1).default(2000),
  DELIVERY_TIMEOUT_MS: z.coerce.number().int().min(100).default(10000),
  MAX_PER_PAGE: z.coerce.number().int().min(1).max(10000).default(500),
  // Where uploaded import files wait for the worker; the API and the worker must both see it.
  UPLOAD_DIR: z.string().min(1).default(path.resolve(__dirname, '..', '.local', 'uploads')),
  IMPORT_MAX_BYTES: z.coerce.number().int().min(1).default(512 * 1024 * 1024),
  // csv-parser cannot skip past an over-long row, so one stops the import with a clear error.
  IMPORT_MAX_ROW_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
  IMPORT_BATCH_SIZE: z.coerce.number().int().min(1).max(10000).default(1000),
  // A batch also ends once its rows hold this many characters.
  IMPORT_BATCH_MAX_CHARS: z.coerce.number().int().min(1).default(16 * 1024 * 1024),
  IMPORT_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
  // The console's built assets (npm run build:console), served at /app.
  CONSOLE_DIR: z.string().min(1).default(path.resolve(__dirname, '..', 'console', 'dist')),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = Readonly<z.infer<typeof envSchema>>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  return Object.freeze(parsed.data);
}
