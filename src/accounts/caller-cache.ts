import type Redis from 'ioredis';
import type { Logger } from '../shared/logger';

export interface CallerCacheOptions {
  /** How long an answer may be reused (AUTH_CACHE_MS); 0 turns the cache off. */
  ttlMs: number;
  /** Answers kept at most; the oldest go first. */
  maxEntries: number;
  /** The Redis channel on which every process of the deployment announces a change of access. */
  channel: string;
  /** Publishes the announcements (a connection that fails fast while Redis is away). */
  publisher: () => Pick<Redis, 'publish'>;
  /**
   * Opens a connection of the cache's own for subscribing, at the first lookup (processes that
   * never check a token open none); without it nothing is cached.
   */
  subscriber?: () => Redis;
  logger: Logger;
}

interface Entry<T> {
  value: T;
  until: number;
}

/**
 * Who a token is, remembered for a few seconds: checking it costs three database reads, more
 * than the search a list request then runs. Any change of access anywhere (a token rotated or
 * revoked, a session ended, a password changed, a member removed or given another role) clears
 * this cache in every process of the deployment through a Redis channel, so a revoked token
 * stops working at once, not after the TTL. While that channel is not listened to (Redis away,
 * reconnecting) nothing is cached: an announcement missed then could leave a revoked token valid.
 * A failed check is never cached.
 */
export function createCallerCache<T>({ ttlMs, maxEntries, channel, publisher, subscriber, logger }: CallerCacheOptions) {
  const entries = new Map<string, Entry<T>>();
  // Bumped by every change: an answer read before a change is not kept after it.
  let generation = 0;
  let listening = false;

  const forget = () => {
    generation += 1;
    entries.clear();
  };

  function listen(connection: Redis) {
    connection.on('message', (from: string) => {
      if (from === channel) forget();
    });
    const stopListening = () => {
      listening = false;
      forget();
    };
    connection.on('close', stopListening);
    connection.on('end', stopListening);
    // After every (re)connection: what was announced while away is unknown, so start empty.
    const subscribe = () =>
      connection.subscribe(channel).then(
        () => {
          forget();
          listening = connection.status === 'ready';
        },
        (err: unknown) => logger.warn({ err }, 'access changes not subscribed; tokens are checked on every request'),
      );
    connection.on('ready', subscribe);
    if (connection.status === 'ready') void subscribe();
  }
  let opened = false;
  const open = () => {
    if (opened || !subscriber || ttlMs <= 0) return;
    opened = true;
    listen(subscriber());
  };

  const active = () => listening && ttlMs > 0;

  return {
    /** The cached answer for `key`, or `load`'s, kept until `untilOf(value)` at the latest. */
    async get(key: string, load: () => Promise<T>, untilOf: (value: T) => number = () => Infinity): Promise<T> {
      open();
      const now = Date.now();
      const hit = active() ? entries.get(key) : undefined;
      if (hit && hit.until > now) return hit.value;
      const seen = generation;
      const value = await load();
      if (active() && seen === generation) {
        entries.delete(key);
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
        entries.set(key, { value, until: Math.min(Date.now() + ttlMs, untilOf(value)) });
      }
      return value;
    },

    /** Access changed: this process forgets at once, the others when the announcement reaches them. */
    async changed(): Promise<void> {
      forget();
      await publisher()
        .publish(channel, 'changed')
        .catch((err: unknown) => logger.warn({ err }, `access change not announced; other processes may accept an old answer for ${ttlMs} ms`));
    },

    /** Whether answers are being kept (the channel is listened to). */
    isActive: active,
  };
}

export type CallerCache<T> = ReturnType<typeof createCallerCache<T>>;
