import { loadConfig } from './config';
import { createDependencies } from './dependencies';
import { createLogger } from './shared/logger';
import { isSupervised, reportReady, runUntilSignal } from './shared/lifecycle';

async function main() {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'contacts-worker');
  const deps = await createDependencies(config, logger);
  await deps.startIndex();
  await deps.startWorker();
  logger.info('sync worker started');
  // Active jobs get most of the time allowed (bull waits for them); a running import stops at its
  // next batch boundary, checkpointed, and resumes from there in a live worker.
  runUntilSignal(
    logger,
    async () => {
      const unclean = await deps.close(config.SHUTDOWN_TIMEOUT_MS / 2);
      if (unclean.length) throw new Error(`not closed cleanly: ${unclean.join(', ')}`);
    },
    config.SHUTDOWN_TIMEOUT_MS,
    { supervised: isSupervised() },
  );
  reportReady();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
