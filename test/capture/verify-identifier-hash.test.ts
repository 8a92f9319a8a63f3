import { createHmac } from 'node:crypto';
import { verifyIdentifierHash } from '../../src/capture/verify-identifier-hash';

const secret = 'a'.repeat(64);
const sign = (identifier: string, key = secret) => createHmac('sha256', key).update(identifier).digest('hex');

describe('verifyIdentifierHash', () => {
  it('when the hash is the HMAC of the identifier with the secret, then it verifies (in either hex case)', () => {
    expect(verifyIdentifierHash(secret, 'user-1', sign('user-1'))).toBe(true);
    expect(verifyIdentifierHash(secret, 'user-1', sign('user-1').toUpperCase())).toBe(true);
    expect(verifyIdentifierHash(secret, 'José', sign('José'))).toBe(true);
  });

  it.each([
    ['another identifier', sign('user-2')],
    ['another secret', sign('user-1', 'b'.repeat(64))],
    ['a truncated hash', sign('user-1').slice(0, 63)],
    ['a longer hash', `${sign('user-1')}00`],
    ['not hex', 'z'.repeat(64)],
    ['empty', ''],
    ['base64 of the right bytes', createHmac('sha256', secret).update('user-1').digest('base64')],
  ])('when the hash is %s, then it does not verify', (_what, hash) => {
    expect(verifyIdentifierHash(secret, 'user-1', hash)).toBe(false);
  });
});
