import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type IncrementResponse, type Options, type Store } from 'express-rate-limit';
import type Redis from 'ioredis';
import { errorBodySchema } from './error-handler';
import { TooManyRequestsError } from './errors';
import type { Logger } from './logger';
import { withTimeout } from './queues';
import type { ResponseSpec } from './route';

/** How long a count may take before the request passes uncounted (a Redis on this network answers in about a millisecond). */
const COUNT_TIMEOUT_MS = 500;

// One round trip: count the hit and start the window on the first one.
const INCREMENT = `
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {hits, ttl}`;

/**
 * A fixed window per key in Redis, so that every API process counts the same hits. Not
 * rate-limit-redis: it loads its script once when the limiter is made, and if Redis is away at
 * that moment every later count fails for the life of the process; this store sends the script
 * with each count (ioredis EVAL) and has nothing to lose.
 */
class RedisWindowStore implements Store {
  private windowMs = 60_000;

  constructor(
    private readonly redis: Redis,
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string): Promise<IncrementResponse> {
    const [hits, ttl] = (await this.bounded(this.redis.eval(INCREMENT, 1, this.prefix + key, String(this.windowMs)))) as [number, number];
    return { totalHits: hits, resetTime: new Date(Date.now() + ttl) };
  }

  async decrement(key: string): Promise<void> {
    await this.bounded(this.redis.decr(this.prefix + key));
  }

  async resetKey(key: string): Promise<void> {
    await this.bounded(this.redis.del(this.prefix + key));
  }

  // A Redis that holds its connection open and answers nothing held sign-in with it, unanswered
  // for minutes: a count that does not come in time fails, and the request passes uncounted.
  private bounded<T>(call: Promise<T>): Promise<T> {
    return withTimeout(call, COUNT_TIMEOUT_MS, 'counting a rate-limited request in Redis');
  }
}

export interface RateLimitOptions {
  redis: Redis;
  /** Keys are `<prefix><name>:<key>`; processes that share a prefix share the counts. */
  prefix: string;
  name: string;
  limit: number;
  windowSeconds: number;
  /** What to count by; the client's IP (IPv6 by /56) when left out. */
  key?: (req: Request) => string;
  /** Requests this limit does not count (e.g. a per-email limit, those that name no email). */
  skip?: (req: Request) => boolean;
  /** Counts only requests answered 400 or above (sign-in's guesses): a success is taken back off the count. */
  onlyRefused?: boolean;
  logger: Logger;
}

export const clientIp = (req: Request): string => ipKeyGenerator(req.ip ?? 'unknown');

/**
 * At most `limit` requests per key and window; beyond, a 429 with Retry-After (seconds) and the
 * RateLimit-* headers. When Redis cannot count, requests pass (and it is logged): the API stays
 * up without Redis, as writes do.
 */
export function createRateLimit({ redis, prefix, name, limit, windowSeconds, key = clientIp, skip, onlyRefused = false, logger }: RateLimitOptions): RequestHandler {
  return rateLimit({
    windowMs: windowSeconds * 1000,
    limit,
    skipSuccessfulRequests: onlyRefused,
    store: new RedisWindowStore(redis, `${prefix}${name}:`),
    keyGenerator: (req) => key(req),
    ...(skip ? { skip } : {}),
    standardHeaders: 'draft-6',
    legacyHeaders: false,
    passOnStoreError: true,
    logger,
    handler: (_req, res, next) => {
      next(new TooManyRequestsError(`too many requests; try again in ${res.getHeader('Retry-After') ?? windowSeconds} seconds`));
    },
  });
}

/** What a rate-limited route may answer, for the API document. */
export const rateLimitedResponses: Record<string, ResponseSpec> = {
  '429': {
    description: 'Too many requests from this client (or for this email, on sign-in): wait Retry-After seconds',
    schema: errorBodySchema,
    headers: { 'Retry-After': { description: 'seconds until the window ends', schema: { type: 'integer' } } },
  },
};

const RATE_LIMIT_HEADERS = ['RateLimit-Policy', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'];

/**
 * Several limits as one middleware: each counts in turn, the first exceeded answers. The
 * RateLimit-* headers are those of the limit with the fewest requests left: each limit writes its
 * own, and the last one's (sign-in's per email) told a client 9 left up to the per-IP 429.
 */
export function inSequence(handlers: RequestHandler[]): RequestHandler {
  return (req, res, next) => {
    let tightest: { remaining: number; values: ReturnType<typeof res.getHeader>[] } | undefined;
    const keepTightest = () => {
      const remaining = Number(res.getHeader('RateLimit-Remaining') ?? Number.NaN);
      if (Number.isFinite(remaining) && (!tightest || remaining < tightest.remaining)) tightest = { remaining, values: RATE_LIMIT_HEADERS.map((h) => res.getHeader(h)) };
    };
    const run = (i: number, err?: unknown): void => {
      // A refusal keeps the headers of the limit that refused.
      if (err) return next(err);
      if (i > 0) keepTightest();
      if (i === handlers.length) {
        const values = tightest?.values;
        if (values) RATE_LIMIT_HEADERS.forEach((h, k) => (values[k] === undefined ? res.removeHeader(h) : res.setHeader(h, values[k])));
        return next();
      }
      void handlers[i](req, res, (e?: unknown) => run(i + 1, e));
    };
    run(0);
  };
}
