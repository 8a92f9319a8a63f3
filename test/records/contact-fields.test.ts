import { attributesSizeProblem, normalizeEmail, normalizePhone } from '../../src/records/contact-fields';
import { toIndexValue } from '../../src/records/custom-attribute-fields';

describe('normalizeEmail', () => {
  it.each(['Ana@Example.COM', ' ana.garcia+vip@example.org ', 'ü@münchen.de', "o'brien@example.ie"])('when %j is given, then it is kept, trimmed and lowercased', (raw) => {
    expect(normalizeEmail(raw)).toEqual({ ok: true, value: raw.trim().toLowerCase() });
  });

  // Each message says which rule the address breaks ("is not a valid email address" alone left it to be guessed at).
  const header = (c: string) => `it holds ${JSON.stringify(c)}, which separates or quotes addresses in a mail header`;
  it.each([
    ['a\u0000@x.com', 'it holds a control character'],
    ['a@x\u0007.com', 'it holds a control character'],
    ['a\u001b[31m@x.com', 'it holds a control character'],
    ['a@x.com\u007f', 'it holds a control character'],
    ['a b@x.com', 'it holds a space'],
    ['a@x', 'its domain "x" has no dot'],
    ['@x.com', 'nothing comes before the @'],
    ['a@@x.com', 'it has more than one @'],
    ['a@x.', 'its domain "x." has an empty part'],
    ['a@b..com', 'its domain "b..com" has an empty part'],
    ['a@.b.com', 'its domain ".b.com" has an empty part'],
    ['a@b.com.', 'its domain "b.com." has an empty part'],
    ['bad-email', 'it has no @'],
    ['a@', 'it has no domain after the @'],
    [`${'x'.repeat(250)}@x.io`, 'it is longer than 254 characters'],
    // What separates, quotes or comments addresses in a mail header: one contact's email was two recipients.
    ['a,v2@evil.test', header(',')],
    ['a;b@x.test', header(';')],
    ['(c)v2@evil.test', header('(')],
    ['a<b>@x.com', header('<')],
    ['"a"@x.com', header('"')],
    ['a\\b@x.com', header('\\')],
    ['a:b@x.com', header(':')],
    ['a@[127.0.0.1]', header('[')],
  ])('when %j is given, then it is refused, quoted with its control and invisible characters escaped, saying why', (raw, why) => {
    expect(normalizeEmail(raw)).toEqual({ ok: false, error: `${JSON.stringify(raw)} is not a valid email address (${why})` });
  });

  // An address refused for an invisible character looked valid in the message that refused it.
  it.each([
    ['x\u200b@y.com', 'U+200B'],
    ['a\u2060b@x.com', 'U+2060'],
    ['ana@x.com\u200e', 'U+200E'],
    ['\u202aana@x.com\u202c', 'U+202A'],
    // Not format characters (\p{Cf}), invisible all the same: variation selectors, Hangul fillers, the grapheme joiner.
    ['abc\ufe0f@x.io', 'U+FE0F'],
    ['a\u3164b@x.io', 'U+3164'],
    ['a\u034fb@x.io', 'U+034F'],
    ['a@x\u115f.io', 'U+115F'],
  ])('when %j holds an invisible character, then it is refused naming the character', (raw, code) => {
    expect(normalizeEmail(raw)).toEqual({ ok: false, error: `${JSON.stringify(raw)} is not a valid email address (it holds an invisible character, ${code})` });
  });

  it('when an address holds a capital sigma at the end of a word, then it lowercases to σ, as the address typed with σ', () => {
    expect(normalizeEmail('ΟΔΥΣ@gr.io')).toEqual({ ok: true, value: 'οδυσ@gr.io' });
    expect(normalizeEmail('οδυς@gr.io')).toEqual({ ok: true, value: 'οδυσ@gr.io' });
  });

  // The same address typed on a Mac (decomposed: e + U+0301) and on a phone (é) is one address:
  // canonically equivalent text is stored in one form (NFC), or it took two keys and two contacts.
  it('when an address is given decomposed (NFD), then it is stored composed (NFC), as its precomposed spelling is', () => {
    expect(normalizeEmail('Jose\u0301@Exa\u0308mple.com')).toEqual({ ok: true, value: 'jos\u00e9@ex\u00e4mple.com' });
    expect(normalizeEmail('JOS\u00c9@EX\u00c4MPLE.COM')).toEqual({ ok: true, value: 'jos\u00e9@ex\u00e4mple.com' });
  });

  // A Turkish keyboard types a capital I as İ: lowercased, it was i + a combining dot above, an
  // address that looks like info@ and is another key (and another mailbox).
  it('when an address holds a Turkish capital \u0130, then it lowercases to i, as the address typed in lowercase', () => {
    expect(normalizeEmail('\u0130NFO@\u0130ZM\u0130R.COM.TR')).toEqual({ ok: true, value: 'info@izmir.com.tr' });
    expect(normalizeEmail('i\u0307nfo@x.io')).toEqual({ ok: true, value: 'info@x.io' });
  });
});

// SPEC §1: spaces, dashes, dots and parentheses are stripped. A number pasted from a word
// processor carries typographic dashes (en dash, non-breaking hyphen…), which were refused
// while any Unicode space was stripped.
describe('normalizePhone', () => {
  it.each([
    '+34 612-345-678', '34.612.345.678', '+34 (612) 345 678', '+34\t612\u00a0345\u2009678',
    '+34 612\u2013345\u2013678', '+34 612\u2011345\u2011678', '+34 612\u2010345\u2012678', '+34 612\u2014345\u2015678',
    '+34 612\u2212345\u2212678', '+34 612\ufe63345\uff0d678',
  ])('when %j is given, then its separators are stripped', (raw) => {
    expect(normalizePhone(raw)).toEqual({ ok: true, value: '+34612345678' });
  });

  it.each([
    '+\u0663\u0664 \u0666\u0661\u0662 \u0663\u0664\u0665 \u0666\u0667\u0668', '+\u06f3\u06f4\u06f6\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8',
    '\uff0b\uff13\uff14 \uff16\uff11\uff12 \uff13\uff14\uff15 \uff16\uff17\uff18', '+\u0969\u096a 612 345 678',
  ])('when %j is written with the digits of another script (Arabic-Indic, Persian, fullwidth, Devanagari), then they are its digits', (raw) => {
    expect(normalizePhone(raw)).toEqual({ ok: true, value: '+34612345678' });
  });

  it.each(['\u202a+34 612 345 678\u202c', '\u200e+34 612 345 678', '+34\u00ad612\u200b345\u2060678', '\u2066+34 612 345 678\u2069'])(
    'when %j comes wrapped in direction marks or holds other invisible characters (pasted from a chat app or a right-to-left page), then they are stripped',
    (raw) => {
      expect(normalizePhone(raw)).toEqual({ ok: true, value: '+34612345678' });
    },
  );

  it.each(['+34 612/345/678', '+34_612_345_678', '+34 [612] 345 678', '+0 612 345 678', '+1', '+1234567890123456', '0034612345678', '++34612345678'])(
    'when %j is given, then it is refused',
    (raw) => {
      expect(normalizePhone(raw).ok).toBe(false);
    },
  );
});

describe('a phone number written as a decimal number', () => {
  // pandas writes a phone column with gaps as floats: the dot stripped as a separator, "34612345676.0" became +346123456760.
  it.each(['34612345676.0', '+34612345676.0', ' 34612345676.00 '])('when %j is given, then it is refused saying so, not read with its zero', (raw) => {
    expect(normalizePhone(raw)).toEqual({ ok: false, error: `"${raw}" is a phone number written as a decimal number (a spreadsheet's ".0"): write it without the ".0"` });
  });

  it.each([['34.612.345.670', '+34612345670'], ['+34 612 345.670', '+34612345670']])('when %j has dots between its groups, then they are separators as before', (raw, value) => {
    expect(normalizePhone(raw)).toEqual({ ok: true, value });
  });
});

describe('how much an attribute hash may hold', () => {
  it('when a hash is within 1,000 entries and 64 KiB, then it passes; past either, the problem names the field and the limit', () => {
    const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
    expect(attributesSizeProblem('additional_attributes', keys(1000))).toBeUndefined();
    expect(attributesSizeProblem('additional_attributes', keys(1001))).toMatch(/^additional_attributes would hold more than 1,000 keys/);
    expect(attributesSizeProblem('custom_attributes', { a: { b: Array.from({ length: 999 }, () => 0) } })).toMatch(/more than 1,000/);
    expect(attributesSizeProblem('custom_attributes', { note: 'x'.repeat(70_000) })).toMatch(/at most 65,536$/);
  });

  it('when one list holds half a million items, then the problem is said without overflowing the stack', () => {
    const huge = { list: Array.from({ length: 500_000 }, () => 1) };
    expect(attributesSizeProblem('additional_attributes', huge)).toMatch(/more than 1,000 keys and list items/);
  });
});

describe('a custom text value as the index holds it', () => {
  const text = { attribute_key: 'notes', attribute_display_type: 'text' as const, attribute_values: [], slot: 1 };
  it('when it is only zero-width characters, direction marks, Hangul fillers or spaces, then it is not indexed (not present), as an empty one', () => {
    for (const blank of ['\u200b', '\u2060', ' \u200c\u200d ', '', '\u200f', '\u202a\u202c', '\u3164', '\u00ad ']) expect(toIndexValue(text, blank)).toBeUndefined();
  });
  it('when invisible characters sit at its edges or inside it, then it is compared without them', () => {
    expect(toIndexValue(text, '\u200bPlan A\u2060')).toBe('plan a');
    expect(toIndexValue(text, 'a\u200db')).toBe('ab');
    expect(toIndexValue(text, '\u202aPl\u00adan\u202c')).toBe('plan');
  });
});

// A key defined again with another type left its contacts' values where they were: a number
// attribute's 5 under a text `level` was not indexed, and `level is_present` counted none of the
// contacts that show one.
describe('a value stored under an earlier type of its key, as the index holds it', () => {
  const def = (attribute_display_type: 'text' | 'number' | 'checkbox' | 'date') => ({ attribute_key: 'k', attribute_display_type, attribute_values: [], slot: 1 });
  it('when it converts cleanly, then it is indexed as the new type holds it', () => {
    expect(toIndexValue(def('text'), 5)).toBe('5');
    expect(toIndexValue(def('text'), 2.5)).toBe('2.5');
    expect(toIndexValue(def('text'), false)).toBe('false');
    expect(toIndexValue(def('number'), '11')).toBe(11);
    expect(toIndexValue(def('number'), ' -2.5 ')).toBe(-2.5);
    expect(toIndexValue(def('checkbox'), 'true')).toBe(true);
    expect(toIndexValue(def('checkbox'), 'false')).toBe(false);
    // What a checkbox write takes (Rails' cast), as the write would store it.
    expect(toIndexValue(def('checkbox'), 1)).toBe(true);
    expect(toIndexValue(def('checkbox'), ' ON ')).toBe(true);
    expect(toIndexValue(def('checkbox'), 'f')).toBe(false);
    expect(toIndexValue(def('number'), '1e3')).toBe(1000);
  });
  it('when it does not, then it is not indexed (not present)', () => {
    for (const [type, value] of [['number', 'gold'], ['number', '1,5'], ['number', true], ['number', '1e400'], ['checkbox', 'yes'], ['checkbox', 2], ['text', { a: 1 }], ['text', ['a']], ['date', true]] as const) {
      expect(toIndexValue(def(type), value)).toBeUndefined();
    }
  });
});
