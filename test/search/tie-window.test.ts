import type { estypes } from '@elastic/elasticsearch';
import { parseSort } from '../../src/search/contact-sort';
import { tieGapOf, tieWindow } from '../../src/search/tie-window';

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

  it('when the cursor has no gap, its value is missing, the sort is not by a text alone, or the window would pass the ids a long holds, then there is none', () => {
    expect(tieWindow(parseSort('city'), 50, { values: ['lima', 1000] })).toBeUndefined();
    expect(tieWindow(parseSort('city'), 50, { values: [null, 1000], tieGap: 2 })).toBeUndefined();
    expect(tieWindow(parseSort('email'), 50, { values: [5, 'a@x.io', 1000], tieGap: 2 })).toBeUndefined();
    expect(tieWindow(parseSort('city'), 1000, { values: ['lima', 1000], tieGap: Number.MAX_SAFE_INTEGER })).toBeUndefined();
  });

  it('when a page ties on one text, then its gap is the span of its ids over its contacts; otherwise there is none', () => {
    expect(tieGapOf(parseSort('city'), hits(['lima', 10], ['lima', 15], ['lima', 30]))).toBe(10);
    expect(tieGapOf(parseSort('-city'), hits(['lima', 30], ['lima', 10]))).toBe(20);
    expect(tieGapOf(parseSort('city'), hits(['lima', 10], ['quito', 30]))).toBeUndefined();
    expect(tieGapOf(parseSort('city'), hits(['lima', 10]))).toBeUndefined();
    expect(tieGapOf(parseSort('phone_number'), hits([5, 10], [5, 30]))).toBeUndefined();
  });
});
