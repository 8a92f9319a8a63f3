// A date attribute holds what its writer gave: `2025-03-15`, a date-time with any offset, or Unix
// seconds (a number or digits). Its <input type="date"> takes YYYY-MM-DD and shows nothing for
// anything else, so the first ten characters of the value showed Unix seconds as an empty field
// and an offset date-time as its local day. The day shown is the UTC day, as filters compare.
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(?: ?(Z|UTC|[+-]\d{2}(?::?\d{2})?))?)?$/i;

export function dayOfDateValue(value: unknown): string {
  let ms: number;
  if (typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim()))) {
    ms = Number(value) * 1000;
  } else if (typeof value === 'string') {
    const m = DATE_TIME.exec(value.trim());
    if (!m) return '';
    if (!m[2]) return m[1];
    // Without a zone the API reads UTC; JavaScript would read local time.
    const zone = m[3] ? (['Z', 'UTC'].includes(m[3].toUpperCase()) ? 'Z' : m[3].replace(/^([+-]\d{2}):?(\d{2})?$/, (_all, hh: string, mm = '00') => `${hh}:${mm}`)) : 'Z';
    ms = Date.parse(`${m[1]}T${m[2]}${zone}`);
  } else return '';
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 10);
}
