export type CsvValue = string | number | boolean | null | undefined;

// A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
// Apostrophes before one are counted in: the import drops one apostrophe before a formula
// character, so a text that already starts that way ("'=x") is given one more and comes back whole.
// Spaces and invisible characters before one are counted in too: a spreadsheet may trim them and
// run " =1+1" (a custom text value is stored as given; found by a black-box security test).
// Spaces and invisible characters (direction marks, soft hyphens, zero-width joiners, Hangul
// fillers: Unicode's default-ignorable code points) before the formula character hide it as well.
const FORMULA_START = /^'*[\s\p{Default_Ignorable_Code_Point}]*[=+\-@\t\r]/u;
// ...except a plain signed number, which it reads as a number and runs nothing: a phone number in
// E.164 (+34612345678) stays as the contact has it.
const PLAIN_NUMBER = /^[+-]\d+(\.\d+)?$/;

/** Prefixes an apostrophe so a spreadsheet shows the text instead of running it; the import drops it again. */
export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value.trim()) ? `'${value}` : value;
}

/**
 * Reads back a cell (or a heading) that neutraliseFormula wrote: one apostrophe before a formula
 * character is dropped, so an exported file imports to the same values (a text that started with
 * apostrophes before such a character was written with one more).
 */
export function unneutralise(value: string): string {
  return /^'+[\s\p{Default_Ignorable_Code_Point}]*[=+\-@\t\r]/u.test(value) ? value.slice(1) : value;
}

function csvCell(value: CsvValue, neutralise: boolean): string {
  if (value === null || value === undefined) return '';
  const text = neutralise ? neutraliseFormula(String(value)) : String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line (RFC 4180, CRLF), every cell neutralised against formula injection unless told otherwise. */
export function csvLine(values: CsvValue[], options: { neutralise?: boolean } = {}): string {
  const neutralise = options.neutralise ?? true;
  return `${values.map((value) => csvCell(value, neutralise)).join(',')}\r\n`;
}
