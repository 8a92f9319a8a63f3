// The console's languages (i18n.tsx's Language), written out: this file is also read by the unit
// tests' compiler, which reads no JSX.
type Language = 'en' | 'es';

const MARKS: Record<Language, { group: string; decimal: string }> = {
  en: { group: ',', decimal: '.' },
  es: { group: '.', decimal: ',' },
};
const escaped = (mark: string) => `\\${mark}`;

/**
 * A number as typed in the console's language. The language's own grouping is read as grouping
 * (2,500 in English; 4.000 and 1.234,5 in Spanish): they were saved and filtered as 2.5 and 4,
 * without a word, while the English console itself shows counts as 5,022. Otherwise one comma or
 * one dot is the decimal mark, as either language may write it (7,5 and 7.5; the browser's number
 * box read 7,5 as 75). Text that is no number, or mixes the marks another way (1.000,5 in
 * English), stays text, for the form to call it one: never a number the user did not type.
 */
export function parseTypedNumber(raw: string, language: Language): string | number {
  const text = raw.trim();
  if (!text) return '';
  const { group, decimal } = MARKS[language];
  const grouped = new RegExp(`^[-+]?\\d{1,3}(?:${escaped(group)}\\d{3})+(?:${escaped(decimal)}\\d+)?$`);
  const plain = grouped.test(text) ? text.split(group).join('').replace(decimal, '.') : /^[-+]?\d*[.,]\d+$/.test(text) ? text.replace(',', '.') : text;
  const number = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(plain) ? Number(plain) : NaN;
  return Number.isFinite(number) ? number : raw;
}
