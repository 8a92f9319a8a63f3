import { buildTextSearchQuery } from '../../src/search/build-text-search-query';
import { ValidationError } from '../../src/shared/errors';

describe('search query', () => {
  it('when q is longer than FILTER_MAX_SUBSTRING_LENGTH once folded, then it is a ValidationError naming q and the limit', () => {
    expect(() => buildTextSearchQuery('Ána'.repeat(4), { maxSubstringLength: 12 })).not.toThrow();
    let err: unknown;
    try {
      buildTextSearchQuery('a'.repeat(13), { maxSubstringLength: 12 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ field: 'q', message: 'q is 13 characters; it holds at most 12 (limit FILTER_MAX_SUBSTRING_LENGTH)' });
  });
});
