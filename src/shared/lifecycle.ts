import type { Logger } from './logger';

/**
 * Runs `shutdown` once on SIGINT/SIGTERM, then exits 0. If it has not finished after
 * `timeoutMs` (a dependency that is gone can leave a close waiting for ever), the process exits
 * 1 anyway; a second signal exits 1 at once.
 */
export function runUntilSignal(logger: Logger, shutdown: () => Promise<void>, timeoutMs: number): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal, timeoutMs }, 'shutting down');
    setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, timeoutMs);
    shutdown().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** Settles when `promise` does or after `ms`, whichever is first; says which. Never rejects. */
export async function settleWithin(promise: Promise<unknown>, ms: number): Promise<'done' | 'failed' | 'timed out'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timed out'>((resolve) => {
    timer = setTimeout(() => resolve('timed out'), ms);
  });
  try {
    return await Promise.race([promise.then(() => 'done' as const, () => 'failed' as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
