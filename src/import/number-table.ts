/**
 * Sets and maps of whole numbers from 0 to 2^53 - 1 (53-bit hashes, contact ids) in Float64Arrays
 * (open addressing, linear probing). A JavaScript Set or Map keeps each such number as a boxed
 * heap number plus its table entry, about 50 bytes; here a key takes 8 to 16 bytes (and as much
 * again for a map's value), so the three million keys of a million-row file fit in 32 to 64 MB
 * of a worker whose heap is 256 MB.
 */
function createTable(withValues: boolean, initialCapacity: number) {
  let keys = new Float64Array(initialCapacity);
  let values = withValues ? new Float64Array(initialCapacity) : undefined;
  let size = 0;
  // A key is stored plus one: 0 marks an empty slot.
  const slotOf = (table: Float64Array, stored: number) => {
    const mask = table.length - 1;
    let i = (stored >>> 0) & mask;
    while (table[i] !== 0 && table[i] !== stored) i = (i + 1) & mask;
    return i;
  };
  const grow = () => {
    const [oldKeys, oldValues] = [keys, values];
    keys = new Float64Array(oldKeys.length * 2);
    values = oldValues && new Float64Array(oldKeys.length * 2);
    oldKeys.forEach((stored, i) => {
      if (stored === 0) return;
      const slot = slotOf(keys, stored);
      keys[slot] = stored;
      if (values && oldValues) values[slot] = oldValues[i];
    });
  };
  return {
    /** The slot of the key, and whether the key is in it. */
    find(key: number) {
      const slot = slotOf(keys, key + 1);
      return { slot, found: keys[slot] !== 0 };
    },
    value: (slot: number) => values![slot],
    put(key: number, value = 0): void {
      const stored = key + 1;
      const slot = slotOf(keys, stored);
      if (keys[slot] === 0) size += 1;
      keys[slot] = stored;
      if (values) values[slot] = value;
      if (size > keys.length * 0.7) grow();
    },
    get size() {
      return size;
    },
  };
}

export function createNumberSet(initialCapacity = 1 << 16) {
  const table = createTable(false, initialCapacity);
  return {
    has: (key: number) => table.find(key).found,
    add: (key: number) => table.put(key),
    get size() {
      return table.size;
    },
  };
}

export function createNumberMap(initialCapacity = 1 << 12) {
  const table = createTable(true, initialCapacity);
  return {
    get(key: number): number | undefined {
      const { slot, found } = table.find(key);
      return found ? table.value(slot) : undefined;
    },
    set: (key: number, value: number) => table.put(key, value),
  };
}
