import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Whether `hash` is the hex HMAC-SHA256 of `identifier` keyed with the inbox's secret. The
 * bytes are compared in constant time, so the answer's timing says nothing about how much of
 * a guess was right.
 */
export function verifyIdentifierHash(secret: string, identifier: string, hash: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(hash)) return false;
  const expected = createHmac('sha256', secret).update(identifier, 'utf8').digest();
  return timingSafeEqual(Buffer.from(hash, 'hex'), expected);
}
