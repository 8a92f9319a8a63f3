// The accents NFD splits off letters (á → a + U+0301) are combining marks that are diacritics.
// Not \p{Diacritic} alone: it also holds spacing characters (^, `, ·, ´, modifier letters such as
// ʰ, the prolonged sound mark ー), and dropping those made "a^b@x.io" equal "ab@x.io". Not \p{M}
// alone either: vowel signs of Indic scripts are combining marks but no accents.
const ACCENTS = /(?=\p{Diacritic})\p{M}/gu;

/** Lowercase without accents: how text is compared and sorted (Álvaro sorts with alvaro). */
export function foldText(value: string): string {
  return value.normalize('NFD').replace(ACCENTS, '').toLowerCase().normalize('NFC');
}
