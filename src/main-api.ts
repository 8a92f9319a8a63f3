import { buildApp } from './app';
import { loadConfig } from './config';
import { createDependencies } from './dependencies';
import { createLogger } from './shared/logger';
import { runUntilSignal } from './shared/lifecycle';

export async function startApi(options: { withWorker?: boolean } = {}) {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'contacts-api');
  const deps = await createDependencies(config, logger);
  await deps.ensureIndex();
  if (options.withWorker) await deps.startWorker();
  const server = buildApp(deps).listen(config.PORT, () => logger.info({ port: config.PORT, worker: !!options.withWorker }, 'listening'));
  runUntilSignal(logger, async () => {
    await new Promise((resolve) => server.close(resolve));
    await deps.close();
  });
}

if (require.main === module) {
  startApi({ withWorker: process.env.WITH_WORKER === 'true' }).catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
