import { parseTypedNumber } from '../../console/src/i18n/typed-number';

describe('numbers as typed in the console', () => {
  it.each([
    ['7,5', 7.5],
    ['-0,25', -0.25],
    [' 42 ', 42],
    ['3.5', 3.5],
    ['1e3', 1000],
    ['', ''],
    // The language's grouping is grouping: found by a black-box tester, 2,500 was saved as 2.5.
    ['2,500', 2500],
    ['1,000', 1000],
    ['-1,234,567', -1234567],
    ['1,000.5', 1000.5],
    ['2.500', 2.5],
    // Neither grouping nor one decimal mark: text, for the form to refuse.
    ['1.000,5', '1.000,5'],
    ['7,5,1', '7,5,1'],
    ['12,34,567', '12,34,567'],
    ['abc', 'abc'],
    ['0x10', '0x10'],
  ])('when %j is typed in English, then it is %j', (typed, number) => expect(parseTypedNumber(typed, 'en')).toBe(number));

  it.each([
    ['7,5', 7.5],
    ['7.5', 7.5],
    ['2,500', 2.5],
    // Found by a black-box tester: 4.000, how Spanish writes four thousand, filtered as 4.
    ['4.000', 4000],
    ['1.234.567', 1234567],
    ['1.234,5', 1234.5],
    ['-1.234,5', -1234.5],
    ['1,000.5', '1,000.5'],
    ['7,,5', '7,,5'],
  ])('when %j is typed in Spanish, then it is %j', (typed, number) => expect(parseTypedNumber(typed, 'es')).toBe(number));
});
