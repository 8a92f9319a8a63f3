export interface RetryInBackground {
  /** The first attempt: resolves if it succeeds, rejects with its error if it fails (later attempts follow on their own). */
  first: Promise<void>;
  /** Whether an attempt has succeeded. */
  succeeded(): boolean;
  /** No attempt after the one in flight, if any: settles once that one has (shutdown). */
  stop(): Promise<void>;
}

export interface RetryOptions {
  firstDelayMs: number;
  maxDelayMs: number;
  /** Each failure after the first (the caller has the first's error from `first`), with the wait before the next attempt. */
  onRetry(err: unknown, nextInMs: number): void;
  /** An attempt after a failed first one succeeded. */
  onRecovered?(): void;
}

/**
 * Runs `attempt` at once and, while it fails, again after a wait that doubles each time up to
 * `maxDelayMs`, until one succeeds or `stop` is called. For start-up work that needs a service
 * which may be away when the process starts: the process goes on serving meanwhile.
 */
export function retryInBackground(attempt: () => Promise<void>, options: RetryOptions): RetryInBackground {
  let ok = false;
  let stopped = false;
  let inFlight: Promise<void>;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;

  const run = () => {
    inFlight = attempt().then(() => {
      ok = true;
    });
    return inFlight;
  };
  const first = run();

  async function keepTrying() {
    try {
      await first;
      return;
    } catch {
      // The caller has this one's error from `first`.
    }
    for (let delay = options.firstDelayMs; ; delay = Math.min(delay * 2, options.maxDelayMs)) {
      if (stopped) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, delay);
      });
      if (stopped) return;
      try {
        await run();
        options.onRecovered?.();
        return;
      } catch (err) {
        if (stopped) return;
        options.onRetry(err, Math.min(delay * 2, options.maxDelayMs));
      }
    }
  }
  void keepTrying();

  return {
    first,
    succeeded: () => ok,
    stop() {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      return inFlight.then(
        () => undefined,
        () => undefined,
      );
    },
  };
}
