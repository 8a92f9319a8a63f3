// A number that sorts like the start of a folded text, for sorting near-unique text (emails)
// through a numeric field. Elasticsearch skips the documents that cannot enter a page of a
// numeric sort (through the points index), which it cannot do as well for a keyword. At a
// million contacts, inside Elasticsearch, a page sorted by email took 6-8 ms by the keyword and
// 2-3 ms by this key first, then the keyword, then the id, with the documents in the order they
// were written; in the order a reindex left them, 2 → 2 ms ascending and 12 → 10 ms descending
// (README, "Latency near the limit").
//
// The key must never reverse two texts' byte order (a UTF-8 keyword sorts by its bytes); equal
// keys are fine, the keyword sorted after the key settles them. So the characters common in
// emails and names each have their own code, in byte order; any other byte is coded by the range
// of bytes it falls in and ENDS the key, because two texts that differ first in such a byte may
// differ the other way later on ("1z" < "2a" would otherwise become 2·z > 2·a).

const OWN_CODE = ' -.0123456789@_abcdefghijklmnopqrstuvwxyz';

interface ByteCode {
  code: number;
  /** The byte shares its code with its neighbours: nothing after it can be coded. */
  ends: boolean;
}

const BYTE_CODES: ByteCode[] = (() => {
  const codes: ByteCode[] = [];
  let code = 0; // 0: the end of the text, and the control characters below a space.
  for (let byte = 0; byte < 256; byte++) {
    const previous = codes[byte - 1];
    if (byte < 0x20) codes.push({ code: 0, ends: true });
    else if (OWN_CODE.includes(String.fromCharCode(byte))) codes.push({ code: ++code, ends: false });
    else if (previous?.ends && previous.code !== 0) codes.push(previous);
    else codes.push({ code: ++code, ends: true });
  }
  return codes;
})();

const BASE = BYTE_CODES[255].code + 1;
/** As many characters as fit in a safe integer: 9 at base 48. */
const LENGTH = Math.floor(Math.log2(Number.MAX_SAFE_INTEGER) / Math.log2(BASE));

/** Above every key: where a text sort puts a missing value when ascending. */
export const ABOVE_EVERY_KEY = BASE ** LENGTH;

/** The sort key of a text (folded as the index stores it): 0 ≤ key < ABOVE_EVERY_KEY. */
export function textSortKey(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  let key = 0;
  let ended = false;
  for (let i = 0; i < LENGTH; i++) {
    let code = 0;
    if (!ended && i < bytes.length) ({ code, ends: ended } = BYTE_CODES[bytes[i]]);
    key = key * BASE + code;
  }
  return key;
}
