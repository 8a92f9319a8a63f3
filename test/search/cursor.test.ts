import { createHmac } from 'node:crypto';
import { decodeCursor, encodeCursor } from '../../src/search/cursor';
import { ValidationError } from '../../src/shared/errors';

const SECRET = 'a-test-secret-of-at-least-32-characters!';

/** A cursor signed with the right secret around any body: what only a holder of the secret could make. */
function signed(body: unknown, secret = SECRET): string {
  const encoded = Buffer.from(JSON.stringify(body)).toString('base64url');
  return `${encoded}.${createHmac('sha256', secret).update(encoded).digest('base64url')}`;
}

function refusal(run: () => unknown): ValidationError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).field).toBe('after');
    return err as ValidationError;
  }
  throw new Error('expected a ValidationError naming after');
}

describe('cursor', () => {
  it('when a cursor is made and read back for its sort, then it gives the sort values, huge longs intact', () => {
    expect(decodeCursor(SECRET, encodeCursor(SECRET, 'name', ['ana', 7]), 'name', ['text'])).toEqual({ values: ['ana', 7] });
    expect(decodeCursor(SECRET, encodeCursor(SECRET, 'name', [null, 7]), 'name', ['text'])).toEqual({ values: [null, 7] });
    expect(decodeCursor(SECRET, encodeCursor(SECRET, '-created_at', [2 ** 63, 9]), '-created_at', ['number'])).toEqual({ values: ['9223372036854775807', 9] });
    expect(decodeCursor(SECRET, encodeCursor(SECRET, 'phone_number', [34612345678, 3]), 'phone_number', ['number'])).toEqual({ values: [34612345678, 3] });
    expect(decodeCursor(SECRET, encodeCursor(SECRET, 'created_at', [-(2 ** 63), 9]), 'created_at', ['number'])).toEqual({ values: ['-9223372036854775808', 9] });
  });

  it('when a custom number beyond 2^53 ends a page, then its cursor carries that number, not a missing value', () => {
    for (const big of [2e16, 9007199254740994, -2e16, 1e300, -Number.MAX_VALUE]) {
      expect(decodeCursor(SECRET, encodeCursor(SECRET, '-custom_attributes.seats', [big, 4]), '-custom_attributes.seats', ['number'])).toEqual({ values: [big, 4] });
    }
  });

  it('when a byte of the cursor is changed, then the signature does not hold and it is a 422 naming after', () => {
    const cursor = encodeCursor(SECRET, 'name', ['ana', 7]);
    const [body, signature] = cursor.split('.');
    const forged = Buffer.from(JSON.stringify({ s: 'name', v: ['zzz', 7] })).toString('base64url');
    expect(refusal(() => decodeCursor(SECRET, `${forged}.${signature}`, 'name', ['text'])).message).toMatch(/signature does not match/);
    expect(refusal(() => decodeCursor(SECRET, `${body}.${signature.slice(1)}A`, 'name', ['text'])).message).toMatch(/signature/);
    expect(refusal(() => decodeCursor('another-secret-of-at-least-32-characters', cursor, 'name', ['text'])).message).toMatch(/signature/);
  });

  it('when the signature is written otherwise but decodes to the same bytes, then it is still a 422', () => {
    const cursor = encodeCursor(SECRET, 'name', ['ana', 7]);
    const [body, signature] = cursor.split('.');
    // 32 bytes are 43 characters whose last one carries 2 spare bits: 4 letters decode alike.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(signature.at(-1)!);
    const sibling = alphabet[last ^ 1];
    expect(Buffer.from(signature.slice(0, -1) + sibling, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
    for (const forged of [signature.slice(0, -1) + sibling, `${signature}=`, `${signature} `, `${signature.slice(0, 5)}!${signature.slice(5)}`]) {
      expect(refusal(() => decodeCursor(SECRET, `${body}.${forged}`, 'name', ['text'])).message).toMatch(/signature does not match/);
    }
    expect(decodeCursor(SECRET, cursor, 'name', ['text'])).toEqual({ values: ['ana', 7] });
  });

  it.each([
    ['an unsigned cursor (as issued before signing)', Buffer.from(JSON.stringify({ s: 'name', v: ['ana', 7] })).toString('base64url')],
    ['garbage', 'garbage'],
    ['three parts', 'a.b.c'],
    ['an empty signature', 'abc.'],
  ])('when after is %s, then it is a 422 naming after', (_what, cursor) => {
    expect(refusal(() => decodeCursor(SECRET, cursor, 'name', ['text'])).message).toMatch(/not a cursor this service issued/);
  });

  it('when a sort runs on a numeric key before its text (email), then its cursor holds the key, the text and the id', () => {
    expect(decodeCursor(SECRET, encodeCursor(SECRET, 'email', [1234, 'ana@x.com', 7]), 'email', ['number', 'text'])).toEqual({ values: [1234, 'ana@x.com', 7] });
    expect(decodeCursor(SECRET, encodeCursor(SECRET, '-email', [-1, null, 7]), '-email', ['number', 'text'])).toEqual({ values: [-1, null, 7] });
    expect(refusal(() => decodeCursor(SECRET, encodeCursor(SECRET, 'email', ['ana@x.com', 7]), 'email', ['number', 'text'])).message).toMatch(
      /holds 2 sort values; a cursor for sort "email" holds 3/,
    );
    expect(refusal(() => decodeCursor(SECRET, encodeCursor(SECRET, 'email', ['ana@x.com', 'ana@x.com', 7]), 'email', ['number', 'text'])).message).toMatch(
      /"ana@x.com" where sort "email" expects a number/,
    );
  });

  it('when a cursor carries the id gap of a page that tied, then it comes back; a gap that is not a number from 0, or a span of older cursors, is dropped, not refused', () => {
    expect(decodeCursor(SECRET, encodeCursor(SECRET, 'city', ['lima', 7], { tieGap: 2.5 }), 'city', ['text'])).toEqual({ values: ['lima', 7], tieGap: 2.5 });
    for (const g of [-1, 'x', null, 2 ** 60]) {
      expect(decodeCursor(SECRET, signed({ s: 'city', v: ['lima', 7], g }), 'city', ['text'])).toEqual({ values: ['lima', 7] });
    }
    expect(decodeCursor(SECRET, signed({ s: 'city', v: ['lima', 7], t: 120 }), 'city', ['text'])).toEqual({ values: ['lima', 7] });
  });

  it('when a cursor carries the value gap of a page sorted by a number, then it comes back; a gap that is not a number from 0 is dropped, not refused', () => {
    expect(decodeCursor(SECRET, encodeCursor(SECRET, 'phone_number', [34612345678, 7], { valueGap: 5000 / 49 }), 'phone_number', ['number'])).toEqual({ values: [34612345678, 7], valueGap: 5000 / 49 });
    for (const d of [-1, 'x', null, 2 ** 60]) {
      expect(decodeCursor(SECRET, signed({ s: 'phone_number', v: [34612345678, 7], d }), 'phone_number', ['number'])).toEqual({ values: [34612345678, 7] });
    }
  });

  it('when a cursor carries the starts of the texts nearest it, then they come back; a list of any other shape is dropped, not refused', () => {
    const rungs = [{ rows: 250, prefix: 4 }, { rows: 62, prefix: 9 }];
    expect(decodeCursor(SECRET, encodeCursor(SECRET, 'name', ['garcia luis', 7], { bandPrefix: 2, bandRungs: rungs }), 'name', ['text'])).toEqual({ values: ['garcia luis', 7], bandPrefix: 2, bandRungs: rungs });
    for (const n of [[[250]], [[250, -1]], [[0, 4]], [['250', 4]], [[250, 4, 1]], 'x', [250, 4], null]) {
      expect(decodeCursor(SECRET, signed({ s: 'name', v: ['garcia luis', 7], n }), 'name', ['text'])).toEqual({ values: ['garcia luis', 7] });
    }
  });

  it('when a cursor made for one sort is used with another, then it says which', () => {
    expect(refusal(() => decodeCursor(SECRET, encodeCursor(SECRET, 'name', ['a', 1]), 'email', ['text'])).message).toMatch(/for sort "name", not "email"/);
  });

  // The six shapes that used to reach Elasticsearch and answer 500, signed here so that the
  // shape check itself is what refuses them (a cursor of a redefined custom attribute is one).
  it.each([
    ['values that are not a list', 'created_at', 'number', { s: 'created_at', v: 'x' }, /not a cursor this service issued/],
    ['too few values', 'created_at', 'number', { s: 'created_at', v: [1700000000000] }, /holds 1 sort values; a cursor for sort "created_at" holds 2/],
    ['too many values', 'name', 'text', { s: 'name', v: ['ana', 7, 8] }, /holds 3 sort values/],
    ['a word where a date sort expects a number', 'created_at', 'number', { s: 'created_at', v: ['yesterday', 7] }, /"yesterday" where sort "created_at" expects a number/],
    ['a number where a text sort expects a string', 'name', 'text', { s: 'name', v: [12, 7] }, /12 where sort "name" expects a string or null/],
    ['nested arrays', 'name', 'text', { s: 'name', v: [['ana'], [7]] }, /expects a string or null/],
    ['an object', 'phone_number', 'number', { s: 'phone_number', v: [{ gt: 1 }, 7] }, /expects a number/],
    ['a word for the contact id', 'name', 'text', { s: 'name', v: ['ana', 'seven'] }, /"seven" where a contact id is expected/],
    ['a fraction for the contact id', 'name', 'text', { s: 'name', v: ['ana', 1.5] }, /where a contact id is expected/],
    ['a body that is not an object', 'name', 'text', null, /not a cursor this service issued/],
  ] as const)('when a signed cursor holds %s, then it is a 422 naming after', (_what, sort, type, body, message) => {
    expect(refusal(() => decodeCursor(SECRET, signed(body), sort, [type])).message).toMatch(message);
  });

  // Elasticsearch could not parse such a date, and its refusal was answered naming `sort`.
  it('when a signed cursor holds a value outside the whole-number range of its sort, then it is a 422 naming after; the ends of the range are taken', () => {
    const range = { min: -5, max: 10, what: 'a date: whole milliseconds from here to there' };
    for (const value of [2 ** 63, -(2 ** 63), 1e20, 11, -6, 1.5, '9223372036854775807', 'Infinity', null]) {
      expect(refusal(() => decodeCursor(SECRET, signed({ s: '-created_at', v: [value, 7] }), '-created_at', [range])).message).toBe(
        `after holds ${JSON.stringify(value)} where sort "-created_at" expects a date: whole milliseconds from here to there`,
      );
    }
    for (const value of [-5, 0, 10]) expect(decodeCursor(SECRET, signed({ s: '-created_at', v: [value, 7] }), '-created_at', [range])).toEqual({ values: [value, 7] });
  });
});
