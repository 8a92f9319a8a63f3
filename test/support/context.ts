import { randomUUID } from 'node:crypto';
import type { Client } from '@elastic/elasticsearch';
import mongoose from 'mongoose';
import request from 'supertest';
import type { Express } from 'express';
import { buildApp } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';
import { createDependencies, type Dependencies } from '../../src/dependencies';
import { createElasticsearchClient } from '../../src/shared/elasticsearch';
import { createLogger } from '../../src/shared/logger';

export interface TestAccount {
  id: number;
  adminToken: string;
  agentToken: string;
  /** Path under the account's API root, e.g. path('/contacts'). */
  path: (suffix: string) => string;
}

export interface TestContext {
  deps: Dependencies;
  app: Express;
  http: ReturnType<typeof request>;
  createAccount: () => Promise<TestAccount>;
  /** Waits until every contact of the account is indexed, then refreshes the index. */
  settle: (accountId: number) => Promise<void>;
  close: () => Promise<void>;
}

/** Test settings: the real local services, a test database and index, a queue prefix of this file's own. */
export function testConfig(overrides: Partial<Record<keyof Config, string>> = {}): Config {
  return loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    MONGODB_URI: process.env.TEST_MONGODB_URI ?? 'mongodb://127.0.0.1:27017/contacts_test',
    CONTACTS_INDEX: process.env.TEST_CONTACTS_INDEX ?? 'contacts_test',
    QUEUE_PREFIX: `test-${randomUUID()}`,
    // No sweep while a file runs; tests of the sweep set their own interval. Tests leave states a
    // lost job leaves (a definition retiring without its job, a write marked pending and never
    // queued), which a sweep mends, and bull fires a repeated job at each multiple of its
    // interval since the epoch: at 30 s one fell inside such a test now and then, whenever the
    // file started, and finished a definition's job before the test looked (a CI run of
    // definition-resync.api.test.ts). A day keeps it out. It also keeps `settle` honest: a mark
    // only the sweep would clear (a write that lost its contact to another, lost-marks.api.test.ts)
    // now fails the test that waits for it, instead of passing whenever a sweep came by.
    SWEEP_EVERY_MS: '86400000',
    SWEEP_GRACE_MS: '500',
    // Files share one database but each has queues of its own: a worker's delivery sweep would
    // take another file's queued messages for lost and deliver them itself. The sweep's own test
    // runs on a database of its own.
    DELIVERY_SWEEP_GRACE_MS: '86400000',
    SYNC_BATCH_WAIT_MS: '5',
    // Every path the tests exercise is checked against the _id-only rule.
    ENFORCE_ID_ONLY: 'true',
    // bcrypt's lowest cost: tests make many users; production's cost is the default.
    PASSWORD_HASH_COST: '4',
    // Files share the runner's IP: limits high enough never to matter unless a test sets its own.
    SIGN_IN_RATE_LIMIT: '1000',
    PUBLIC_RATE_LIMIT: '100000',
    // The fake SMS/WhatsApp providers listen on loopback.
    OUTBOUND_ALLOWED_HOSTS: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...overrides,
  });
}

export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function startTestContext(options: { worker?: boolean; config?: Config; es?: Client } = {}): Promise<TestContext> {
  const config = options.config ?? testConfig();
  const deps = await createDependencies(config, createLogger(config.LOG_LEVEL), { es: options.es });
  await deps.startIndex();
  if (options.worker !== false) await deps.startWorker();
  const app = buildApp(deps);

  async function createAccount(): Promise<TestAccount> {
    const account = await deps.services.accounts.createAccount(`test ${randomUUID()}`);
    const admin = await deps.services.accounts.createUser({ accountId: account.id, role: 'administrator', name: 'Admin', email: `admin-${randomUUID()}@test.local` });
    const agent = await deps.services.accounts.createUser({ accountId: account.id, role: 'agent', name: 'Agent', email: `agent-${randomUUID()}@test.local` });
    return {
      id: account.id,
      adminToken: admin.accessToken,
      agentToken: agent.accessToken,
      path: (suffix) => `/api/v1/accounts/${account.id}${suffix}`,
    };
  }

  async function settle(accountId: number) {
    // A write is marked pending before it is made and unmarked once the index holds it.
    await waitFor(async () => !(await deps.models.pendingSync.exists({ account_id: accountId })), `contacts of account ${accountId} to be indexed`);
    await deps.search.refresh();
  }

  // Every response an API test receives is checked against the API document (status, media
  // type, body schema, declared headers); close() fails the file if one did not match.
  const mismatches: string[] = [];
  const http = documentChecked(request(app), mismatches);

  return {
    deps,
    app,
    http,
    createAccount,
    settle,
    close: async () => {
      await deps.close();
      if (mismatches.length) throw new Error(`responses that do not match the API document:\n${[...new Set(mismatches)].join('\n')}`);
    },
  };
}

type Http = ReturnType<typeof request>;

/** The body a supertest request sent (superagent keeps it in `_data`, an upload in `_formData`). */
function sentBodyOf(test: object): import('../openapi/document-support').SentBody {
  const { _formData: form, _header: header = {} } = test as { _formData?: unknown; _header?: Record<string, string> };
  let { _data: data } = test as { _data?: unknown };
  if (form) return 'multipart';
  if (data === undefined || data === null) return { json: undefined };
  const type = String(header['content-type'] ?? 'application/json');
  if (!/^application\/json\b/i.test(type)) return 'other';
  // Bytes sent as they are (a test's .serialize): their text is the JSON.
  if (Buffer.isBuffer(data)) data = data.toString('utf8');
  // As sent: keys whose value is undefined are not in the JSON.
  if (typeof data !== 'string') return { json: JSON.parse(JSON.stringify(data)) };
  try {
    return { json: JSON.parse(data) };
  } catch {
    return 'other';
  }
}

/** `http` whose every response is checked against the API document; what does not match is added to `mismatches`. */
export function documentChecked(http: Http, mismatches: string[]): Http {
  for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
    const send = http[method].bind(http);
    (http as Record<typeof method, (url: string) => ReturnType<typeof send>>)[method] = (url: string) => {
      const test = send(url);
      return test.on('response', (res: { status: number; body: unknown; text?: string; headers: Record<string, string> }) => {
        // Required when used: the document support builds the document with this file's testConfig.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { documentMismatch } = require('../openapi/document-support') as typeof import('../openapi/document-support');
        const problem = documentMismatch(method, url, res, sentBodyOf(test));
        if (problem) mismatches.push(problem);
      });
    };
  }
  return http;
}

/**
 * A context on a database and an index of its own (the test database's and index's names plus
 * `suffix`), emptied first: for a migration test, whose one full read must see only the records
 * the test wrote. The index is its own too: the database's ids start again at 1, and its contacts
 * in the shared index would take the _ids (and accounts) of other files' contacts.
 */
export async function startTestContextOnOwnDatabase(
  suffix: string,
  options: { worker?: boolean; config?: Partial<Record<keyof Config, string>> } = {},
): Promise<TestContext> {
  const uri = `${process.env.TEST_MONGODB_URI ?? 'mongodb://127.0.0.1:27017/contacts_test'}_${suffix}`;
  const index = `${process.env.TEST_CONTACTS_INDEX ?? 'contacts_test'}_${suffix}`;
  const conn = await mongoose.createConnection(uri).asPromise();
  await conn.dropDatabase();
  await conn.close();
  const config = testConfig({ MONGODB_URI: uri, CONTACTS_INDEX: index, ...options.config });
  await dropTestIndex(config);
  const ctx = await startTestContext({ worker: options.worker, config });
  return { ...ctx, close: () => ctx.close().finally(() => dropTestIndex(config)) };
}

/** Deletes the indices behind the config's index alias, and accounts' own indices beside it, if there are any. */
export async function dropTestIndex(config: Config): Promise<void> {
  const es = createElasticsearchClient(config.ELASTICSEARCH_URL);
  try {
    if (await es.indices.existsAlias({ name: config.CONTACTS_INDEX })) {
      await es.indices.delete({ index: Object.keys(await es.indices.getAlias({ name: config.CONTACTS_INDEX })) });
    }
    // Elasticsearch deletes indices by name only: listed first.
    const own = Object.keys(await es.indices.get({ index: `${config.CONTACTS_INDEX}_account_*`, allow_no_indices: true }));
    if (own.length) await es.indices.delete({ index: own });
  } finally {
    await es.close();
  }
}

/**
 * The usual frame of an API test file: one context (app, worker, real services) and one
 * account, started before its tests and closed after; `use` receives them.
 */
export function withTestAccount(use: (ctx: TestContext, account: TestAccount) => void, options: Parameters<typeof startTestContext>[0] = {}): void {
  let started: TestContext | undefined;
  beforeAll(async () => {
    started = await startTestContext(options);
    use(started, await started.createAccount());
  });
  afterAll(() => started?.close());
}
