// Compares one account's contacts in MongoDB with the Elasticsearch index and repairs the drift
// (see src/search/reconcile.ts). Prints progress on stderr and a JSON report on stdout; exit code
// 1 when a contact could not be repaired.
//
//   npm run reconcile -- --account 1 [--dry-run] [--quick]
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config';
import { createDependencies } from '../src/dependencies';
import type { ReconcileReport } from '../src/search/reconcile';
import { createLogger } from '../src/shared/logger';

const USAGE = 'usage: reconcile --account <id> [--dry-run] [--quick]';

async function main() {
  const { values } = parseArgs({
    options: { account: { type: 'string', multiple: true }, 'dry-run': { type: 'boolean', default: false }, quick: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  // A tool that repairs data takes one account, written as its digits: a repeated --account ran on
  // the last one given, and 1e3 or 0x10 on accounts nobody named.
  const given = values.account ?? [];
  if (given.length !== 1) throw new Error(`${given.length ? '--account given more than once' : '--account is required'}; ${USAGE}`);
  if (!/^[1-9]\d{0,15}$/.test(given[0]) || !Number.isSafeInteger(Number(given[0]))) throw new Error(`--account takes an account id (a positive whole number in digits, without leading zeros); got ${JSON.stringify(given[0])}; ${USAGE}`);
  const accountId = Number(given[0]);

  const deps = await createDependencies(loadConfig(), createLogger(process.env.LOG_LEVEL ?? 'warn', 'reconcile'));
  try {
    if (!(await deps.models.accounts.exists({ _id: accountId }))) throw new Error(`account ${accountId} does not exist`);
    let lastPrint = 0;
    const line = (r: ReconcileReport) => `MongoDB: checked ${r.checked}, behind ${r.behind}; index: walked ${r.indexed}, orphans ${r.orphans}; keys missing ${r.unkeyed}; failed ${r.failed.length}\n`;
    const progress = (r: ReconcileReport) => {
      if (Date.now() - lastPrint < 2000) return;
      lastPrint = Date.now();
      process.stderr.write(line(r));
    };
    const report = await deps.reconcile(accountId, { dryRun: values['dry-run'], quick: values.quick, onProgress: progress });
    // The last figures too: a run shorter than the interval printed only its first batch ("checked 1" of 601).
    process.stderr.write(line(report));
    console.log(JSON.stringify({ account_id: accountId, dry_run: values['dry-run'], ...report }, null, 2));
    process.exitCode = report.failed.length ? 1 : 0;
  } finally {
    await deps.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
