// The test command's closing line: how many tests passed and failed, from the JSON reports of
// jest and of Playwright (when the browser tests ran), as "Tests: N passed, M failed". CI reads
// a run's last such line to know that tests ran; jest's own summary ("801 passed, 801 total")
// is not a form it reads.
//
//   ts-node scripts/test-summary.ts JEST_JSON [PLAYWRIGHT_JSON]
import { existsSync, readFileSync } from 'node:fs';

type Counts = { passed: number; failed: number; skipped: number };

function jestCounts(file: string): Counts {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  // A suite that failed to load counts no test; it still fails the run.
  return { passed: r.numPassedTests, failed: r.numFailedTests + r.numRuntimeErrorTestSuites, skipped: r.numPendingTests + r.numTodoTests };
}

function playwrightCounts(file: string): Counts {
  const { stats } = JSON.parse(readFileSync(file, 'utf8'));
  return { passed: stats.expected + stats.flaky, failed: stats.unexpected, skipped: stats.skipped };
}

const [jestFile, playwrightFile] = process.argv.slice(2);
const parts: Array<[string, Counts]> = [];
if (existsSync(jestFile)) parts.push(['jest', jestCounts(jestFile)]);
if (playwrightFile && existsSync(playwrightFile)) parts.push(['browser', playwrightCounts(playwrightFile)]);
if (parts.length === 0) {
  console.error(`no test report found (${jestFile})`);
  process.exit(1);
}
const total = parts.reduce((t, [, c]) => ({ passed: t.passed + c.passed, failed: t.failed + c.failed, skipped: t.skipped + c.skipped }), { passed: 0, failed: 0, skipped: 0 });
console.log(`(${parts.map(([name, c]) => `${name} ${c.passed} passed, ${c.failed} failed`).join('; ')})`);
console.log(`Tests: ${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
