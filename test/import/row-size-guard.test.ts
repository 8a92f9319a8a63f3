import { Readable } from 'node:stream';
import csvParser from 'csv-parser';
import { createRowSizeGuard } from '../../src/import/row-size-guard';

/** The records csv-parser reads through the guard, each with the size the guard noted if it cut it. */
async function read(text: string, maxRowBytes: number, chunkSize = text.length) {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  const guard = createRowSizeGuard(maxRowBytes);
  const parser = Readable.from(chunks).pipe(guard.stream).pipe(csvParser({ headers: false }));
  const out: { cells: string[]; cut?: number }[] = [];
  for await (const record of parser as AsyncIterable<Record<number, string>>) {
    const cut = guard.take(out.length);
    out.push({ cells: Object.values(record), ...(cut === undefined ? {} : { cut }) });
  }
  return out;
}

describe('row size guard', () => {
  it('when records are read, then each one\'s end is the byte after its newline (the file\'s size for the last), whatever the chunks and however long the record', async () => {
    const giant = `Zoe,"${'ñ,\n'.repeat(50)}"`;
    const text = `name,notes\r\nÁna,"a\nb"\n\n${giant}\nEva,last`;
    const bytes = Buffer.from(text, 'utf8');
    const endAfter = (s: string) => Buffer.byteLength(text.slice(0, text.indexOf(s) + s.length));
    for (const chunkSize of [1, 3, 64, 100000]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
      const guard = createRowSizeGuard(20);
      const parser = Readable.from(chunks).pipe(guard.stream).pipe(csvParser({ headers: false }));
      const ends: (number | undefined)[] = [];
      parser.on('data', () => ends.push(guard.endOf(ends.length)));
      await new Promise((resolve) => parser.on('end', resolve));
      expect(ends).toEqual([endAfter('notes\r\n'), endAfter('b"\n'), endAfter('b"\n\n'), endAfter(`${giant}\n`), bytes.length]);
      // Each end is given once.
      expect(guard.endOf(0)).toBeUndefined();
    }
  });

  it('when the file starts with a BOM, then it is dropped before csv-parser (a quoted first header is read without its quotes) and ends still count the file\'s bytes', async () => {
    const text = '\uFEFF"name","notes"\nAna,x\n';
    const bytes = Buffer.from(text, 'utf8');
    for (const chunkSize of [1, 2, 3, 4, 1000]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
      const guard = createRowSizeGuard(1024);
      const parser = Readable.from(chunks).pipe(guard.stream).pipe(csvParser({ headers: false }));
      const records: string[][] = [];
      const ends: (number | undefined)[] = [];
      for await (const record of parser as AsyncIterable<Record<number, string>>) {
        records.push(Object.values(record));
        ends.push(guard.endOf(ends.length));
      }
      expect(records).toEqual([['name', 'notes'], ['Ana', 'x']]);
      expect(ends).toEqual([Buffer.byteLength('\uFEFF"name","notes"\n'), bytes.length]);
    }
  });

  it('when the file starts with only part of a BOM, then those bytes go through as they are', async () => {
    const text = Buffer.concat([Buffer.from([0xef, 0xbb]), Buffer.from('a,b\nc,d\n')]);
    for (const chunkSize of [1, 2, 3, 1000]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < text.length; i += chunkSize) chunks.push(text.subarray(i, i + chunkSize));
      const guard = createRowSizeGuard(1024);
      const through: Buffer[] = [];
      for await (const chunk of Readable.from(chunks).pipe(guard.stream)) through.push(chunk as Buffer);
      expect(Buffer.concat(through)).toEqual(text);
    }
  });

  it('when no record is over the limit, then csv-parser reads the file exactly as without the guard', async () => {
    const text = 'name,notes\nAna,"a, ""quoted""\nvalue"\n\nLuis,x\r\nEva,last';
    for (const chunkSize of [1, 2, 3, 7, 1000]) {
      expect(await read(text, 1024, chunkSize)).toEqual([
        { cells: ['name', 'notes'] },
        { cells: ['Ana', 'a, "quoted"\nvalue'] },
        { cells: [] },
        { cells: ['Luis', 'x'] },
        { cells: ['Eva', 'last'] },
      ]);
    }
  });

  it('when a record in the middle is over the limit, then only its first bytes go through, it is flagged with its size, and the records after it are intact', async () => {
    const giant = `Zoe,${'y'.repeat(5000)}`;
    const text = `name,notes\nAna,a\n${giant}\nEva,e\n`;
    for (const chunkSize of [1, 10, 64, 100000]) {
      expect(await read(text, 20, chunkSize)).toEqual([
        { cells: ['name', 'notes'] },
        { cells: ['Ana', 'a'] },
        { cells: ['Zoe', 'y'.repeat(16)], cut: giant.length },
        { cells: ['Eva', 'e'] },
      ]);
    }
  });

  it('when the cut falls inside a quoted cell holding commas, quotes and newlines, then the cell is closed and the next record still starts where it should', async () => {
    const cell = `"${'a,"" \n'.repeat(1000)}"`;
    const text = `name,notes\nZoe,${cell},tail\nEva,e`;
    for (const chunkSize of [1, 5, 4096]) {
      const records = await read(text, 30, chunkSize);
      expect(records).toHaveLength(3);
      expect(records[1].cut).toBe(`Zoe,${cell},tail`.length);
      expect(records[1].cells[0]).toBe('Zoe');
      expect(records[1].cells.join(',').length).toBeLessThanOrEqual(30);
      expect(records[2]).toEqual({ cells: ['Eva', 'e'] });
    }
  });

  it('when the last record has no newline and is over the limit, then it still ends as one flagged record', async () => {
    expect(await read(`name\nAna\n"${'z'.repeat(100)}`, 10, 7)).toEqual([{ cells: ['name'] }, { cells: ['Ana'] }, { cells: ['z'.repeat(9)], cut: 101 }]);
  });

  it('when the file ends inside a quoted cell, then its last record, and only that one, is flagged as unclosed, whatever the chunks', async () => {
    const flagsOf = async (text: string, maxRowBytes: number, chunkSize: number) => {
      const bytes = Buffer.from(text, 'utf8');
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
      const guard = createRowSizeGuard(maxRowBytes);
      const parser = Readable.from(chunks).pipe(guard.stream).pipe(csvParser({ headers: false }));
      const seen: { cut?: number; unclosed: boolean }[] = [];
      for await (const record of parser) if (record) seen.push({ cut: guard.take(seen.length), unclosed: guard.unclosed(seen.length) });
      return seen;
    };
    const open = { cut: undefined, unclosed: false };
    for (const chunkSize of [1, 4, 100000]) {
      expect(await flagsOf('name,email\nAna,ana@x.com\n"unclosed,uc@x.com\nLuis,luis@x.com\n', 1000, chunkSize)).toEqual([open, open, { cut: undefined, unclosed: true }]);
      // A quote closed, even across lines, or doubled inside a cell, leaves every record as it is.
      expect(await flagsOf('name,notes\nAna,"a\nb ""c"""\nEva,e\n', 1000, chunkSize)).toEqual([open, open, open]);
      // Past the limit too: the record is then both cut and unclosed.
      expect(await flagsOf(`name\nAna\n"${'z'.repeat(100)}\nmore`, 10, chunkSize)).toEqual([open, open, { cut: 106, unclosed: true }]);
    }
  });

  it('when the header line is over the limit, then record 0 is flagged', async () => {
    const [header] = await read(`${'h'.repeat(50)}\nAna\n`, 10);
    expect(header.cut).toBe(50);
  });
});
