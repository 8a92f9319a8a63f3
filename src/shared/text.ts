// The accents NFD splits off letters (á → a + U+0301) are combining marks that are diacritics.
// Not \p{Diacritic} alone: it also holds spacing characters (^, `, ·, ´, modifier letters such as
// ʻ, the prolonged sound mark ー), and dropping those made "a^b@x.io" equal "ab@x.io". Not \p{M}
// alone either: vowel signs of Indic scripts are combining marks but no accents.
const ACCENTS = /(?=\p{Diacritic})\p{M}/gu;

// Compatibility characters are other spellings of letters, digits and punctuation: fullwidth Ｊｏｓｅ
// and １２３ (typed by Japanese and Chinese input methods), half-width ｶﾀｶﾅ, ligatures (ﬁ), Arabic
// presentation forms (text from old PDFs), superscripts, circled and mathematical letters (𝐉𝐨𝐬𝐞),
// the no-break and ideographic spaces. Their compatibility decomposition (NFKD) is what they stand
// for, so that is what they are compared as. Two kinds are kept as written, because decomposing them
// would be wrong:
// - spacing marks, whose decomposition is a space and a combining mark (´ → " " + U+0301): the mark
//   goes as an accent and left a space, so "a´b@x.io" became "a b@x.io". They stand on their own.
// - the Hangul letters a Korean keyboard types alone (ㄱ, ㅏ, and their half-width forms): they
//   decompose into the conjoining letters that syllables are made of, which then compose, so "ㄱㅏ"
//   became "가" and q=ㄱ no longer found it. Syllables (가) decompose canonically and are unchanged.
const KEPT_AS_WRITTEN =
  '\u00a8\u00af\u00b4\u00b8\u02d8-\u02dd\u037a\u0384\u0385\u1fbd\u1fbf-\u1fc1\u1fcd-\u1fcf\u1fdd-\u1fdf\u1fed\u1fee\u1ffd\u1ffe' +
  '\u2017\u203e\u309b\u309c\ufc5e-\ufc63\ufe49-\ufe4c\ufe70\ufe72\ufe74\ufe76\ufe78\ufe7a\ufe7c\ufe7e\uffe3' +
  '\u3131-\u318e\uffa0-\uffdc';
const HAS_KEPT = new RegExp(`[${KEPT_AS_WRITTEN}]`, 'u');
const NOT_KEPT_RUN = new RegExp(`[^${KEPT_AS_WRITTEN}]+`, 'gu');

/** Decomposed: compatibility characters to what they stand for (NFKD), the ones kept as written canonically (NFD). */
function decomposed(value: string): string {
  if (!HAS_KEPT.test(value)) return value.normalize('NFKD');
  return value.replace(NOT_KEPT_RUN, (run) => run.normalize('NFKD')).normalize('NFD');
}

// Latin letters whose mark is part of the letter, so NFD leaves them whole: folded to what people
// type for them on an English keyboard (as Lucene's ASCII folding does), so that "lukasz" finds
// Łukasz and "strasse" Straße. Keys are lowercase: the table applies after lowercasing.
const UNDECOMPOSED: Record<string, string> = {
  ł: 'l', ø: 'o', ß: 'ss', æ: 'ae', œ: 'oe', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ħ: 'h', ŧ: 't', ŀ: 'l', ƚ: 'l', ɨ: 'i', ʉ: 'u',
};
const UNDECOMPOSED_LETTER = new RegExp(`[${Object.keys(UNDECOMPOSED).join('')}]`, 'gu');

// Typographic apostrophes, quotes and dashes: what iOS smart punctuation, word processors and
// autocorrect type for ' " and - (O’Brien, “Pepe”, Jean‐Pierre). They fold to the ASCII ones, which
// are kept as characters (o'brien is not obrien, as before). Compatibility forms reach these after
// decomposition (fullwidth ＇ is ', the small em dash ﹘ is —, a double prime ″ is two primes).
// Other scripts' own hyphens (Hebrew maqaf, Armenian) and the wave dash 〜 are left as written.
const APOSTROPHES = /[\u2018\u2019\u201a\u201b\u02bc\u2032\u2035]/g;
const QUOTES = /[\u201c-\u201f]/g;
const DASHES = /[\u2010-\u2015\u2212]/g;

/** Typographic apostrophes, quotes and dashes as the ASCII ones they stand for (O’Brien is O'Brien). */
export const asciiPunctuation = (value: string): string => value.replace(APOSTROPHES, "'").replace(QUOTES, '"').replace(DASHES, '-');

/**
 * Characters that show nothing and only steer how text is drawn or broken: soft hyphens, direction
 * marks and embeddings, zero-width spaces and joiners, variation selectors, Hangul fillers. Text
 * pasted from a chat app, a mail client or a right-to-left page carries them; a number wrapped in
 * U+202A…U+202C looked like the number and was not it.
 */
export const INVISIBLE = /\p{Default_Ignorable_Code_Point}/gu;

/** Text without its invisible format characters (INVISIBLE). */
export const withoutInvisible = (value: string): string => value.replace(INVISIBLE, '');

/** Whether the text holds an invisible format character (INVISIBLE). */
export const hasInvisible = (value: string): boolean => withoutInvisible(value) !== value;

/**
 * Lowercase without accents: how text is compared and sorted (Álvaro sorts with alvaro, Łukasz with
 * lukasz), compatibility characters as what they stand for (Ｊｏｓｅ is jose), typographic
 * apostrophes, quotes and dashes as the ASCII ones (O’Brien is o'brien), and without invisible
 * characters (Jo + soft hyphen + sé is josé).
 */
export function foldText(value: string): string {
  const folded = decomposed(withoutInvisible(value))
    .replace(ACCENTS, '')
    .toLowerCase()
    .replace(UNDECOMPOSED_LETTER, (letter) => UNDECOMPOSED[letter])
    // Greek sigma has a second lowercase form at the end of a word, which JavaScript's toLowerCase
    // gives Σ there: ΟΔΥΣ and οδυσ were different texts, and "ΟΔΥΣ" no prefix of ΟΔΥΣΣΕΥΣ.
    .replace(/ς/g, 'σ');
  return asciiPunctuation(folded).normalize('NFC');
}

/**
 * Text as a key compares it, case aside: composed (NFC) and lowercased. A text typed decomposed
 * (e + U+0301, as macOS may send it) is the same text as its composed spelling; Turkish İ
 * lowercases to i + a combining dot above, which looks like i and is i; a final sigma is sigma
 * (ΟΔΥΣ@ lowercases to οδυς@, and was a second address beside οδυσ@).
 */
export const lowercaseKey = (value: string): string => value.normalize('NFC').toLowerCase().replace(/i\u0307/g, 'i').replace(/ς/g, 'σ');

const SHOWN_KEY_CHARACTERS = 40;

/** A key as a message names it: quoted as JSON, cut at 40 characters (a key may be a megabyte long). */
export const quotedKey = (key: string): string =>
  key.length > SHOWN_KEY_CHARACTERS ? `${JSON.stringify(key.slice(0, SHOWN_KEY_CHARACTERS)).slice(0, -1)}…"` : JSON.stringify(key);

/**
 * The first few of many keys, quoted, and how many more: a message naming every key a body may
 * not hold answered a body of 80,000 of them (868 KB) with a 1.9 MB 422.
 */
export const quotedKeys = (keys: string[], shown = 5): string =>
  keys.slice(0, shown).map(quotedKey).join(', ') + (keys.length > shown ? ` and ${keys.length - shown} more` : '');
