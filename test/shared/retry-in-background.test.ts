import { retryInBackground } from '../../src/shared/retry-in-background';

describe('retrying start-up work in the background', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('when attempts fail, then they are made again after waits that double up to the most, until one succeeds', async () => {
    const at: number[] = [];
    const waits: number[] = [];
    const start = Date.now();
    let recovered = false;
    const retry = retryInBackground(
      async () => {
        at.push(Date.now() - start);
        if (at.length < 5) throw new Error(`attempt ${at.length}`);
      },
      { firstDelayMs: 100, maxDelayMs: 300, onRetry: (_err, nextInMs) => waits.push(nextInMs), onRecovered: () => (recovered = true) },
    );
    await expect(retry.first).rejects.toThrow('attempt 1');
    expect(retry.succeeded()).toBe(false);
    await jest.advanceTimersByTimeAsync(100 + 200 + 300 + 300);
    expect(at).toEqual([0, 100, 300, 600, 900]);
    expect(waits).toEqual([200, 300, 300]);
    expect(retry.succeeded()).toBe(true);
    expect(recovered).toBe(true);
    await jest.advanceTimersByTimeAsync(10000);
    expect(at).toHaveLength(5);
  });

  it('when the first attempt succeeds, then there is no other, and nothing is said', async () => {
    const attempt = jest.fn(async () => undefined);
    const onRetry = jest.fn();
    const onRecovered = jest.fn();
    const retry = retryInBackground(attempt, { firstDelayMs: 100, maxDelayMs: 300, onRetry, onRecovered });
    await retry.first;
    await jest.advanceTimersByTimeAsync(1000);
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(retry.succeeded()).toBe(true);
    expect(onRetry).not.toHaveBeenCalled();
    expect(onRecovered).not.toHaveBeenCalled();
  });

  it('when stopped, then no attempt follows and no timer is left', async () => {
    const attempt = jest.fn(async () => {
      throw new Error('away');
    });
    const retry = retryInBackground(attempt, { firstDelayMs: 100, maxDelayMs: 300, onRetry: () => undefined });
    await retry.first.catch(() => undefined);
    await retry.stop();
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(1000);
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(retry.succeeded()).toBe(false);
  });

  it('when stopped with an attempt in flight, then stop settles once that attempt has', async () => {
    let finish!: () => void;
    const retry = retryInBackground(() => new Promise<void>((resolve) => (finish = resolve)), { firstDelayMs: 100, maxDelayMs: 300, onRetry: () => undefined });
    let stopped = false;
    const stopping = retry.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(stopped).toBe(true);
  });
});
