/** Lowercase without accents: how text is compared and sorted (Álvaro sorts with alvaro). */
export function foldText(value: string): string {
  return value.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase().normalize('NFC');
}
