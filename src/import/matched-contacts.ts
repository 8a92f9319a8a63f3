import { hash53 } from './seen-keys';

/**
 * A map from 53-bit numbers to numbers in two Float64Arrays (open addressing, linear probing):
 * a million entries take 16 to 32 MB, where a Map of boxed numbers takes about three times that
 * in a worker whose heap is 256 MB.
 */
function createNumberMap(initialCapacity = 1 << 12) {
  let keys = new Float64Array(initialCapacity);
  let values = new Float64Array(initialCapacity);
  let size = 0;
  // 0 marks an empty slot, so a key of 0 is stored as -1 (ids and hashes are never negative).
  const stored = (key: number) => key || -1;
  const slotOf = (table: Float64Array, key: number) => {
    const mask = table.length - 1;
    let i = Math.abs(key | 0) & mask;
    while (table[i] !== 0 && table[i] !== key) i = (i + 1) & mask;
    return i;
  };
  const grow = () => {
    const [oldKeys, oldValues] = [keys, values];
    keys = new Float64Array(oldKeys.length * 2);
    values = new Float64Array(oldKeys.length * 2);
    oldKeys.forEach((key, i) => {
      if (key === 0) return;
      const slot = slotOf(keys, key);
      keys[slot] = key;
      values[slot] = oldValues[i];
    });
  };
  return {
    get(key: number): number | undefined {
      const slot = slotOf(keys, stored(key));
      return keys[slot] === 0 ? undefined : values[slot];
    },
    set(key: number, value: number): void {
      const k = stored(key);
      const slot = slotOf(keys, k);
      if (keys[slot] === 0) size += 1;
      keys[slot] = k;
      values[slot] = value;
      if (size > keys.length * 0.7) grow();
    },
  };
}

/**
 * What the file's earlier rows did to existing contacts, across its batches: which row matched
 * each contact, and whose identifier, email or phone a row's update replaced. A batch is matched
 * against contacts read while the one before it may still be written, so without this a row a
 * batch later met a contact as it was before the earlier row changed it: it took over a contact
 * whose email an earlier row had just changed (its identifier and that row's changes lost), and a
 * second row for one person passed when its batch was another.
 */
export function createMatchedContacts() {
  const rowOfContact = createNumberMap();
  const ownerOfReplacedKey = createNumberMap();
  const keyOf = (field: string, value: string) => hash53(`${field}\u0000${value}`);
  return {
    /** The row of the file that matched the contact, if one did. */
    rowOf(contactId: number): number | undefined {
      return rowOfContact.get(contactId);
    },
    /** The contact whose key this was until a row of the file replaced it, if one did. */
    replacedOwnerOf(field: string, value: string): number | undefined {
      return ownerOfReplacedKey.get(keyOf(field, value));
    },
    /** Row `row` matched the contact, and replaces these keys of it (their old values). */
    record(row: number, contactId: number, replaced: { field: string; value: string }[]): void {
      rowOfContact.set(contactId, row);
      for (const { field, value } of replaced) ownerOfReplacedKey.set(keyOf(field, value), contactId);
    },
  };
}

export type MatchedContacts = ReturnType<typeof createMatchedContacts>;
