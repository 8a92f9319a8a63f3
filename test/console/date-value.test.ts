import { dayOfDateValue } from '../../console/src/contact/date-value';

// The contact details show a date attribute in an <input type="date">, which takes YYYY-MM-DD
// and shows nothing for anything else. The API stores a date value as its writer gave it.
describe('the day a date attribute shows in the console', () => {
  it.each([
    ['2025-03-15', '2025-03-15'],
    ['2025-03-15T00:00:00.000Z', '2025-03-15'],
    // The UTC day, as filters compare (equal_to "2025-03-16" finds it).
    ['2025-03-15T23:30:00-03:00', '2025-03-16'],
    ['2025-03-15T00:30:00+05:30', '2025-03-14'],
    ['2025-03-15T10:00', '2025-03-15'],
    ['2025-03-15 22:00:00.123456-03', '2025-03-16'],
    ['2025-03-15T01:00:00+0200', '2025-03-14'],
    ['2025-03-15 23:00:00 -0300', '2025-03-16'],
    ['2025-03-15 23:00:00 UTC', '2025-03-15'],
    [1742032800, '2025-03-15'],
    ['1742032800', '2025-03-15'],
    [-2208988800, '1900-01-01'],
  ])('when the value is %j, then it shows %s', (value, day) => {
    expect(dayOfDateValue(value)).toBe(day);
  });

  it('when the value is no date the API would take, then it shows nothing rather than a wrong day', () => {
    for (const value of [null, undefined, '', 'soon', true, {}, 1e300]) expect(dayOfDateValue(value)).toBe('');
  });
});
