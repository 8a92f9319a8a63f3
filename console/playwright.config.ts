import { defineConfig } from '@playwright/test';

// The browser tests run the real service in-process (e2e/global-setup.ts) on its own port,
// database and index, and drive Debian's Chromium (Playwright's browser download cannot work
// here). The runner and its workers both read this file, so the settings below reach both.
const port = Number(process.env.E2E_PORT ?? 3931);
process.env.E2E_BASE_URL = `http://127.0.0.1:${port}`;
process.env.TEST_MONGODB_URI = process.env.E2E_MONGODB_URI ?? 'mongodb://127.0.0.1:27017/contacts_test_e2e';
process.env.TEST_CONTACTS_INDEX = process.env.E2E_CONTACTS_INDEX ?? 'contacts_test_e2e';

export default defineConfig({
  testDir: './e2e',
  globalSetup: './e2e/global-setup.ts',
  // One browser at a time: the machine has two cores, shared with the service and its stores.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  outputDir: '../.local/e2e-results',
  // The JSON report gives scripts/test.sh its count for the run's closing line.
  reporter: [['list'], ['json', { outputFile: '../.local/test-results/e2e.json' }]],
  use: {
    baseURL: process.env.E2E_BASE_URL,
    locale: 'en-US',
    viewport: { width: 1400, height: 900 },
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
  },
});
