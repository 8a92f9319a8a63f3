import type { Server } from 'node:http';
import resetTestStores from '../../test/support/global-setup';
import { startTestContext, testConfig } from '../../test/support/context';

/**
 * Starts the service with its sync worker on E2E_PORT against the e2e database and index
 * (emptied first, as the API tests' global setup does), serving the built console at /app.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  await resetTestStores();
  // Message delivery retried quickly, so a test sees the final status within seconds.
  const ctx = await startTestContext({ config: testConfig({ DELIVERY_BACKOFF_MS: '200', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
  const port = Number(new URL(process.env.E2E_BASE_URL!).port);
  const server: Server = await new Promise((resolve) => {
    const s = ctx.app.listen(port, '127.0.0.1', () => resolve(s));
  });
  return async () => {
    await new Promise((resolve) => server.close(resolve));
    await ctx.close();
  };
}
