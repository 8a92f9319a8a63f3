import { parseIsoMoment, parseTimestamp } from '../../src/shared/time';

describe('reading ISO 8601 dates strictly', () => {
  it.each([
    ['2024-02-29', Date.UTC(2024, 1, 29), true],
    ['2000-02-29', Date.UTC(2000, 1, 29), true],
    ['  2020-01-01  ', Date.UTC(2020, 0, 1), true],
    ['2020-01-01T10:00', Date.UTC(2020, 0, 1, 10), false],
    ['2020-01-01 10:00:00', Date.UTC(2020, 0, 1, 10), false],
    ['2020-01-01T10:00:00.123456789Z', Date.UTC(2020, 0, 1, 10, 0, 0, 123), false],
    ['2020-01-01T10:00+05:30', Date.UTC(2020, 0, 1, 4, 30), false],
    ['2020-01-01T10:00-0300', Date.UTC(2020, 0, 1, 13), false],
    ['2020-12-31t23:59:59z', Date.UTC(2020, 11, 31, 23, 59, 59), false],
    // An offset of whole hours, as ISO 8601 allows and PostgreSQL writes a timestamptz (a dump of Chatwoot's own database).
    ['2020-01-01 10:00:00.123456+00', Date.UTC(2020, 0, 1, 10, 0, 0, 123), false],
    ['2020-01-01T10:00:00+05', Date.UTC(2020, 0, 1, 5), false],
    ['2020-01-01T10:00-03', Date.UTC(2020, 0, 1, 13), false],
    // As Rails writes a time as text (Chatwoot's contact export).
    ['2020-01-01 10:00:00 UTC', Date.UTC(2020, 0, 1, 10), false],
    ['2020-01-01 10:00:00 +0530', Date.UTC(2020, 0, 1, 4, 30), false],
  ])('when %s is read, then it is that moment, a date-time without a zone in UTC', (text, ms, day) => {
    expect(parseIsoMoment(text)).toEqual({ ms, day });
  });

  it.each(['2024-02-30', '2023-02-29', '1900-02-29', '2020-04-31', '2020-13-01', '2020-00-10', '2020-01-00', '2020-01-01T24:00', '2020-01-01T23:60', '2020-01-01T23:59:60Z', '2020-01-01T10:00+24:00', '2020-01-01T10:00+05:60', '2020-01-01T10:00+24', '2020-01-01T10:00+5', '2020-01-01T10:00+053', '2020-01-01+05', '2020-01-01 UTC', '2020-01-01 10:00 CET', '2020-01-01 10:00  UTC', '2020-01-01T10', '2020-1-1', 'yesterday'])(
    'when %s is read, then it is no date (never rolled over to another day)',
    (text) => {
      expect(parseIsoMoment(text)).toBeUndefined();
      expect(parseTimestamp(text)).toBeUndefined();
    },
  );

  // `20250315` was read as Unix seconds (1970-08-23) and `20250315T100000Z` refused.
  it.each([
    ['20250315', Date.UTC(2025, 2, 15), true],
    ['20250315T1030', Date.UTC(2025, 2, 15, 10, 30), false],
    ['20250315T103000Z', Date.UTC(2025, 2, 15, 10, 30), false],
    ['20250315T103000.5+0530', Date.UTC(2025, 2, 15, 5, 0, 0, 500), false],
  ])('when %s (ISO 8601 basic format) is read, then it is that moment', (text, ms, day) => {
    expect(parseIsoMoment(text)).toEqual({ ms, day });
    expect(parseTimestamp(text)?.getTime()).toBe(ms);
  });

  // ISO 8601 forms an import's file may carry: they were refused as no ISO 8601 (black-box round 10).
  it.each([
    ['2025-074', Date.UTC(2025, 2, 15), true],
    ['2024-366', Date.UTC(2024, 11, 31), true],
    ['2025-074T10:00:00Z', Date.UTC(2025, 2, 15, 10), false],
    ['2025-W11-6', Date.UTC(2025, 2, 15), true],
    ['2025W116', Date.UTC(2025, 2, 15), true],
    ['2025-W11', Date.UTC(2025, 2, 10), true],
    ['2026-W01-1', Date.UTC(2025, 11, 29), true],
    ['2020-W53-5', Date.UTC(2021, 0, 1), true],
    ['2025-w11-6 10:30 UTC', Date.UTC(2025, 2, 15, 10, 30), false],
    ['2025-03-15T12:34:56,5Z', Date.UTC(2025, 2, 15, 12, 34, 56, 500), false],
    ['20250315T123456,25Z', Date.UTC(2025, 2, 15, 12, 34, 56, 250), false],
  ])('when %s (an ordinal or week date, or a comma before the fraction) is read, then it is that moment', (text, ms, day) => {
    expect(parseIsoMoment(text)).toEqual({ ms, day });
    expect(parseTimestamp(text)?.getTime()).toBe(ms);
  });

  it.each(['2025-000', '2025-366', '2025-W00', '2021-W53', '2025-W54', '2025-W11-8', '2025-W11-0', '2025-07', '2025-7', '2025-W1'])('when %s names no ordinal or week date, then it is no date', (text) => {
    expect(parseIsoMoment(text)).toBeUndefined();
    expect(parseTimestamp(text)).toBeUndefined();
  });

  it('when eight digits of text are no calendar date, or the same digits come as a JSON number, then they are Unix seconds as before', () => {
    expect(parseTimestamp('20251399')?.getTime()).toBe(20251399000);
    expect(parseTimestamp(20250315)?.getTime()).toBe(20250315000);
    expect(parseIsoMoment('20250230')).toBeUndefined();
  });

  it('when Unix seconds are given, then they are read as seconds, as a number or as text', () => {
    expect(parseTimestamp(1700000000)?.getTime()).toBe(1700000000000);
    expect(parseTimestamp('1700000000')?.getTime()).toBe(1700000000000);
    expect(parseTimestamp('0999-01-01')).toBeUndefined();
  });

  it('when a timestamp is in the years 1000 to 3000, written either way, then it is read; outside, it is none', () => {
    // What the service answers for 1900 and for 3000-06-01 must come back in as the same instant.
    expect(parseTimestamp(-2208988800)?.toISOString()).toBe('1900-01-01T00:00:00.000Z');
    expect(parseTimestamp('-2208988800.5')?.getTime()).toBe(-2208988800500);
    expect(parseTimestamp(Date.UTC(3000, 5, 1) / 1000)?.toISOString()).toBe('3000-06-01T00:00:00.000Z');
    expect(parseTimestamp('3000-12-31T23:59:59Z')?.getTime()).toBe(Date.UTC(3000, 11, 31, 23, 59, 59));
    expect(parseTimestamp(Date.UTC(1000, 0, 1) / 1000)?.toISOString()).toBe('1000-01-01T00:00:00.000Z');
    for (const outside of [Date.UTC(1000, 0, 1) / 1000 - 1, Date.UTC(3001, 0, 1) / 1000, 1700000000000, -2208988800000, 1e300, '1e9', '-', '--5', '3001-01-01']) {
      expect(parseTimestamp(outside)).toBeUndefined();
    }
  });
});
