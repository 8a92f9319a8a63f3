interface Waiting {
  ids: number[];
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Gathers the ids of many small sync jobs into one MongoDB read and one bulk request. A job
 * settles when its own ids are done, and fails only if one of its own ids failed.
 *
 * At most `maxInFlight` batches run at once. The queue hands over many jobs at a time (an
 * import queues thousands); without the bound each would start its own read and bulk request,
 * holding every contact of every job in memory at once and crowding MongoDB. Ids that arrive
 * while the runs are busy wait and leave together, in batches of up to `maxSize`.
 */
export function createBatcher(
  run: (ids: number[]) => Promise<{ failed: Map<number, string> }>,
  options: { maxSize: number; maxWaitMs: number; maxInFlight: number },
) {
  let waiting: Waiting[] = [];
  let size = 0;
  let inFlight = 0;
  let timer: NodeJS.Timeout | undefined;

  /** Takes waiting jobs up to maxSize ids (at least one job, however large). */
  function take(): Waiting[] {
    let count = 0;
    let n = 0;
    while (n < waiting.length && (n === 0 || count + waiting[n].ids.length <= options.maxSize)) {
      count += waiting[n].ids.length;
      n += 1;
    }
    const batch = waiting.slice(0, n);
    waiting = waiting.slice(n);
    size -= count;
    return batch;
  }

  function flush() {
    if (timer) clearTimeout(timer);
    timer = undefined;
    while (inFlight < options.maxInFlight && waiting.length) start(take());
  }

  function start(batch: Waiting[]) {
    inFlight += 1;
    run(batch.flatMap((w) => w.ids))
      .then(
        ({ failed }) => {
          for (const w of batch) {
            const bad = w.ids.filter((id) => failed.has(id));
            if (bad.length) w.reject(new Error(`contacts ${bad.join(', ')} not indexed: ${failed.get(bad[0])}`));
            else w.resolve();
          }
        },
        (err: Error) => batch.forEach((w) => w.reject(err)),
      )
      .finally(() => {
        inFlight -= 1;
        // What arrived meanwhile has waited long enough already.
        flush();
      });
  }

  return function submit(ids: number[]): Promise<void> {
    return new Promise((resolve, reject) => {
      waiting.push({ ids, resolve, reject });
      size += ids.length;
      if (size >= options.maxSize) flush();
      else timer ??= setTimeout(flush, options.maxWaitMs);
    });
  };
}
