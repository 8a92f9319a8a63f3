import type { estypes } from '@elastic/elasticsearch';
import { parseSort } from '../../src/search/contact-sort';
import { valueGapOf, valueWindow } from '../../src/search/value-window';
import { ABOVE_EVERY_KEY } from '../../src/search/text-sort-key';

const hits = (...firsts: unknown[]) => firsts.map((v, i) => ({ _index: 'x', sort: [v, i + 1] }) as estypes.SearchHit<unknown>);
const LAST_DATE_ASC = Date.parse('9999-12-31T00:00:00Z');

describe('the band of values after a cursor', () => {
  it('when a cursor of a phone, date or email sort carries a value gap, then the band reaches four pages of the size asked for past its value, the way the sort runs', () => {
    expect(valueWindow(parseSort('phone_number'), 5, { values: [51900000040, 7], valueGap: 8 })).toEqual({ range: { phone_sort: { gte: 51900000040, lte: 51900000200 } } });
    expect(valueWindow(parseSort('-created_at'), 50, { values: [1700000000000, 7], valueGap: 20 })).toEqual({ range: { created_at: { lte: 1700000000000, gte: 1699999996000 } } });
    expect(valueWindow(parseSort('-email'), 4, { values: [123456, 'ana@x.io', 7], valueGap: 2.5 })).toEqual({ range: { email_sort: { lte: 123456, gte: 123416 } } });
  });

  it('when the cursor has no gap, a gap of 0, a missing value, or the sort is by a text without a key or a custom attribute, then there is no band', () => {
    expect(valueWindow(parseSort('phone_number'), 5, { values: [51900000040, 7] })).toBeUndefined();
    expect(valueWindow(parseSort('phone_number'), 5, { values: [51900000040, 7], valueGap: 0 })).toBeUndefined();
    expect(valueWindow(parseSort('phone_number'), 5, { values: ['9223372036854775807', 7], valueGap: 5 })).toBeUndefined();
    expect(valueWindow(parseSort('created_at'), 5, { values: [LAST_DATE_ASC, 7], valueGap: 5 })).toBeUndefined();
    expect(valueWindow(parseSort('email'), 5, { values: [ABOVE_EVERY_KEY, null, 7], valueGap: 5 })).toBeUndefined();
    expect(valueWindow(parseSort('name'), 5, { values: ['ana', 7], valueGap: 5 })).toBeUndefined();
    expect(valueWindow({ ...parseSort('custom_attributes.seats'), field: 'cf_num_1' }, 5, { values: [5, 7], valueGap: 5 })).toBeUndefined();
  });

  it('when a page is read, then its gap is how far apart its first and last values lay over its contacts, unless one of them is missing', () => {
    expect(valueGapOf(parseSort('phone_number'), hits(51900000000, 51900000010, 51900000040))).toBe(20);
    expect(valueGapOf(parseSort('-phone_number'), hits(51900000040, 51900000000))).toBe(40);
    expect(valueGapOf(parseSort('phone_number'), hits(51900000000, 51900000000))).toBeUndefined();
    expect(valueGapOf(parseSort('phone_number'), hits(51900000000, '9223372036854775807'))).toBeUndefined();
    expect(valueGapOf(parseSort('created_at'), hits(1700000000000, LAST_DATE_ASC))).toBeUndefined();
    expect(valueGapOf(parseSort('phone_number'), hits(51900000000))).toBeUndefined();
    expect(valueGapOf(parseSort('city'), hits('lima', 'quito'))).toBeUndefined();
  });
});
