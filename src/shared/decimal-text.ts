// Decimal numbers as text, and the doubles they become. A JSON number, a number attribute and a
// filter's number value are doubles: every whole number up to 9007199254740991, only some past it,
// and about 17 significant digits. Text naming a number a double cannot hold would be stored as
// its neighbour, without a word.

/** A decimal's significant digits (no leading or trailing zeros) and where its point falls among them. */
function significant(intDigits: string, fracDigits: string, exponent: number): { digits: string; point: number } {
  const all = intDigits + fracDigits;
  const lead = all.length - all.replace(/^0+/, '').length;
  return { digits: all.slice(lead).replace(/0+$/, ''), point: intDigits.length + exponent - lead };
}

/**
 * Whether decimal text names a number a double cannot hold, so that storing it would store a
 * neighbour, silently: 9007199254740993 as …992, 12345678901234567890 as …567168,
 * 1.00000000000000001 as 1. Text that is a double written to as many digits as it has is kept:
 * the shortest way (0.1, 10000000000000000, 12345678901234567000 as the export writes it, 1e+21)
 * and the 17 digits of C's `%.17g` (0.10000000000000001 is the double 0.1, to 17 digits). Past
 * 100 significant digits (more than any client writes a double with) it is taken as lossy.
 */
export function decimalTextLosesDigits(value: string): boolean {
  const parts = /^\s*[-+]?(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?\s*$/.exec(value);
  if (!parts || !(parts[1] || parts[2])) return false;
  const number = Math.abs(Number(value));
  if (!Number.isFinite(number)) return false;
  const given = significant(parts[1], parts[2] ?? '', Number(parts[3] ?? 0));
  if (number === 0) return given.digits !== '';
  if (given.digits.length > 100) return true;
  // The double rounded to the text's own count of significant digits (exactly: toExponential
  // rounds the double's exact binary value): the text is that double if it reads the same.
  const [mantissa, exponent] = number.toExponential(given.digits.length - 1).split('e');
  const digits = mantissa.replace('.', '');
  const held = significant(digits, '', Number(exponent) + 1 - digits.length);
  return given.digits !== held.digits || given.point !== held.point;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const isDigit = (byte: number) => byte >= 0x30 && byte <= 0x39;
// What a JSON number literal is made of after its first character: digits, `.`, `e`/`E`, `+`, `-`.
const inNumber = (byte: number) => isDigit(byte) || byte === 0x2e || byte === 0x65 || byte === 0x45 || byte === 0x2b || byte === MINUS;
// A decimal of up to 15 significant digits reads back as written from the double it parses to
// (rounded to as many digits): a literal that loses digits has at least 16 characters, so shorter
// ones are not looked at.
const SHORTEST_LOSSY = 16;

/**
 * The number literals of a JSON text (UTF-8 bytes) that lose digits when parsed, by the double
 * each becomes: `{"fb_psid": 10215894736289301}` parses to 10215894736289300, and nothing after
 * the parser can tell. Strings are skipped (a UTF-8 byte of a character beyond ASCII is never a
 * quote, a backslash or a digit). Empty for almost every body.
 */
export function lossyNumberLiterals(json: Uint8Array): Map<number, string> {
  const lossy = new Map<number, string>();
  for (let i = 0; i < json.length; i++) {
    const byte = json[i];
    if (byte === QUOTE) {
      for (i++; i < json.length && json[i] !== QUOTE; i++) if (json[i] === BACKSLASH) i++;
    } else if (isDigit(byte) || byte === MINUS) {
      const start = i;
      while (i + 1 < json.length && inNumber(json[i + 1])) i++;
      if (i + 1 - start < SHORTEST_LOSSY) continue;
      const literal = Buffer.from(json.buffer, json.byteOffset + start, i + 1 - start).toString('latin1');
      if (decimalTextLosesDigits(literal)) lossy.set(Number(literal), literal);
    }
  }
  return lossy;
}
