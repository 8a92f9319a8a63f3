// The accents NFD splits off letters (á → a + U+0301) are combining marks that are diacritics.
// Not \p{Diacritic} alone: it also holds spacing characters (^, `, ·, ´, modifier letters such as
// ʰ, the prolonged sound mark ー), and dropping those made "a^b@x.io" equal "ab@x.io". Not \p{M}
// alone either: vowel signs of Indic scripts are combining marks but no accents.
const ACCENTS = /(?=\p{Diacritic})\p{M}/gu;

// Latin letters whose mark is part of the letter, so NFD leaves them whole: folded to what people
// type for them on an English keyboard (as Lucene's ASCII folding does), so that "lukasz" finds
// Łukasz and "strasse" Straße. Keys are lowercase: the table applies after lowercasing.
const UNDECOMPOSED: Record<string, string> = {
  ł: 'l', ø: 'o', ß: 'ss', æ: 'ae', œ: 'oe', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ħ: 'h', ŧ: 't', ŀ: 'l', ƚ: 'l', ɨ: 'i', ʉ: 'u',
};
const UNDECOMPOSED_LETTER = new RegExp(`[${Object.keys(UNDECOMPOSED).join('')}]`, 'gu');

/** Lowercase without accents: how text is compared and sorted (Álvaro sorts with alvaro, Łukasz with lukasz). */
export function foldText(value: string): string {
  return value
    .normalize('NFD')
    .replace(ACCENTS, '')
    .toLowerCase()
    .replace(UNDECOMPOSED_LETTER, (letter) => UNDECOMPOSED[letter])
    .normalize('NFC');
}

/**
 * Text as a key compares it, case aside: composed (NFC) and lowercased. A text typed decomposed
 * (e + U+0301, as macOS may send it) is the same text as its composed spelling; Turkish İ
 * lowercases to i + a combining dot above, which looks like i and is i.
 */
export const lowercaseKey = (value: string): string => value.normalize('NFC').toLowerCase().replace(/i\u0307/g, 'i');
