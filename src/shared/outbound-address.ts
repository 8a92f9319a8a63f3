import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { networkInterfaces } from 'node:os';

/*
 * A provider URL is ours to call from inside the network: one that leads to loopback, a private
 * network or link-local addresses (a cloud's metadata service at 169.254.169.254) would let whoever
 * configures an inbox make the worker call internal services. Such addresses are refused unless
 * the host is allowed by configuration (OUTBOUND_ALLOWED_HOSTS).
 */

const forbidden = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24], // documentation (TEST-NET-1), as the next two: no public host has them
  ['192.88.99.0', 24], // 6to4 relays, retired
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  forbidden.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 96], // unspecified, loopback, and IPv4-compatible (::7f00:1 is 127.0.0.1)
  ['::ffff:0:0:0', 96], // IPv4-translated: an IPv4 address inside
  ['64:ff9b::', 96], // NAT64: an IPv4 address inside
  ['64:ff9b:1::', 48], // local NAT64
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments: Teredo (an IPv4 address inside), ORCHID, benchmarking
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: an IPv4 address inside (2002:7f00:1:: is 127.0.0.1)
  ['3fff::', 20], // documentation
  ['5f00::', 16], // segment routing
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local, retired
  ['ff00::', 8], // multicast
] as const) {
  forbidden.addSubnet(network, prefix, 'ipv6');
}

/** This machine's own addresses: a public one still leads to what listens on all interfaces here (the API, its stores). */
const ownAddresses = (): ReadonlySet<string> =>
  new Set(
    Object.values(networkInterfaces())
      .flatMap((list) => list ?? [])
      .map((i) => i.address.toLowerCase()),
  );

/** Whether an address is loopback, private, link-local, this machine's or otherwise not a host on the public internet. */
export function isForbiddenAddress(address: string, own: ReadonlySet<string> = ownAddresses()): boolean {
  // IPv4 mapped in IPv6, dotted (::ffff:127.0.0.1) or as URLs write it (::ffff:7f00:1).
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted) return isForbiddenAddress(dotted[1], own);
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hex) {
    const [high, low] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
    return isForbiddenAddress([high >> 8, high & 255, low >> 8, low & 255].join('.'), own);
  }
  const family = isIP(address);
  if (family === 0) return true;
  return forbidden.check(address, family === 4 ? 'ipv4' : 'ipv6') || own.has(address.toLowerCase());
}

const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '').toLowerCase();

export const isAllowedHost = (host: string, allowed: readonly string[]) => allowed.includes(host.toLowerCase());

function resolveAll(host: string, timeoutMs: number): Promise<string[] | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), timeoutMs);
    dnsLookup(host, { all: true }, (err, addresses: LookupAddress[]) => {
      clearTimeout(timer);
      resolve(err ? null : addresses.map((a) => a.address));
    });
  });
}

/**
 * Why the URL may not be called, or null. A host that does not resolve now is not refused (it
 * is checked again when it is called, see guardedLookup).
 */
export async function outboundUrlProblem(value: string, allowed: readonly string[], timeoutMs = 3000): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL';
  }
  return outboundHostProblem(hostOf(url), allowed, timeoutMs);
}

/** Why a host (a name or an IP address) may not be connected to, or null; as outboundUrlProblem. */
export async function outboundHostProblem(host: string, allowed: readonly string[], timeoutMs = 3000): Promise<string | null> {
  if (isAllowedHost(host, allowed)) return null;
  const addresses = isIP(host) ? [host] : ((await resolveAll(host, timeoutMs)) ?? []);
  const own = ownAddresses();
  const bad = addresses.find((address) => isForbiddenAddress(address, own));
  return bad ? `${host} resolves to ${bad}, a loopback, private, link-local, reserved or this machine's own address (allow the host with OUTBOUND_ALLOWED_HOSTS)` : null;
}

export class ForbiddenAddressError extends Error {}

/** One address of the host that may be connected to (connect to it, not to the name), or a ForbiddenAddressError. */
export function pinnedAddress(host: string, allowed: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    guardedLookup(allowed)(host, {}, (err, address) => (err ? reject(err) : resolve(address as string)));
  });
}

/**
 * A DNS lookup for http.request that refuses forbidden addresses at the moment of connecting,
 * so a name that resolved to a public address when the inbox was saved cannot lead inside now
 * (DNS rebinding). IP literals skip lookups: check them with outboundUrlProblem first.
 */
export function guardedLookup(allowed: readonly string[]): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return (callback as (e: Error) => void)(err);
      const own = ownAddresses();
      const usable = isAllowedHost(hostname, allowed) ? addresses : addresses.filter((a) => !isForbiddenAddress(a.address, own));
      if (!usable.length) {
        return (callback as (e: Error) => void)(new ForbiddenAddressError(`${hostname} resolves to a loopback, private, link-local, reserved or this machine's own address`));
      }
      if (options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, usable);
      return (callback as (e: null, a: string, f: number) => void)(null, usable[0].address, usable[0].family);
    });
  };
}
