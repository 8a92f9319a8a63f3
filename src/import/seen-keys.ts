import { createNumberSet } from './number-table';

// cyrb53 (public domain): a fast 53-bit string hash. A file of a million rows holds up to three
// million keys; as numbers they take a fraction of the memory the strings would. Two different
// keys share a hash with odds of about 1 in 1000 per million-row file; the row is then rejected
// as a duplicate, with its reason, never silently.
export function hash53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Remembers the identity keys (identifier, email, phone) of the rows of one file. */
export function createSeenKeys() {
  const seen = createNumberSet();
  return {
    /** Records the keys; answers the first one an earlier row already had, if any. */
    claim(keys: string[]): string | undefined {
      const hashes = keys.map((key) => hash53(key));
      const taken = hashes.findIndex((h) => seen.has(h));
      for (const h of hashes) seen.add(h);
      return taken >= 0 ? keys[taken] : undefined;
    },
    get size() {
      return seen.size;
    },
  };
}
