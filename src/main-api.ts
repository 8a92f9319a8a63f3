import { buildApp } from './app';
import { loadConfig } from './config';
import { createDependencies } from './dependencies';
import { answerClientErrors } from './shared/client-error';
import { createLogger } from './shared/logger';
import { isSupervised, reportReady, runUntilSignal, settleWithin } from './shared/lifecycle';

export async function startApi(options: { withWorker?: boolean } = {}) {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'contacts-api');
  const deps = await createDependencies(config, logger);
  await deps.startIndex();
  const withWorker = options.withWorker ?? config.WITH_WORKER ?? false;
  if (withWorker) await deps.startWorker();
  const server = buildApp(deps).listen(config.PORT, () => {
    logger.info({ port: config.PORT, worker: withWorker }, 'listening');
    reportReady();
  });
  answerClientErrors(server, { requestSeconds: config.REQUEST_TIMEOUT_SECONDS, headersSeconds: 60 });
  // First no new requests, and the requests in flight finish (half the time allowed); then the
  // queues and connections close, each bounded, within the rest. Past SHUTDOWN_TIMEOUT_MS the
  // process exits 1 whatever is still open. With the worker in this process, its jobs in flight
  // get what the other steps leave: cut at a seventh of the time (1.4 s), a message a slow
  // provider had accepted was sent again after the restart.
  const step = config.SHUTDOWN_TIMEOUT_MS / 7;
  runUntilSignal(
    logger,
    async () => {
      const started = Date.now();
      const closed = new Promise((resolve) => server.close(resolve));
      // Keep-alive connections go as soon as their request is answered.
      const idle = setInterval(() => server.closeIdleConnections(), 100);
      server.closeIdleConnections();
      const http = await settleWithin(closed, config.SHUTDOWN_TIMEOUT_MS / 2);
      clearInterval(idle);
      if (http !== 'done') {
        server.closeAllConnections();
        logger.warn({ outcome: http }, 'requests still in flight at shutdown were cut');
      }
      const left = config.SHUTDOWN_TIMEOUT_MS - (Date.now() - started);
      const unclean = await deps.close(step, withWorker ? Math.max(step, left - 4 * step) : step);
      if (http !== 'done') unclean.unshift(`HTTP requests ${http}`);
      if (unclean.length) throw new Error(`not closed cleanly: ${unclean.join(', ')}`);
    },
    config.SHUTDOWN_TIMEOUT_MS,
    { supervised: isSupervised() },
  );
}

if (require.main === module) {
  startApi().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
