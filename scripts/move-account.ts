// Moves one account's contacts to an Elasticsearch index of its own, or back to the shared
// alias, while the API and the sync worker keep running (see src/search/move-account.ts and the
// README, "An account's own index"). Prints progress on stderr and a JSON report on stdout;
// exit code 1 when the move stopped midway (run the same command again to finish it).
//
//   npm run move-account -- --account 7 [--shards 3] [--replicas 1]   to an index of its own
//   npm run move-account -- --account 7 --back                          back to the shared index
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config';
import { createDependencies } from '../src/dependencies';
import { MoveRefused } from '../src/search/move-account';
import { createLogger } from '../src/shared/logger';

const USAGE = 'usage: move-account --account <id> [--shards <n>] [--replicas <n>] | --account <id> --back';

const positive = (value: string | undefined, fallback: number, min: number) => {
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(USAGE);
  return n;
};

async function main() {
  const { values } = parseArgs({
    options: { account: { type: 'string' }, shards: { type: 'string' }, replicas: { type: 'string' }, back: { type: 'boolean', default: false } },
  });
  const accountId = positive(values.account, 0, 1);
  const config = loadConfig();
  const shards = positive(values.shards, config.INDEX_SHARDS, 1);
  const replicas = positive(values.replicas, config.INDEX_REPLICAS, 0);
  const deps = await createDependencies(config, createLogger(process.env.LOG_LEVEL ?? 'warn', 'move-account'));
  try {
    if (!(await deps.models.accounts.exists({ _id: accountId }))) throw new Error(`account ${accountId} does not exist`);
    let lastPrint = 0;
    const started = Date.now();
    const report = await deps.moveAccount(accountId, {
      toOwn: !values.back,
      shards,
      replicas,
      onProgress(phase, r) {
        const often = phase === 'copy' || phase === 'reconcile' || phase === 'catch-up' || phase === 'cleanup';
        if (often && Date.now() - lastPrint < 2000) return;
        lastPrint = Date.now();
        const checked = r.reconcile ? `, reconciled ${r.reconcile.indexed} (behind ${r.reconcile.behind}, orphans ${r.reconcile.orphans})` : '';
        process.stderr.write(`${((Date.now() - started) / 1000).toFixed(0)} s ${phase}: ${r.from} → ${r.to}, copied ${r.copied}${checked}, missing ${r.missing}, removed ${r.removed}, failed ${r.failed.length}\n`);
      },
    });
    console.log(JSON.stringify(report, null, 2));
    process.exitCode = report.failed.length ? 1 : 0;
  } catch (err) {
    if (!(err instanceof MoveRefused)) throw err;
    console.error(err.message);
    process.exitCode = 1;
  } finally {
    await deps.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
