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
 * The header and the first `limit` rows of a CSV the API streams, read no further (the download
 * is cancelled there): an import's rejected rows run to tens of thousands at a million contacts,
 * and 25,000 of them made a 3.6 MB read and a table of 125,000 elements that took 4 s to show
 * (console audit at 940,000 contacts). The whole file is the download's.
 */
export async function readFirstRows(res: Response, limit: number): Promise<string[][]> {
  if (!res.body) return parseCsv(await res.text()).slice(0, limit + 1);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return parseCsv(text + decoder.decode()).slice(0, limit + 1);
    text += decoder.decode(value, { stream: true });
    const rows = parseCsv(text);
    // The last row read may be cut short: one past those wanted shows they are whole.
    if (rows.length > limit + 1) {
      await reader.cancel();
      return rows.slice(0, limit + 1);
    }
  }
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
