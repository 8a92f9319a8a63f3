import { Transform, type TransformCallback } from 'node:stream';

const QUOTE = 0x22;
const LF = 0x0a;
const CLOSING_QUOTE = Buffer.from('"');
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export interface RowSizeGuard {
  /** Sits between the file and csv-parser. */
  stream: Transform;
  /**
   * The full size in bytes of record `ordinal` (0 is the header line) when it was longer than the
   * limit and only its first `maxRowBytes` went through; undefined otherwise. Each answer is
   * given once, so the guard keeps only records csv-parser has not yet handed over.
   */
  take(ordinal: number): number | undefined;
  /**
   * Where record `ordinal` ends in the file: the byte after its newline (the file's size for a
   * last record without one). Given once, as `take`: the import's progress is the end of the last
   * row it committed, not how far the file was read ahead of it.
   */
  endOf(ordinal: number): number | undefined;
  /**
   * Whether record `ordinal` is the file's last and ends inside a quoted cell: a quote never
   * closed, so every line after it was read into this one record. Known once the file has been
   * read, which is before csv-parser can hand that record over (it ends it only at the file's end).
   */
  unclosed(ordinal: number): boolean;
}

/**
 * Bounds a CSV record's size without stopping the file: csv-parser's own `maxRowBytes` throws
 * on the first long record and cannot go past it, so one giant row used to fail the import.
 * This splits the byte stream into records as csv-parser does (a newline outside quotes ends
 * one; every `"` flips quoting, which an escaped `""` flips twice), lets the first `maxRowBytes`
 * of each record through and drops the rest up to its end (closing a quoted cell it cut open,
 * so that csv-parser still sees one record), and notes which records it cut. Memory stays at
 * one chunk plus csv-parser's one record of at most `maxRowBytes`.
 * It also drops the file's UTF-8 byte order mark: csv-parser keeps it, and a BOM before a quoted
 * first header (`\uFEFF"name"`) made the header the text `"name"`, quotes included, a custom
 * attribute. Offsets still count the file's bytes, the BOM included.
 */
export function createRowSizeGuard(maxRowBytes: number): RowSizeGuard {
  const cut = new Map<number, number>();
  const ends = new Map<number, number>();
  // Bytes of the file before the current chunk.
  let offset = 0;
  let ordinal = 0;
  let length = 0;
  let quoted = false;
  // Set while the rest of an over-long record is being dropped: whether the bytes let through end inside a quoted cell.
  let quotedAtCut: boolean | undefined;
  // Bytes of a leading BOM read so far (held back, possibly across chunks); -1 once settled.
  let bomRead = 0;
  // The record the file ended in while a quoted cell was open.
  let unclosedRecord: number | undefined;

  /** The end of a record that was cut: its size is known now, before csv-parser can hand it over. */
  function finishCut(out: Buffer[]) {
    cut.set(ordinal, length);
    if (quotedAtCut) out.push(CLOSING_QUOTE);
    quotedAtCut = undefined;
  }

  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      if (bomRead >= 0) {
        let i = 0;
        while (i < chunk.length && bomRead + i < BOM.length && chunk[i] === BOM[bomRead + i]) i++;
        if (bomRead + i === BOM.length) {
          offset += BOM.length;
          chunk = chunk.subarray(i);
          bomRead = -1;
        } else if (i === chunk.length) {
          bomRead += i;
          return done();
        } else {
          // Not a BOM: what was held back goes through with the rest.
          chunk = Buffer.concat([BOM.subarray(0, bomRead), chunk]);
          bomRead = -1;
        }
      }
      const out: Buffer[] = [];
      // Start of the bytes of this chunk being let through; -1 while dropping.
      let from = quotedAtCut === undefined ? 0 : -1;
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i];
        if (byte === LF && !quoted) {
          if (from < 0) {
            finishCut(out);
            from = i;
          }
          ends.set(ordinal, offset + i + 1);
          ordinal += 1;
          length = 0;
          continue;
        }
        if (byte === QUOTE) quoted = !quoted;
        length += 1;
        if (from >= 0 && length > maxRowBytes) {
          out.push(chunk.subarray(from, i));
          quotedAtCut = byte === QUOTE ? !quoted : quoted;
          from = -1;
        }
      }
      if (from >= 0) out.push(chunk.subarray(from));
      offset += chunk.length;
      const through = Buffer.concat(out);
      done(null, through.length ? through : undefined);
    },
    flush(done: TransformCallback) {
      // A file that is only the start of a BOM: its bytes are a record's.
      const held = bomRead > 0 ? BOM.subarray(0, bomRead) : undefined;
      if (held) {
        offset += held.length;
        length += held.length;
      }
      if (length > 0) ends.set(ordinal, offset);
      if (quoted) unclosedRecord = ordinal;
      // A last record without a newline, cut: end it for csv-parser.
      if (quotedAtCut === undefined) return done(null, held);
      const out: Buffer[] = [];
      finishCut(out);
      out.push(Buffer.from('\n'));
      done(null, Buffer.concat(out));
    },
  });

  return {
    stream,
    take(at: number) {
      const bytes = cut.get(at);
      cut.delete(at);
      return bytes;
    },
    endOf(at: number) {
      const end = ends.get(at);
      ends.delete(at);
      return end;
    },
    unclosed: (at: number) => at === unclosedRecord,
  };
}
