import { networkInterfaces } from 'node:os';
import { guardedLookup, isForbiddenAddress, outboundUrlProblem } from '../../src/shared/outbound-address';

describe('isForbiddenAddress', () => {
  it.each(['127.0.0.1', '127.9.9.9', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', 'not an ip',
    // Reserved for documentation, retired, or IPv6 forms that carry an IPv4 address (127.0.0.1 here).
    '192.0.2.2', '198.51.100.1', '203.0.113.1', '192.88.99.1', '2001:db8::1', '3fff::1', '100::1', '::7f00:1', '::127.0.0.1', '2002:7f00:1::', '::ffff:0:7f00:1', '2001:0:4136:e378::1', 'fec0::1'])(
    'when the address is %s, then it is refused',
    (address) => expect(isForbiddenAddress(address)).toBe(true),
  );

  it('when the address is one of this machine\'s own, a public one included, then it is refused', () => {
    for (const { address } of Object.values(networkInterfaces()).flatMap((list) => list ?? [])) expect(isForbiddenAddress(address)).toBe(true);
    expect(isForbiddenAddress('8.8.8.8', new Set(['8.8.8.8']))).toBe(true);
    expect(isForbiddenAddress('::ffff:8.8.8.8', new Set(['8.8.8.8']))).toBe(true);
    expect(isForbiddenAddress('8.8.8.8', new Set(['1.1.1.1']))).toBe(false);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8', '::ffff:808:808'])('when the address is %s, then it is public', (address) => {
    expect(isForbiddenAddress(address)).toBe(false);
  });
});

describe('outboundUrlProblem', () => {
  it('when the host is allowed by configuration, then a loopback URL passes; otherwise it is refused', async () => {
    expect(await outboundUrlProblem('http://127.0.0.1:3000', ['127.0.0.1'])).toBeNull();
    expect(await outboundUrlProblem('http://127.0.0.1:3000', [])).toMatch(/127\.0\.0\.1 resolves to 127\.0\.0\.1/);
    expect(await outboundUrlProblem('http://LOCALHOST:3000', ['localhost'])).toBeNull();
    expect(await outboundUrlProblem('http://localhost:3000', [])).toMatch(/localhost resolves to/);
    expect(await outboundUrlProblem('http://8.8.8.8', [])).toBeNull();
  });
});

describe('guardedLookup', () => {
  const lookup = (host: string, allowed: string[]) =>
    new Promise<string>((resolve, reject) => {
      guardedLookup(allowed)(host, {}, (err: NodeJS.ErrnoException | null, address: unknown) => (err ? reject(err) : resolve(address as string)));
    });

  it('when a name resolves to loopback at connect time, then the lookup fails unless the host is allowed', async () => {
    await expect(lookup('localhost', [])).rejects.toThrow(/loopback, private, link-local, reserved or this machine's own address/);
    await expect(lookup('localhost', ['localhost'])).resolves.toMatch(/^(127\.0\.0\.1|::1)$/);
  });
});
