import { ABOVE_EVERY_KEY, textSortKey } from '../../src/search/text-sort-key';

const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

// Characters from every range the key codes differently: its own codes, the ranges between them,
// control characters, and multi-byte UTF-8.
const ALPHABET = [...' !-./09:@AZ[_`az{~\u0001\u007féñßДм中😀'];

/** A small deterministic generator, so that a failure names a seed that reproduces it. */
function randomTexts(seed: number, count: number): string[] {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: count }, () => {
    const length = Math.floor(next() * 14);
    return Array.from({ length }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]).join('');
  });
}

describe('textSortKey', () => {
  it.each([1, 2, 3])('never orders two texts against their byte order (seed %i)', (seed) => {
    const texts = randomTexts(seed, 4000).sort(byteOrder);
    const reversed = texts.slice(1).map((text, i) => [texts[i], text]).filter(([a, b]) => textSortKey(a) > textSortKey(b));
    expect(reversed).toEqual([]);
  });

  it('when texts differ in their first nine common characters, then their keys differ in the same order', () => {
    const emails = ['a@b.co', 'ana.garcia@x.com', 'ana.garda@x.com', 'ana_garcia@x.com', 'ana-garcia@x.com', 'ana garcia', 'ana0@x', 'ana9@x', 'zed@a.com', 'zed@a.co'];
    const sorted = [...emails].sort(byteOrder);
    const keys = sorted.map(textSortKey);
    for (let i = 1; i < keys.length; i++) expect(keys[i]).toBeGreaterThan(keys[i - 1]);
  });

  it('when texts share their first nine characters, then their keys tie (the keyword after the key orders them)', () => {
    expect(textSortKey('ana.garcia1@x.com')).toBe(textSortKey('ana.garcia2@x.com'));
  });

  it('when a character has no code of its own, then the key ends there instead of misordering what follows', () => {
    expect(byteOrder('1!z', '1#a')).toBeLessThan(0);
    expect(textSortKey('1!z')).toBe(textSortKey('1#a'));
    expect(textSortKey('дмитрий')).toBe(textSortKey('дима'));
    expect(textSortKey('дмитрий')).toBeGreaterThan(textSortKey('zzzzzzzzz'));
  });

  it('is a safe integer from 0 up to below ABOVE_EVERY_KEY', () => {
    for (const text of ['', '\u0000', 'zzzzzzzzzzzzzz', '😀😀😀', ...randomTexts(7, 500)]) {
      const key = textSortKey(text);
      expect(Number.isSafeInteger(key)).toBe(true);
      expect(key).toBeGreaterThanOrEqual(0);
      expect(key).toBeLessThan(ABOVE_EVERY_KEY);
    }
    expect(Number.isSafeInteger(ABOVE_EVERY_KEY)).toBe(true);
  });
});
