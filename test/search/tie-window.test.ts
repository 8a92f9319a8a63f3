import type { estypes } from '@elastic/elasticsearch';
import { parseSort } from '../../src/search/contact-sort';
import { idBoundAfter, idsPast, idsUpTo, tieGapOf, tieWindow } from '../../src/search/tie-window';

const hits = (...sorts: unknown[][]) => sorts.map((sort) => ({ _index: 'x', sort }) as estypes.SearchHit<unknown>);

describe('the window of a tie after a cursor', () => {
  it('when a cursor carries a tie gap, then the window reaches four pages of the size asked for past its id, the way the sort runs', () => {
    expect(tieWindow(parseSort('city'), 50, { values: ['lima', 1000], tieGap: 2.5 })).toEqual({
      bool: { filter: [{ term: { city: 'lima' } }, { range: { id: { gt: 1000, lte: 1500 } } }] },
    });
    expect(tieWindow(parseSort('-city'), 3, { values: ['lima', 1000], tieGap: 2.5 })).toEqual({
      bool: { filter: [{ term: { city: 'lima' } }, { range: { id: { lt: 1000, gte: 970 } } }] },
    });
    // Never narrower than a page and the hit after it.
    expect(tieWindow(parseSort('city'), 10, { values: ['lima', 1000], tieGap: 0.01 })).toEqual({
      bool: { filter: [{ term: { city: 'lima' } }, { range: { id: { gt: 1000, lte: 1011 } } }] },
    });
  });

  it('when the cursor has no gap, the sort is not by a text alone and its value is present, or the window would pass the ids a long holds, then there is none', () => {
    expect(tieWindow(parseSort('city'), 50, { values: ['lima', 1000] })).toBeUndefined();
    expect(tieWindow(parseSort('city'), 50, { values: [null, 1000] })).toBeUndefined();
    expect(tieWindow(parseSort('email'), 50, { values: [5, 'a@x.io', 1000], tieGap: 2 })).toBeUndefined();
    expect(tieWindow(parseSort('phone_number'), 50, { values: [51900000001, 1000], tieGap: 2 })).toBeUndefined();
    expect(tieWindow(parseSort('last_activity_at'), 50, { values: [Date.parse('2025-01-01'), 1000], tieGap: 2 })).toBeUndefined();
    // A custom number may be as large as a double holds: only its infinite place is a missing one.
    expect(tieWindow({ key: 'custom_attributes.seats', order: 'asc', field: 'cf_num_1' }, 50, { values: [1e300, 1000], tieGap: 2 })).toBeUndefined();
    expect(tieWindow({ key: 'custom_attributes.seats', order: 'desc', field: 'cf_num_1' }, 50, { values: ['Infinity', 1000], tieGap: 2 })).toBeUndefined();
    expect(tieWindow(parseSort('city'), 1000, { values: ['lima', 1000], tieGap: Number.MAX_SAFE_INTEGER })).toBeUndefined();
  });

  it('when a cursor lies among the contacts without the sort field, then the window is those contacts with ids past it, whatever the field\'s type', () => {
    const without = (field: string, ids: object) => ({ bool: { must_not: [{ exists: { field } }], filter: [{ range: { id: ids } }] } });
    expect(tieWindow(parseSort('city'), 50, { values: [null, 1000], tieGap: 2 })).toEqual(without('city', { gt: 1000, lte: 1400 }));
    expect(tieWindow(parseSort('-name'), 50, { values: [null, 1000], tieGap: 2 })).toEqual(without('name', { lt: 1000, gte: 600 }));
    // An email sorts by its numeric key first; the text tells that it is missing.
    expect(tieWindow(parseSort('email'), 50, { values: [2 ** 52, null, 1000], tieGap: 1 })).toEqual(without('email', { gt: 1000, lte: 1200 }));
    // Long's end, as a cursor carries it and as a hit's sort value parses.
    expect(tieWindow(parseSort('phone_number'), 50, { values: ['9223372036854775807', 1000], tieGap: 1 })).toEqual(without('phone_sort', { gt: 1000, lte: 1200 }));
    expect(tieWindow(parseSort('-phone_number'), 50, { values: [-9223372036854775808, 1000], tieGap: 1 })).toEqual(without('phone_sort', { lt: 1000, gte: 800 }));
    expect(tieWindow(parseSort('last_activity_at'), 50, { values: [Date.parse('9999-12-31T00:00:00Z'), 1000], tieGap: 1 })).toEqual(without('last_activity_at', { gt: 1000, lte: 1200 }));
    expect(tieWindow(parseSort('-created_at'), 50, { values: [Date.parse('0001-01-01T00:00:00Z') - 1, 1000], tieGap: 1 })).toEqual(without('created_at', { lt: 1000, gte: 800 }));
    expect(tieWindow({ key: 'custom_attributes.seats', order: 'asc', field: 'cf_num_1' }, 50, { values: ['Infinity', 1000], tieGap: 1 })).toEqual(without('cf_num_1', { gt: 1000, lte: 1200 }));
    expect(tieWindow({ key: 'custom_attributes.seats', order: 'desc', field: 'cf_num_1' }, 50, { values: ['-Infinity', 1000], tieGap: 1 })).toEqual(without('cf_num_1', { lt: 1000, gte: 800 }));
    expect(tieWindow({ key: 'custom_attributes.vip', order: 'asc', field: 'cf_bool_2' }, 50, { values: [2, 1000], tieGap: 1 })).toEqual(without('cf_bool_2', { gt: 1000, lte: 1200 }));
    expect(tieWindow({ key: 'custom_attributes.renewal', order: 'desc', field: 'cf_date_3' }, 50, { values: [Date.parse('0001-01-01T00:00:00Z') - 1, 1000], tieGap: 1 })).toEqual(without('cf_date_3', { lt: 1000, gte: 800 }));
    // The far end of the other direction is a present value's place, not a missing one.
    expect(tieWindow(parseSort('-last_activity_at'), 50, { values: [Date.parse('9999-12-31T00:00:00Z'), 1000], tieGap: 1 })).toBeUndefined();
  });

  it('when a page lies wholly among the contacts without the sort field, then its gap is the span of its ids; a page that reaches them is no tie', () => {
    expect(tieGapOf(parseSort('city'), hits([null, 10], [null, 15], [null, 30]))).toBe(10);
    expect(tieGapOf(parseSort('-phone_number'), hits([-9223372036854775808, 40], [-9223372036854775808, 20]))).toBe(20);
    expect(tieGapOf(parseSort('email'), hits([2 ** 52, null, 10], [2 ** 52, null, 12]))).toBe(2);
    expect(tieGapOf(parseSort('city'), hits(['quito', 10], [null, 30]))).toBeUndefined();
    expect(tieGapOf(parseSort('phone_number'), hits([51900000001, 10], ['9223372036854775807', 30]))).toBeUndefined();
  });

  it('when a page ties on one text, then its gap is the span of its ids over its contacts; otherwise there is none', () => {
    expect(tieGapOf(parseSort('city'), hits(['lima', 10], ['lima', 15], ['lima', 30]))).toBe(10);
    expect(tieGapOf(parseSort('-city'), hits(['lima', 30], ['lima', 10]))).toBe(20);
    expect(tieGapOf(parseSort('city'), hits(['lima', 10], ['quito', 30]))).toBeUndefined();
    expect(tieGapOf(parseSort('city'), hits(['lima', 10]))).toBeUndefined();
    expect(tieGapOf(parseSort('phone_number'), hits([5, 10], [5, 30]))).toBeUndefined();
  });
});

describe('the ids of a read by id alone', () => {
  const byId = (...ids: number[]) => ids.map((id) => ({ _index: 'x', _id: String(id), sort: [id] }) as estypes.SearchHit<unknown>);

  it('when a read past an id is windowed, then the window is bounded on both sides, the way the read runs', () => {
    expect(idsPast(1000, 2.5, 50, 'asc')).toEqual({ range: { id: { gt: 1000, lte: 1500 } } });
    expect(idsPast(1000, 2.5, 3, 'desc')).toEqual({ range: { id: { lt: 1000, gte: 970 } } });
    expect(idsPast(Number.MAX_SAFE_INTEGER - 10, 1, 50, 'asc')).toBeUndefined();
  });

  it('when a read from the end held a page and one, then the next stops a margin past the hit after the page, the way the read runs', () => {
    // Ids 10 apart: four pages of 3 are 120 ids past the hit after the page.
    expect(idBoundAfter(byId(10, 20, 30, 40), 3, 'asc')).toBe(160);
    expect(idsUpTo(160, 'asc')).toEqual({ range: { id: { lte: 160 } } });
    expect(idBoundAfter(byId(900, 890, 880, 870), 3, 'desc')).toBe(750);
    expect(idsUpTo(750, 'desc')).toEqual({ range: { id: { gte: 750 } } });
    // Consecutive ids: four pages of 3 ids.
    expect(idBoundAfter(byId(1, 2, 3, 4), 3, 'asc')).toBe(16);
    // The read held the whole tie: nothing to remember.
    expect(idBoundAfter(byId(10, 20, 30), 3, 'asc')).toBeUndefined();
  });
});
