interface Waiting {
  ids: number[];
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Gathers the ids of many small sync jobs into one MongoDB read and one bulk request. A job
 * settles when its own ids are done, and fails only if one of its own ids failed.
 */
export function createBatcher(
  run: (ids: number[]) => Promise<{ failed: Map<number, string> }>,
  options: { maxSize: number; maxWaitMs: number },
) {
  let waiting: Waiting[] = [];
  let size = 0;
  let timer: NodeJS.Timeout | undefined;

  function flush() {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = waiting;
    waiting = [];
    size = 0;
    run(batch.flatMap((w) => w.ids)).then(
      ({ failed }) => {
        for (const w of batch) {
          const bad = w.ids.filter((id) => failed.has(id));
          if (bad.length) w.reject(new Error(`contacts ${bad.join(', ')} not indexed: ${failed.get(bad[0])}`));
          else w.resolve();
        }
      },
      (err: Error) => batch.forEach((w) => w.reject(err)),
    );
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
