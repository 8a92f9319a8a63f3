import { decimalTextLosesDigits, lossyNumberLiterals } from '../../src/shared/decimal-text';

const lossyIn = (json: string) => [...lossyNumberLiterals(Buffer.from(json, 'utf8'))];

describe('lossyNumberLiterals', () => {
  it('when a literal names a number a double cannot hold, then it is found by the double it becomes', () => {
    expect(lossyIn('{"a":10215894736289301,"b":[-9007199254740993, 1.00000000000000001e3]}')).toEqual([
      [10215894736289300, '10215894736289301'],
      [-9007199254740992, '-9007199254740993'],
      [1000, '1.00000000000000001e3'],
    ]);
  });

  it('when literals are how a double writes itself, or short, then none is found', () => {
    expect(lossyIn('[9007199254740994, 12345678901234567000, 1e+21, -4.36776965293457e+26, -436776965293457011965427712, 0.1, 0.10000000000000001, 123456789012345, -0]')).toEqual([]);
  });

  it('when the digits are inside strings, keys or escapes, then they are not numbers', () => {
    expect(lossyIn('{"10215894736289301":"10215894736289301","q":"a \\" 10215894736289301 \\\\","é":"ünï 10215894736289301"}')).toEqual([]);
    expect(lossyIn('{"s":"\\\\","n":10215894736289301}')).toEqual([[10215894736289300, '10215894736289301']]);
  });
});

describe('decimalTextLosesDigits', () => {
  it.each(['9007199254740993', '9007199254740993.0', '10215894736289301', '12345678901234567890', '1.00000000000000001', '-4.3677696529345704e+26', ' 1' + '1'.repeat(100)])(
    'when %s is read as a double, then digits are lost',
    (text) => expect(decimalTextLosesDigits(text)).toBe(true),
  );

  it.each(['0', '0.1', '0.10000000000000001', '1e+21', '1E21', '12345678901234567000', '9007199254740992', '-2.5', '.5', '+7', ' 11 ', '5e-324', '1.7976931348623157e308', '1' + '0'.repeat(150)])(
    'when %s is read as a double, then it is that double written to its own digits',
    (text) => expect(decimalTextLosesDigits(text)).toBe(false),
  );
});
