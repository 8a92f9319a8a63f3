import { pagesOf } from '../../src/shared/pages-of';

async function* stream(n: number) {
  for (let i = 1; i <= n; i++) yield i;
}

const collect = async (n: number, size: number) => {
  const pages: number[][] = [];
  for await (const page of pagesOf(stream(n), size)) pages.push(page);
  return pages;
};

describe('pages of a stream', () => {
  it('when a stream is read in pages, then every item comes once, in order, in full pages and a shorter last one', async () => {
    expect(await collect(7, 3)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(await collect(6, 3)).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(await collect(0, 3)).toEqual([]);
  });
});
