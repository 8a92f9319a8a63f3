import { createNumberMap, createNumberSet } from '../../src/import/number-table';

describe('number tables', () => {
  it('when keys from 0 to 2^53 - 1 are added past several growths, then each is found and no other is', () => {
    const set = createNumberSet(4);
    const map = createNumberMap(4);
    const keys = [0, 1, 2 ** 32, 2 ** 53 - 1, ...Array.from({ length: 5000 }, (_, i) => i * 7919 + 3)];
    keys.forEach((key, i) => {
      set.add(key);
      map.set(key, i);
    });
    expect(set.size).toBe(new Set(keys).size);
    keys.forEach((key) => expect(set.has(key)).toBe(true));
    expect(keys.map((key) => map.get(key))).toEqual(keys.map((key) => keys.lastIndexOf(key)));
    for (const absent of [4, 2 ** 32 + 1, 2 ** 53 - 2]) {
      expect(set.has(absent)).toBe(false);
      expect(map.get(absent)).toBeUndefined();
    }
  });
});
