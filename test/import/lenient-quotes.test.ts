import { Readable } from 'node:stream';
import csvParser from 'csv-parser';
import { createLenientQuotes } from '../../src/import/lenient-quotes';
import { createRowSizeGuard } from '../../src/import/row-size-guard';

/** The records csv-parser reads from `text` through the lenient quotes (and the row guard, as the import reads), in chunks of `chunkSize` bytes. */
async function read(text: string, chunkSize: number, maxCellBytes = 1000): Promise<string[][]> {
  // The import gives both the one limit, IMPORT_MAX_ROW_BYTES.
  const bytes = Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  const parser = Readable.from(chunks).pipe(createLenientQuotes(maxCellBytes)).pipe(createRowSizeGuard(maxCellBytes).stream).pipe(csvParser({ headers: false }));
  const out: string[][] = [];
  for await (const record of parser as AsyncIterable<Record<number, string>>) out.push(Object.values(record));
  return out;
}

const CHUNKS = [1, 2, 3, 7, 100_000];

describe('lenient quotes', () => {
  it.each(CHUNKS)('when a quote sits inside an unquoted cell, then it is a character of the cell and the next rows are rows (chunks of %i bytes)', async (chunkSize) => {
    const text = 'name,email\nSq A,a@x.test\nPat O"Brien,b@x.test\nScreen 27" monitor,c@x.test\r\nJo"h"n,d@x.test\n "Sq1" ,e@x.test\nlast,f"\n';
    expect(await read(text, chunkSize)).toEqual([
      ['name', 'email'],
      ['Sq A', 'a@x.test'],
      ['Pat O"Brien', 'b@x.test'],
      ['Screen 27" monitor', 'c@x.test'],
      ['Jo"h"n', 'd@x.test'],
      [' "Sq1" ', 'e@x.test'],
      ['last', 'f"'],
    ]);
  });

  it.each(CHUNKS)('when lines end with CR alone, LF or CRLF, mixed, then each is a line end; a CR inside quotes is a character (chunks of %i bytes)', async (chunkSize) => {
    const text = 'name,email\r\nAlpha,a@x\rBeta,\r"Ga\rmma","g\r"\rDelta\nEps"i"lon\r\r\nZeta,z\r';
    expect(await read(text, chunkSize)).toEqual([
      ['name', 'email'],
      ['Alpha', 'a@x'],
      ['Beta', ''],
      ['Ga\rmma', 'g\r'],
      ['Delta'],
      ['Eps"i"lon'],
      [],
      ['Zeta', 'z'],
    ]);
  });

  it.each(CHUNKS)('when cells are quoted as the CSV rules say, then they read as before: commas, doubled quotes and line breaks inside (chunks of %i bytes)', async (chunkSize) => {
    const text = '\uFEFF"name","notes"\r\n"Álvaro, Jr.","said ""hi""\nthen left"\r\n"",x\n"a""",b\n';
    expect(await read(text, chunkSize)).toEqual([
      ['name', 'notes'],
      ['Álvaro, Jr.', 'said "hi"\nthen left'],
      ['', 'x'],
      ['a"', 'b'],
    ]);
  });

  it.each(CHUNKS)("when text follows a quoted part of a cell, then it joins it, as spreadsheets and Python's csv read it (chunks of %i bytes)", async (chunkSize) => {
    expect(await read('"abc"def,"x"y"z"\n"q" ,end', chunkSize)).toEqual([
      ['abcdef', 'xy"z"'],
      ['q ', 'end'],
    ]);
  });

  it('when an unquoted cell with a quote is longer than the row limit, then its row is cut there and the next rows are still rows', async () => {
    const long = `${'x'.repeat(50)}"${'y'.repeat(50)}`;
    for (const chunkSize of [1, 16, 100_000]) {
      const rows = await read(`a,${long}\nnext,row\n`, chunkSize, 20);
      expect(rows).toHaveLength(2);
      expect(rows[0][1]).toMatch(/^x+$/);
      expect(rows[1]).toEqual(['next', 'row']);
    }
  });
});
