import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { UnauthorizedError } from './errors';

// Both sides hashed first: equal lengths for timingSafeEqual, and no early exit that tells a
// caller how long the token is.
const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Lets a request through only with `Authorization: Bearer <token>` (how Prometheus sends its
 * scrape credentials), compared in constant time; anything else is a 401.
 */
export function requireBearerToken(token: string): RequestHandler {
  const expected = digest(token);
  return (req, _res, next) => {
    const given = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1]?.trim();
    if (given !== undefined && timingSafeEqual(digest(given), expected)) return next();
    next(new UnauthorizedError('GET /metrics needs the header Authorization: Bearer <METRICS_TOKEN>', 'Bearer'));
  };
}
