import { parseCsv, unneutralise } from '../../console/src/import/read-csv';
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
