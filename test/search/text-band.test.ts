import type { estypes } from '@elastic/elasticsearch';
import { parseSort } from '../../src/search/contact-sort';
import { successorOfPrefix, textBand, textBandPrefixOf, textBandRungsOf } from '../../src/search/text-band';

const hits = (...firsts: unknown[]) => firsts.map((v, i) => ({ _index: 'x', sort: [v, i + 1] }) as estypes.SearchHit<unknown>);

describe('the texts that share a start after a cursor', () => {
  it('when a page of a text sort is read, then the start is what its first and last texts share but its last character, in characters', () => {
    expect(textBandPrefixOf(parseSort('name'), hits('garcia ana', 'garcia berta', 'garcia luis'))).toBe('garcia '.length - 1);
    expect(textBandPrefixOf(parseSort('-name'), hits('zoe ozturk 59', 'zoe ozturk 51'))).toBe('zoe ozturk 5'.length - 1);
    // Characters, not UTF-16 units: an emoji is one.
    expect(textBandPrefixOf(parseSort('name'), hits('😀😀ab', '😀😀ac'))).toBe(2);
    expect(textBandPrefixOf(parseSort('city'), hits('san borja', 'san isidro'))).toBe(3);
    expect(textBandPrefixOf({ ...parseSort('custom_attributes.tier'), field: 'cf_text_1' }, hits('gold a', 'gold b'))).toBe(4);
  });

  it('when the texts share fewer than three characters, tie on one text, a text is missing, the page has one contact or the sort has a numeric key, then there is none', () => {
    expect(textBandPrefixOf(parseSort('name'), hits('ana', 'anton'))).toBeUndefined();
    expect(textBandPrefixOf(parseSort('name'), hits('ana', 'berta'))).toBeUndefined();
    expect(textBandPrefixOf(parseSort('country'), hits('peru', 'peru'))).toBeUndefined();
    expect(textBandPrefixOf(parseSort('name'), hits('garcia ana', null))).toBeUndefined();
    expect(textBandPrefixOf(parseSort('name'), hits('garcia ana'))).toBeUndefined();
    expect(textBandPrefixOf(parseSort('email'), hits('garcia@a.io', 'garcia@b.io'))).toBeUndefined();
    expect(textBandPrefixOf(parseSort('phone_number'), hits(51900000000, 51900000040))).toBeUndefined();
  });

  it('when a prefix is given, then its successor is the least text above every text starting with it, in code point order', () => {
    expect(successorOfPrefix('garcia ')).toBe('garcia!');
    expect(successorOfPrefix('ab')).toBe('ac');
    expect(successorOfPrefix('a\u{d7ff}')).toBe('a\u{e000}');
    expect(successorOfPrefix('a\u{10ffff}')).toBe('b');
    expect(successorOfPrefix('a😀')).toBe('a😁');
    expect(successorOfPrefix('\u{10ffff}\u{10ffff}')).toBeUndefined();
    // Above every text that starts with the prefix, in the byte order Elasticsearch sorts by.
    const bytes = (s: string) => Buffer.from(s, 'utf8');
    for (const [prefix, text] of [['a\u{d7ff}', 'a\u{d7ff}\u{10ffff}'], ['a\u{ffff}', 'a\u{ffff}😀'], ['ab', 'ab\u{10ffff}']]) {
      expect(Buffer.compare(bytes(text), bytes(successorOfPrefix(prefix)!))).toBe(-1);
    }
  });

  it('when a cursor carries a start, then the band runs from its text to the end of the start ascending, and from the start to its text descending', () => {
    expect(textBand(parseSort('name'), { values: ['garcia luis', 7], bandPrefix: 6 }, 50)).toEqual({ range: { name: { gte: 'garcia luis', lt: 'garcib' } } });
    expect(textBand(parseSort('-name'), { values: ['garcia luis', 7], bandPrefix: 6 }, 50)).toEqual({ range: { name: { gte: 'garcia', lte: 'garcia luis' } } });
    expect(textBand(parseSort('-city'), { values: ['san borja', 7], bandPrefix: 3 }, 50)).toEqual({ range: { city: { gte: 'san', lte: 'san borja' } } });
  });

  it('when the texts nearest a cursor share a longer start than its page, then the cursor carries it for pages of up to a quarter, a sixteenth… of its page, down to 8', () => {
    // A page of 1,000 by name, nearest the cursor first: its last 62 share "garcia lu", its last 15 "garcia luis 1".
    const texts = Array.from({ length: 1000 }, (_, i) => (i < 15 ? `garcia luis 1${String(99 - i)}` : i < 62 ? `garcia lu${String.fromCharCode(122 - Math.floor(i / 3))}` : i < 250 ? `garcia ${String.fromCharCode(122 - Math.floor(i / 20))}` : `garb ${i}`));
    expect(textBandPrefixOf(parseSort('name'), hits(...texts))).toBe(2);
    expect(textBandRungsOf(parseSort('name'), hits(...texts))).toEqual([
      { rows: 250, prefix: 'garcia'.length },
      { rows: 62, prefix: 'garcia l'.length },
      { rows: 15, prefix: 'garcia luis '.length },
    ]);
    // Only a start longer than every wider one's; a page of fewer than 32 has no rung, nor a numeric sort.
    expect(textBandRungsOf(parseSort('name'), hits(...texts.slice(0, 15), ...Array(985).fill('garcia luis 0')))).toEqual([{ rows: 15, prefix: 'garcia luis '.length }]);
    expect(textBandRungsOf(parseSort('name'), hits(...Array.from({ length: 31 }, (_, i) => `garcia ${i}`)))).toBeUndefined();
    expect(textBandRungsOf(parseSort('phone_number'), hits(...Array.from({ length: 100 }, (_, i) => 51900000000 + i)))).toBeUndefined();
  });

  it('when a cursor carries starts for smaller pages, then a page takes the narrowest of at least as many texts as it asks for, or else the page\'s', () => {
    const cursor = { values: ['garcia luis 184', 7], bandPrefix: 2, bandRungs: [{ rows: 250, prefix: 6 }, { rows: 62, prefix: 8 }, { rows: 15, prefix: 12 }] };
    const startOf = (perPage: number) => (textBand(parseSort('-name'), cursor, perPage) as { range: { name: { gte: string } } }).range.name.gte;
    expect(startOf(15)).toBe('garcia luis ');
    expect(startOf(16)).toBe('garcia l');
    expect(startOf(50)).toBe('garcia l');
    expect(startOf(250)).toBe('garcia');
    expect(startOf(251)).toBe('ga');
    expect(textBand(parseSort('name'), cursor, 50)).toEqual({ range: { name: { gte: 'garcia luis 184', lt: 'garcia m' } } });
  });

  it('when the cursor carries no start, its text is missing or shorter than the start, or the sort is not by a text alone, then there is no band', () => {
    expect(textBand(parseSort('name'), { values: ['garcia luis', 7] }, 50)).toBeUndefined();
    expect(textBand(parseSort('name'), { values: [null, 7], bandPrefix: 3 }, 50)).toBeUndefined();
    expect(textBand(parseSort('name'), { values: ['ga', 7], bandPrefix: 3 }, 50)).toBeUndefined();
    expect(textBand(parseSort('email'), { values: [123, 'garcia@x.io', 7], bandPrefix: 3 }, 50)).toBeUndefined();
    expect(textBand(parseSort('phone_number'), { values: [51900000000, 7], bandPrefix: 3 }, 50)).toBeUndefined();
  });
});
