import type { estypes } from '@elastic/elasticsearch';
import { tiedTextField, type ContactSort } from './contact-sort';
import type { BandRung, DecodedCursor } from './cursor';

/*
 * Reading a page after a cursor of a text sort from the texts that share its start. A keyword
 * sort has no points index to skip by, so a page after a cursor deep in a name sort compared
 * contacts from the start of the index: at a million contacts a page of `-name` 100,000 deep took
 * 1.7x its first page. The texts of one page share a start ("garcia a…" to "garcia m…"); the next
 * page most likely still lies among the texts that share all of it but its last character. The
 * cursor carries the length of that shorter start; the next page first asks for the texts from
 * the cursor's up to the end of that start (ascending), or from the start up to the cursor's
 * (descending) — a range of terms Elasticsearch answers from the terms dictionary. Those contacts
 * are a prefix of what follows the cursor, whatever the range's far end: every other contact's
 * text lies past it, or it has none and sorts last. So when the range holds a page and the hit
 * after it, they are exactly the page; otherwise the page is read as before, in a second round trip.
 * A page whose contacts all tie on one text is read from its tie instead (tie-window.ts).
 */

// A start of one character holds a letter's share of the account: its range costs more than it saves.
const MIN_BAND_PREFIX = 2;

// A page asked after a cursor may be smaller than the page the cursor came from (a walk by 1,000
// and then a page of 50), and the start a page of 1,000 shares is short: at a million, 100,000
// from the end by name, "美咲" (14,036 contacts, 8 ms inside Elasticsearch, against 9 without a
// band), where the 250 nearest the cursor share "美咲 perez " (the band "美咲 perez", 1,428
// contacts, 5 ms). So a cursor also carries the starts of the texts nearest it, a quarter of the
// page at a time down to MIN_RUNG_ROWS, and a page takes the narrowest start of at least as many
// texts as it asks for.
const MIN_RUNG_ROWS = 8;

const codePoints = (text: string) => Array.from(text);

/** The start two texts share but its last character, in characters, when it is long enough to narrow a search. */
function bandPrefixBetween(first: unknown, last: unknown): number | undefined {
  if (typeof first !== 'string' || typeof last !== 'string' || first === last) return undefined;
  const [a, b] = [codePoints(first), codePoints(last)];
  let shared = 0;
  while (shared < a.length && shared < b.length && a[shared] === b[shared]) shared += 1;
  const length = shared - 1;
  return length >= MIN_BAND_PREFIX ? length : undefined;
}

/**
 * The length, in characters, of the start of the texts a next page is read from (see above):
 * the start the page's first and last texts share, but its last character.
 */
export function textBandPrefixOf(sort: ContactSort, shown: estypes.SearchHit<unknown>[]): number | undefined {
  if (!tiedTextField(sort) || shown.length < 2) return undefined;
  return bandPrefixBetween(shown[0].sort?.[0], shown[shown.length - 1].sort?.[0]);
}

/**
 * The starts of the texts nearest a cursor (`nearest`: the page from the cursor's end inwards),
 * for pages smaller than it (see above): only those longer than every wider one.
 */
export function textBandRungsOf(sort: ContactSort, nearest: estypes.SearchHit<unknown>[]): BandRung[] | undefined {
  if (!tiedTextField(sort)) return undefined;
  const rungs: BandRung[] = [];
  let longest = textBandPrefixOf(sort, nearest) ?? 0;
  for (let rows = Math.floor(nearest.length / 4); rows >= MIN_RUNG_ROWS; rows = Math.floor(rows / 4)) {
    const prefix = bandPrefixBetween(nearest[0].sort?.[0], nearest[rows - 1].sort?.[0]);
    if (prefix !== undefined && prefix > longest) {
      rungs.push({ rows, prefix });
      longest = prefix;
    }
  }
  return rungs.length ? rungs : undefined;
}

/**
 * The least text above every text that starts with `prefix`, in the order a keyword sorts (its
 * UTF-8 bytes, which is code point order): the prefix with its last character one higher,
 * stepping over the surrogates, which no text holds. Undefined when every character is the highest.
 */
export function successorOfPrefix(prefix: string): string | undefined {
  const chars = codePoints(prefix).map((c) => c.codePointAt(0)!);
  while (chars.length) {
    const last = chars.pop()!;
    if (last < 0x10ffff) return String.fromCodePoint(...chars, last + 1 === 0xd800 ? 0xe000 : last + 1);
  }
  return undefined;
}

/**
 * The range of texts after a cursor (see above) for a page of `perPage`, when the cursor carries
 * the length of a shared start: its narrowest of at least `perPage` texts, or its page's.
 */
export function textBand(sort: ContactSort, cursor: DecodedCursor | undefined, perPage: number): estypes.QueryDslQueryContainer | undefined {
  const field = tiedTextField(sort);
  const value = cursor?.values[0];
  const length = cursor?.bandRungs?.filter((rung) => rung.rows >= perPage).pop()?.prefix ?? cursor?.bandPrefix;
  if (!field || !length || typeof value !== 'string') return undefined;
  const chars = codePoints(value);
  if (chars.length < length) return undefined;
  const prefix = chars.slice(0, length).join('');
  if (sort.order === 'desc') return { range: { [field]: { gte: prefix, lte: value } } };
  const above = successorOfPrefix(prefix);
  return above === undefined ? undefined : { range: { [field]: { gte: value, lt: above } } };
}
