import { nestFormFields, urlencodedPairs } from '../../src/shared/rails-form';

const bytes = (text: string) => Buffer.from(text, 'latin1');

describe('form fields nested as Rails nests them', () => {
  it('when names carry brackets, then they nest; [] makes a list; a key of digits is a key', () => {
    expect(
      nestFormFields([
        ['name', 'Ana'],
        ['custom_attributes[plan]', 'pro'],
        ['additional_attributes[social][x]', 'ana_x'],
        ['labels[]', 'vip'],
        ['labels[]', 'lead'],
        ['custom_attributes[0]', 'zero'],
      ]),
    ).toEqual({ name: 'Ana', custom_attributes: { plan: 'pro', 0: 'zero' }, additional_attributes: { social: { x: 'ana_x' } }, labels: ['vip', 'lead'] });
  });

  it('when a name comes twice, then its last value is kept, as Rails keeps it', () => {
    expect(nestFormFields([['name', 'A'], ['name', 'B']])).toEqual({ name: 'B' });
  });

  it('when a key is __proto__, then it is an own key like any other and no prototype changes', () => {
    const nested = nestFormFields([['__proto__[polluted]', 'yes'], ['custom_attributes[__proto__]', '1']]);
    expect(Object.keys(nested)).toEqual(['__proto__', 'custom_attributes']);
    expect(Object.getPrototypeOf(nested)).toBe(Object.prototype);
    expect(Object.keys(nested.custom_attributes as object)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    [[['a[b', 'x']], /"a\[b" is not a field name/],
    [[['[a]', 'x']], /is not a field name/],
    [[['a[b]c', 'x']], /is not a field name/],
    [[['a[][b]', 'x']], /\[\] may only end a name/],
    [[['a[b][c][d][e][f][g]', 'x']], /nests deeper than 5 levels/],
    [[['a', 'x'], ['a[b]', 'y']], /"a\[b\]" is both a value and a group/],
    [[['a[b]', 'x'], ['a', 'y']], /"a" is both a value and a group/],
    [[['a[]', 'x'], ['a[b]', 'y']], /both a value and a group/],
    [[['a', 'x'], ['a[]', 'y']], /both a value and a group/],
  ] as [[string, string][], RegExp][])('when the fields are %j, then it is a 422 naming the field', (pairs, message) => {
    expect(() => nestFormFields(pairs)).toThrow(message);
  });
});

describe('an urlencoded body', () => {
  it('when it is read, then names and values are percent-decoded UTF-8 and + is a space', () => {
    expect(urlencodedPairs(bytes('name=Jos%C3%A9+Mar%C3%ADa&custom_attributes%5Bplan%5D=pro&empty=&flag&&=nameless'), 50, 1000)).toEqual([
      ['name', 'José María'],
      ['custom_attributes[plan]', 'pro'],
      ['empty', ''],
      ['flag', ''],
      ['', 'nameless'],
    ]);
    // A field without a name is skipped when nested, as Rack skips it.
    expect(nestFormFields([['', 'nameless'], ['name', 'x']])).toEqual({ name: 'x' });
  });

  it.each([
    ['name=Jos%E9', /form field "name" is not valid percent-encoded UTF-8/],
    ['name=Pct%ZZbad', /form field "name" is not valid percent-encoded UTF-8/],
    ['na%ZZme=x', /a form field name .* is not valid percent-encoded UTF-8/],
    ['name=Jos\xe9', /the form is not valid UTF-8/],
  ])('when it holds %j, then it is a 400 saying what is not UTF-8 (it was stored garbled)', (body, message) => {
    expect(() => urlencodedPairs(bytes(body), 50, 1000)).toThrow(message);
  });

  it('when it holds more fields than a form may, or a value longer than a field may be, then it is a 422 naming the limit', () => {
    expect(() => urlencodedPairs(bytes(Array.from({ length: 51 }, (_, i) => `k${i}=v`).join('&')), 50, 1000)).toThrow('the form has more than 50 fields, the limit of a form');
    expect(() => urlencodedPairs(bytes(`note=${'x'.repeat(1001)}`), 50, 1000)).toThrow('form field "note" is longer than 1000 bytes, the limit of a field');
  });

  it('when a name is very long, then the error quotes its start, not all of it', () => {
    const name = 'n'.repeat(200_000);
    expect(() => nestFormFields([[name, 'x']])).toThrow(`form field "${'n'.repeat(60)}…" has a name longer than 1000 characters`);
  });
});
