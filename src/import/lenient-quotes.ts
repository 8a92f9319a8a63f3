import { Transform, type TransformCallback } from 'node:stream';

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const BOM = [0xef, 0xbb, 0xbf];

// Where the lexer stands in the current cell.
const CELL_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** In a quoted cell, just after a quote: the cell's end, or the first of a doubled quote. */
const QUOTE_IN_QUOTED = 3;
/** Text after a quoted part (`"abc"def`): kept inside the quote the output left open. */
const AFTER_QUOTED = 4;

const endsCell = (byte: number) => byte === COMMA || byte === LF || byte === CR;

/**
 * Reads a quote the way spreadsheets and Python's csv do, and hands csv-parser a file it reads
 * the same way. csv-parser opens a quoted field at any `"`, so one stray quote in an unquoted
 * cell (`Pat O"Brien`, `27" monitor`) swallowed the rest of the file into one rejected row.
 * Here a quote opens a quoted cell only as the cell's first byte; an unquoted cell holding a
 * quote is written out quoted, its quotes doubled (`"Pat O""Brien"`), and text after a quoted
 * part (`"abc"def`) joins it (`abcdef`). A quoted cell never closed still runs to the end of the
 * file, as before (the row size guard then cuts it). A leading byte order mark passes untouched.
 *
 * A CR that ends a line outside quotes is a line end, as it is to spreadsheets and Python's csv:
 * an LF is written after one not followed by its own. csv-parser ends lines at LF only, so a file
 * whose lines end with CR alone (old Mac files) read as one line, and one whose rows did while its
 * header ended with CRLF (files pasted together) imported `Alpha\rBeta\rGamma` as one name.
 *
 * An unquoted cell is held back until its end or its first quote, at most `maxCellBytes`: a
 * longer one goes through as it is, its quotes dropped (its row is over the row limit and
 * rejected whole anyway), so memory stays at one chunk and one cell.
 */
export function createLenientQuotes(maxCellBytes: number): Transform {
  let state = CELL_START;
  let bomAt = 0;
  // Output of an unquoted cell without a quote so far, not yet passed on (it may need an opening quote).
  let held: Buffer = Buffer.alloc(0);
  let quoteOpened = false;
  // The unquoted cell's start was already passed on: a quote can no longer be opened before it.
  let startPassed = false;
  // The last chunk ended with a CR that ended a line: the next one's first byte says whether it was a CRLF.
  let crEnded = false;

  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      // Worst case every byte is a quote written twice, plus a cell's opening and closing quotes.
      // And an LF after the last chunk's CR.
      const out = Buffer.allocUnsafe(held.length + chunk.length * 2 + 3);
      let at = held.copy(out, 0);
      let cellStart = state === UNQUOTED && !quoteOpened && !startPassed ? 0 : -1;
      held = Buffer.alloc(0);
      if (crEnded && chunk.length) {
        crEnded = false;
        if (chunk[0] !== LF) out[at++] = LF;
      }
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i];
        if (bomAt >= 0) {
          if (bomAt < BOM.length && byte === BOM[bomAt]) {
            out[at++] = byte;
            bomAt = bomAt + 1 === BOM.length ? -1 : bomAt + 1;
            continue;
          }
          bomAt = -1;
        }
        switch (state) {
          case CELL_START:
            if (byte === QUOTE) state = QUOTED;
            else if (!endsCell(byte)) {
              state = UNQUOTED;
              cellStart = at;
              quoteOpened = false;
              startPassed = false;
            }
            out[at++] = byte;
            break;
          case UNQUOTED:
            if (endsCell(byte)) {
              if (quoteOpened) out[at++] = QUOTE;
              out[at++] = byte;
              state = CELL_START;
              cellStart = -1;
            } else if (byte === QUOTE) {
              if (!quoteOpened && !startPassed) {
                out.copyWithin(cellStart + 1, cellStart, at);
                out[cellStart] = QUOTE;
                at += 1;
                quoteOpened = true;
              }
              if (quoteOpened) {
                out[at++] = QUOTE;
                out[at++] = QUOTE;
              }
            } else out[at++] = byte;
            break;
          case QUOTED:
            if (byte === QUOTE) state = QUOTE_IN_QUOTED;
            else out[at++] = byte;
            break;
          case QUOTE_IN_QUOTED:
            if (byte === QUOTE) {
              out[at++] = QUOTE;
              out[at++] = QUOTE;
              state = QUOTED;
            } else if (endsCell(byte)) {
              out[at++] = QUOTE;
              out[at++] = byte;
              state = CELL_START;
            } else {
              out[at++] = byte;
              state = AFTER_QUOTED;
            }
            break;
          case AFTER_QUOTED:
            if (endsCell(byte)) {
              out[at++] = QUOTE;
              out[at++] = byte;
              state = CELL_START;
            } else if (byte === QUOTE) {
              out[at++] = QUOTE;
              out[at++] = QUOTE;
            } else out[at++] = byte;
            break;
        }
        // Decided here, where the next byte is known, so the other bytes pay nothing for it.
        if (byte === CR && state === CELL_START) {
          if (i + 1 === chunk.length) crEnded = true;
          else if (chunk[i + 1] !== LF) out[at++] = LF;
        }
      }
      let through = at;
      if (state === UNQUOTED && !quoteOpened && !startPassed) {
        if (at - cellStart <= maxCellBytes) {
          held = Buffer.from(out.subarray(cellStart, at));
          through = cellStart;
        } else startPassed = true;
      }
      done(null, through > 0 ? out.subarray(0, through) : undefined);
    },
    flush(done: TransformCallback) {
      const open = (state === UNQUOTED && quoteOpened) || state === QUOTE_IN_QUOTED || state === AFTER_QUOTED;
      const rest = open ? Buffer.concat([held, Buffer.from('"')]) : crEnded ? Buffer.from('\n') : held;
      done(null, rest.length ? rest : undefined);
    },
  });
}
