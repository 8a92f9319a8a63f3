import { parseCsv, readFirstRows, unneutralise } from '../../console/src/import/read-csv';
import { csvLine, neutraliseFormula, unneutralise as apiUnneutralise } from '../../src/shared/csv';

const VALUES = ['=HYPERLINK("http://x","y")', "'=1+1", '  =1', '\u200b@sum', '+34612345678', "'+34612345678", '-12.5', 'plain', "it's", "'quoted'", '\t=x', '@', "''=x", ''];

describe("the console's reading of the CSV the API writes", () => {
  it('when a cell was guarded for spreadsheets, then the screen shows it as the row held it, by the same rule as the API', () => {
    for (const value of VALUES) {
      expect(unneutralise(neutraliseFormula(value))).toBe(value);
      expect(unneutralise(value)).toBe(apiUnneutralise(value));
    }
  });

  it('when rows hold quotes, commas and line breaks, then each cell reads whole', () => {
    const text = csvLine(['name', 'errors']) + csvLine(['=cmd|"/c calc"!A1', 'a, b\nc']) + csvLine(['Ana', '']);
    expect(parseCsv(text).map((row) => row.map(unneutralise))).toEqual([
      ['name', 'errors'],
      ['=cmd|"/c calc"!A1', 'a, b\nc'],
      ['Ana', ''],
    ]);
  });
});

describe("the first rows of a streamed CSV (an import's rejected rows on screen)", () => {
  /** A response streaming `chunks` one read at a time, telling how many were read and whether it was cancelled. */
  function streamed(chunks: string[]) {
    const seen = { read: 0, cancelled: false };
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (seen.read === chunks.length) return controller.close();
        controller.enqueue(new TextEncoder().encode(chunks[seen.read++]));
      },
      cancel() {
        seen.cancelled = true;
      },
    });
    return { res: new Response(body), seen };
  }

  it('when the file holds more rows than asked for, then the header and the first rows come back whole, and the rest is not read', async () => {
    // Quoted cells with line breaks, cut across chunks.
    const rows = ['name,errors', ...Array.from({ length: 500 }, (_, i) => `"Row ${i}\nsecond line",bad émail ${i}`)];
    const text = rows.join('\n') + '\n';
    const chunks = text.match(/[\s\S]{1,37}/g)!;
    const { res, seen } = streamed(chunks);
    const first = await readFirstRows(res, 3);
    expect(first).toEqual([['name', 'errors'], ['Row 0\nsecond line', 'bad émail 0'], ['Row 1\nsecond line', 'bad émail 1'], ['Row 2\nsecond line', 'bad émail 2']]);
    expect(seen.cancelled).toBe(true);
    expect(seen.read).toBeLessThan(chunks.length / 10);
  });

  it('when the file holds fewer rows than asked for, then all of them come back, the last one too without a final line break', async () => {
    const { res, seen } = streamed(['name,err', 'ors\nAna,bad\nBea,', 'worse']);
    expect(await readFirstRows(res, 100)).toEqual([['name', 'errors'], ['Ana', 'bad'], ['Bea', 'worse']]);
    expect(seen.cancelled).toBe(false);
  });
});
