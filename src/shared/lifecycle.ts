import type { Logger } from './logger';

/**
 * Runs `shutdown` once on SIGINT/SIGTERM, then exits 0. If it has not finished after
 * `timeoutMs` (a dependency that is gone can leave a close waiting for ever), the process exits
 * 1 anyway; a second signal exits 1 at once.
 *
 * A process started by the supervisor (`supervised`, src/main-cluster.ts) stops on SIGTERM
 * only: Ctrl-C in a terminal sends SIGINT to the whole process group, and the supervisor
 * answers it with a SIGTERM to each child, which would otherwise be the "second signal". It
 * also stops when the supervisor's channel closes (the supervisor died): nothing else would
 * stop it, and an API process of a cluster gets no more connections then.
 */
export function runUntilSignal(logger: Logger, shutdown: () => Promise<void>, timeoutMs: number, options: { supervised?: boolean } = {}): void {
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
  if (options.supervised) {
    process.on('SIGINT', () => undefined);
    process.on('disconnect', () => stop('supervisor gone'));
  } else process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** Whether the supervisor (src/main-cluster.ts) started this process; it sets this and keeps a channel to it. */
export const isSupervised = () => process.env.CONTACTS_SUPERVISED === 'true' && typeof process.send === 'function';

/** Tells the supervisor, if any, that this process has started (it then restarts it should it die). */
export function reportReady(): void {
  if (isSupervised()) process.send!('ready');
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
