// ISO 8601, and the form Rails gives a time as text (`2024-05-01 12:34:56 UTC`, `… +0530`): a
// space before the zone, UTC named. Chatwoot's contact export writes created_at so.
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(?: ?(Z|UTC|[+-]\d{2}(?::?\d{2})?))?)?$/i;

export interface IsoMoment {
  ms: number;
  /** A date without a time of day: the start of that day, UTC. */
  day: boolean;
}

/**
 * An ISO 8601 date or date-time, read strictly: JavaScript's own parser rolls an impossible
 * day over (2024-02-30 → March 1) and reads a date-time without a zone in the server's local
 * time, so a typo became another date and the same input meant different moments on different
 * machines. Here every field must exist on the calendar, and a date-time without a zone is UTC,
 * as every comparison of the service is.
 */
export function parseIsoMoment(value: string): IsoMoment | undefined {
  const m = ISO.exec(extendedForm(value.trim()));
  if (!m) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((part) => (part === undefined ? undefined : Number(part)));
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysIn(year!, month!)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const zone = m[8];
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}${m[7] ?? ''}${zone ? normalisedZone(zone) : 'Z'}`);
  return Number.isNaN(ms) ? undefined : { ms, day: m[4] === undefined };
}

// ISO 8601's basic format (`20250315`, `20250315T103000Z`), which some systems export: read as
// the extended one. `20250315` was taken for Unix seconds, 1970-08-23, and its date-time refused.
const BASIC = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(?:(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}(?:\d{2})?)?)?$/i;

function extendedForm(value: string): string {
  const m = BASIC.exec(value);
  if (!m) return value;
  const [, year, month, day, hour, minute, second, fraction = '', zone = ''] = m;
  return hour === undefined ? `${year}-${month}-${day}` : `${year}-${month}-${day}T${hour}:${minute}${second === undefined ? '' : `:${second}${fraction}`}${zone}`;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

// An offset of more than 23:59 or with minutes past 59 names no zone. Whole hours (`+00`, as
// PostgreSQL writes a timestamptz) are ISO 8601 too.
function normalisedZone(zone: string): string {
  if (zone.toUpperCase() === 'Z' || zone.toUpperCase() === 'UTC') return 'Z';
  const [, sign, hh, mm = '00'] = /^([+-])(\d{2})(?::?(\d{2}))?$/.exec(zone)!;
  return Number(hh) > 23 || Number(mm) > 59 ? 'invalid' : `${sign}${hh}:${mm}`;
}

// The years a timestamp may name, however it is written: a value the service answers (Unix
// seconds, negative before 1970) is always accepted back. Milliseconds sent by mistake fall
// outside (1700000000000 seconds is some 54,000 years away), as do typos of the year.
const FIRST_YEAR = 1000;
const LAST_YEAR = 3000;

/** Dates arrive as Unix seconds (negative before 1970) or ISO 8601; answers undefined for anything else. */
export function parseTimestamp(value: number | string): Date | undefined {
  let date: Date;
  // Eight digits of text that make a calendar date are that date (basic ISO 8601): as seconds they
  // would be a moment of 1970 to 1973, which no contact's history holds. A JSON number is seconds.
  const basicDate = typeof value === 'string' && /^\d{8}$/.test(value.trim()) ? parseIsoMoment(value) : undefined;
  if (basicDate) {
    date = new Date(basicDate.ms);
  } else if (typeof value === 'number' || /^-?\d+(\.\d+)?$/.test(value)) {
    const seconds = Number(value);
    if (!Number.isFinite(seconds) || Math.abs(seconds) > 1e12) return undefined;
    date = new Date(Math.round(seconds * 1000));
  } else {
    const moment = parseIsoMoment(value);
    if (!moment) return undefined;
    date = new Date(moment.ms);
  }
  const year = date.getUTCFullYear();
  return year < FIRST_YEAR || year > LAST_YEAR ? undefined : date;
}

export function toUnixSeconds(date: Date | null | undefined): number | null {
  return date ? Math.floor(date.getTime() / 1000) : null;
}
