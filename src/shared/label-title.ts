import { lowercaseKey } from './text';

// Label titles are stored lowercased (Chatwoot's rule), and every place that names labels — a
// label's title, a contact's labels, an import cell, `labels[]`, a filter, an export — reads a
// title through this one function, so they all mean the same label.
//
// Composed to NFC first: a title typed decomposed (e + U+0301, as macOS may send it) is the same
// title as `é`, and its combining accent is no letter, so it was refused. Turkish İ lowercases to
// i + a combining dot above (in JavaScript, so also in a client that lowercases before sending),
// refused the same way; its Turkish lowercase is i, and an i needs no second dot.
export const labelTitleOf = (raw: string): string => lowercaseKey(raw.trim());

const TITLE = /^[\p{L}\p{N}_-]+$/u;

/** Why a lowercased, trimmed title cannot be a label (Chatwoot allows letters, digits, "-" and "_"), or undefined when it can. */
export function labelTitleProblem(title: string, raw = title): string | undefined {
  if (!title.length) return 'a label must not be empty';
  // Counted in characters (code points), as the limit says: a letter outside the BMP is two UTF-16 units.
  if (title.length > 255 && [...title].length > 255) return `label "${[...title].slice(0, 20).join('')}…" is longer than 255 characters`;
  if (!TITLE.test(title)) return `label "${raw}" may hold only letters, digits, "-" and "_"`;
  return undefined;
}
