import { loadConfig } from './config';
import { createDependencies } from './dependencies';
import { createLogger } from './shared/logger';
import { runUntilSignal } from './shared/lifecycle';

async function main() {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'contacts-worker');
  const deps = await createDependencies(config, logger);
  await deps.ensureIndex();
  await deps.startWorker();
  logger.info('sync worker started');
  runUntilSignal(logger, () => deps.close());
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
