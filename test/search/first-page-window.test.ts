import { parseSort } from '../../src/search/contact-sort';
import { createFirstPageEnds, firstPageEndOf, firstPageWindow } from '../../src/search/first-page-window';
import { ABOVE_EVERY_KEY } from '../../src/search/text-sort-key';

const hits = (...sorts: unknown[][]) => sorts.map((sort, i) => ({ _index: 'x', _id: String(i), sort }) as never);

describe('where a first page ended', () => {
  it('when the hit after the page has a value, then the page ends at it, a page and one past its id', () => {
    expect(firstPageEndOf(parseSort('name'), 2, hits(['ana', 7], ['bea', 3], ['carla', 9]))).toEqual({ value: 'carla', bound: 12 });
    expect(firstPageEndOf(parseSort('-phone_number'), 2, hits([52, 1], [51, 2], [50, 3]))).toEqual({ value: 50, bound: 0 });
  });

  it('when the page and the hit after it tie on one text, then the margin is four pages of the gaps between their ids', () => {
    expect(firstPageEndOf(parseSort('city'), 2, hits(['lima', 10], ['lima', 20], ['lima', 30]))).toEqual({ value: 'lima', bound: 110 });
  });

  it('when the hit after the page lacks the field, then the page ends among the contacts without it, a page and one past its id', () => {
    expect(firstPageEndOf(parseSort('name'), 2, hits(['ana', 1], ['bea', 2], [null, 3]))).toEqual({ missing: 'name', bound: 6 });
    expect(firstPageEndOf(parseSort('phone_number'), 2, hits([1, 1], [2, 2], [2 ** 63, 3]))).toEqual({ missing: 'phone_sort', bound: 6 });
    expect(firstPageEndOf(parseSort('email'), 2, hits([1, 'a', 1], [2, 'b', 2], [ABOVE_EVERY_KEY, null, 3]))).toEqual({ missing: 'email', bound: 6 });
    expect(firstPageEndOf(parseSort('-email'), 2, hits([9, 'z', 9], [8, 'y', 8], [-1, null, 7]))).toEqual({ missing: 'email', bound: 4 });
    // Any sort: a custom number's too, which has no window among present values.
    expect(firstPageEndOf({ key: 'custom_attributes.seats', order: 'asc', field: 'cf_num_1' }, 2, hits([1.5, 1], [2, 2], ['Infinity', 3]))).toEqual({ missing: 'cf_num_1', bound: 6 });
    expect(firstPageEndOf({ key: 'custom_attributes.seats', order: 'asc', field: 'cf_num_1' }, 2, hits([1.5, 1], [2, 2], [3, 3]))).toBeUndefined();
  });

  it('when the whole page lacks the field, then the margin is four pages of the gaps between its ids', () => {
    expect(firstPageEndOf(parseSort('-last_activity_at'), 2, hits([Date.parse('0001-01-01T00:00:00Z') - 1, 90], [Date.parse('0001-01-01T00:00:00Z') - 1, 80], [Date.parse('0001-01-01T00:00:00Z') - 1, 70]))).toEqual({
      missing: 'last_activity_at',
      bound: 70 - 4 * 10 * 2,
    });
  });

  it('when there is no hit after the page, then there is no end to remember', () => {
    expect(firstPageEndOf(parseSort('name'), 2, hits(['ana', 1], ['bea', 2]))).toBeUndefined();
  });

  it('when the sort is by a contact\'s own date, then the page ends at the date after it; a contact without the date ends nothing', () => {
    expect(firstPageEndOf(parseSort('-last_activity_at'), 1, hits([5000, 7], [4000, 9]))).toEqual({ value: 4000, bound: 7 });
    expect(firstPageEndOf(parseSort('created_at'), 1, hits([4000, 7], [5000, 9]))).toEqual({ value: 5000, bound: 11 });
    // Missing dates sort as 9999-12-31 (ascending) and before year 1 (descending): an end among them.
    expect(firstPageEndOf(parseSort('last_activity_at'), 1, hits([4000, 7], [Date.parse('9999-12-31T00:00:00Z'), 9]))).toEqual({ missing: 'last_activity_at', bound: 11 });
    expect(firstPageEndOf(parseSort('-last_activity_at'), 1, hits([4000, 7], [Date.parse('0001-01-01T00:00:00Z') - 1, 9]))).toEqual({ missing: 'last_activity_at', bound: 7 });
    const ends = createFirstPageEnds();
    ends.learn(1, parseSort('-last_activity_at'), undefined, { value: 4000, bound: 7 });
    expect(ends.recall(1, parseSort('-last_activity_at'), undefined)).toEqual({ value: 4000, bound: 7 });
  });
});

describe('the window of a first page', () => {
  it('when the sort is by a text, then it is the values before the end and, at it, the ids up to the bound', () => {
    expect(firstPageWindow(parseSort('-city'), { value: 'lima', bound: 40 })).toEqual([
      {
        bool: {
          should: [{ range: { city: { gt: 'lima' } } }, { bool: { filter: [{ term: { city: 'lima' } }, { range: { id: { gte: 40 } } }] } }],
          minimum_should_match: 1,
        },
      },
    ]);
  });

  it('when the sort is by a date, then it is the dates before the end and, at it, the ids up to the bound', () => {
    expect(firstPageWindow(parseSort('-created_at'), { value: 4000, bound: 7 })).toEqual([
      {
        bool: {
          should: [{ range: { created_at: { gt: 4000 } } }, { bool: { filter: [{ term: { created_at: 4000 } }, { range: { id: { gte: 7 } } }] } }],
          minimum_should_match: 1,
        },
      },
    ]);
  });

  it('when the sort runs on a numeric key first, then it is everything up to the key', () => {
    expect(firstPageWindow(parseSort('email'), { value: 123, bound: 9 })).toEqual([{ range: { email_sort: { lte: 123 } } }]);
  });

  it('when the page ended among the contacts without the field, then it is two searches: every contact with it, then those without it up to the bound', () => {
    const exists = { exists: { field: 'last_activity_at' } };
    expect(firstPageWindow(parseSort('-last_activity_at'), { missing: 'last_activity_at', bound: 7 })).toEqual([exists, { bool: { must_not: [exists], filter: [{ range: { id: { gte: 7 } } }] } }]);
    expect(firstPageWindow(parseSort('city'), { missing: 'city', bound: 70 })).toEqual([
      { exists: { field: 'city' } },
      { bool: { must_not: [{ exists: { field: 'city' } }], filter: [{ range: { id: { lte: 70 } } }] } },
    ]);
  });
});

describe('the ends remembered', () => {
  it('when more sorts and queries are remembered than the limit, then the oldest is forgotten; a page without an end forgets its own', () => {
    const ends = createFirstPageEnds(2);
    const sort = parseSort('name');
    ends.learn(1, sort, { a: 1 }, { value: 'a', bound: 1 });
    ends.learn(1, sort, { a: 2 }, { value: 'b', bound: 2 });
    ends.learn(2, sort, { a: 1 }, { value: 'c', bound: 3 });
    expect(ends.recall(1, sort, { a: 1 })).toBeUndefined();
    expect(ends.recall(1, sort, { a: 2 })).toEqual({ value: 'b', bound: 2 });
    ends.learn(1, sort, { a: 2 }, undefined);
    expect(ends.recall(1, sort, { a: 2 })).toBeUndefined();
    expect(ends.recall(2, sort, { a: 1 })).toEqual({ value: 'c', bound: 3 });
  });

  it('when a custom attribute sorts by another field under the same name (deleted and defined again), then the old field\'s end is not recalled', () => {
    const ends = createFirstPageEnds();
    const asText = { key: 'custom_attributes.plan' as const, order: 'asc' as const, field: 'cf_text_1' };
    ends.learn(1, asText, undefined, { value: 'gold', bound: 9 });
    ends.learn(2, asText, undefined, { missing: 'cf_text_1', bound: 9 });
    expect(ends.recall(1, { ...asText, field: 'cf_num_1' }, undefined)).toBeUndefined();
    expect(ends.recall(2, { ...asText, field: 'cf_bool_1' }, undefined)).toBeUndefined();
    expect(ends.recall(2, { ...asText, field: 'cf_text_2' }, undefined)).toBeUndefined();
    expect(ends.recall(1, asText, undefined)).toEqual({ value: 'gold', bound: 9 });
  });

  it('when the query is longer than a few kilobytes, then its end is not remembered', () => {
    const ends = createFirstPageEnds();
    const long = { wildcard: { name: 'x'.repeat(5000) } };
    ends.learn(1, parseSort('name'), long, { value: 'a', bound: 1 });
    expect(ends.recall(1, parseSort('name'), long)).toBeUndefined();
  });
});
