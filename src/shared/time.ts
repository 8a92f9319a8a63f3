// ISO 8601, and the form Rails gives a time as text (`2024-05-01 12:34:56 UTC`, `… +0530`): a
// space before the zone, UTC named. Chatwoot's contact export writes created_at so.
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})([.,]\d{1,9})?)?(?: ?(Z|UTC|[+-]\d{2}(?::?\d{2})?))?)?$/i;

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
  // ISO 8601 takes a comma as the decimal sign as well as a full stop.
  const fraction = m[7]?.replace(',', '.') ?? '';
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}${fraction}${zone ? normalisedZone(zone) : 'Z'}`);
  return Number.isNaN(ms) ? undefined : { ms, day: m[4] === undefined };
}

// ISO 8601's basic format (`20250315`, `20250315T103000Z`), which some systems export: read as
// the extended one. `20250315` was taken for Unix seconds, 1970-08-23, and its date-time refused.
const BASIC = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(?:(\d{2})([.,]\d{1,9})?)?(Z|[+-]\d{2}(?:\d{2})?)?)?$/i;

// ISO 8601's ordinal dates (`2025-074`, the 74th day) and week dates (`2025-W11-6`, `2025W116`;
// the day of the week 1 for Monday, Monday when left out), with a time after them or not: read as
// the calendar date they name. They were refused as no ISO 8601.
const ORDINAL = /^(\d{4})-(\d{3})(?=$|[T ])/i;
const WEEK = /^(\d{4})-?W(\d{2})(?:-?([1-7]))?(?=$|[T ])/i;
const DAY_MS = 86400000;

function calendarDateOf(value: string): string {
  const ordinal = ORDINAL.exec(value);
  const week = ordinal ? null : WEEK.exec(value);
  if (!ordinal && !week) return value;
  const year = Number((ordinal ?? week)![1]);
  let ms: number;
  if (ordinal) {
    const day = Number(ordinal[2]);
    // 337 days besides February: 365 or 366 in all.
    if (day < 1 || day > 337 + daysIn(year, 2)) return value;
    ms = Date.UTC(year, 0, day);
  } else {
    const weekNumber = Number(week![2]);
    if (weekNumber < 1 || weekNumber > weeksIn(year)) return value;
    // Week 1 is the week of January 4th; its Monday starts the week-numbering year.
    const jan4 = Date.UTC(year, 0, 4);
    const mondayOfWeek1 = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
    ms = mondayOfWeek1 + ((weekNumber - 1) * 7 + Number(week![3] ?? 1) - 1) * DAY_MS;
  }
  const rest = value.slice((ordinal ?? week)![0].length);
  return `${new Date(ms).toISOString().slice(0, 10)}${rest}`;
}

/** 53 when the year starts on a Thursday, or is a leap year starting on a Wednesday; else 52. */
function weeksIn(year: number): number {
  const weekdayOfDec31 = (y: number) => (y + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400)) % 7;
  return weekdayOfDec31(year) === 4 || weekdayOfDec31(year - 1) === 3 ? 53 : 52;
}

function extendedForm(value: string): string {
  const m = BASIC.exec(value);
  if (!m) return calendarDateOf(value);
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
