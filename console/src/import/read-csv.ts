// Reading the CSV files the API writes (the rejected rows of an import), to show them on screen.

/** A small RFC 4180 reader for the rejected rows (quoted fields, doubled quotes, newlines in quotes). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

/**
 * A cell as it was before the API guarded it for spreadsheets: the API writes one apostrophe
 * before a cell a spreadsheet would run as a formula (=, +, -, @, after spaces or invisible
 * characters too), and the screen showed it ('=HYPERLINK(…)), a value the file never held. The
 * same rule as the API's `unneutralise` (src/shared/csv.ts); test/console keeps them equal.
 */
export function unneutralise(value: string): string {
  return /^'+[\s\p{Default_Ignorable_Code_Point}]*[=+\-@\t\r]/u.test(value) ? value.slice(1) : value;
}
