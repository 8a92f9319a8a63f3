import type { ContactInput } from '../../src/contacts/contacts.schemas';
import { parseSort, toSearchSort } from '../../src/search/contact-sort';
import type { TestAccount, TestContext } from './context';

/**
 * Walking an account's contacts page by page through the API, against the plain sort's order
 * straight from the index: the tests of the windows a page after a cursor is read from.
 */
export function sortWalker(ctx: TestContext, account: TestAccount) {
  /** The account's contacts in the plain sort's order. */
  async function plainOrder(sort: string): Promise<number[]> {
    await ctx.deps.es.indices.refresh({ index: ctx.deps.index });
    const res = await ctx.deps.es.search({
      index: ctx.deps.index,
      query: { term: { account_id: String(account.id) } },
      sort: toSearchSort(parseSort(sort)) as never,
      size: 1000,
      _source: false,
    });
    return res.hits.hits.map((hit) => Number(hit._id));
  }

  const page = (sort: string, perPage: number, after?: string) =>
    ctx.http
      .get(account.path('/contacts'))
      .query({ sort, per_page: perPage, ...(after ? { after } : {}) })
      .set('api_access_token', account.agentToken);

  /** Every page of the sort, `perPage` at a time: the ids in the order shown, and how many pages it took. */
  async function walk(sort: string, perPage: number) {
    const ids: number[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const res = await page(sort, perPage, after);
      expect(res.status).toBe(200);
      ids.push(...res.body.payload.map((c: { id: number }) => c.id));
      after = res.body.meta.next_cursor ?? undefined;
      pages += 1;
    } while (after && pages < 500);
    return { ids, pages };
  }

  /**
   * Writes a contact that sorts right after the cursor and moves the next page's second contact
   * away (`writes`), then checks that the page after the cursor is the plain sort's: the new
   * contact first, the moved one gone. Undoes both writes.
   */
  async function expectPageAfterWrites(
    sort: string,
    perPage: number,
    after: string,
    lastId: number,
    writes: { insert: ContactInput; moveAway: ContactInput; moveBack: ContactInput },
    moved: number,
  ): Promise<void> {
    const inserted = await ctx.deps.services.contacts.create(account.id, writes.insert);
    await ctx.deps.services.contacts.update(account.id, moved, writes.moveAway);
    await ctx.settle(account.id);
    try {
      const again = (await page(sort, perPage, after)).body.payload.map((c: { id: number }) => c.id);
      const plain = await plainOrder(sort);
      const from = plain.indexOf(lastId) + 1;
      expect(again).toEqual(plain.slice(from, from + perPage));
      expect(again[0]).toBe(inserted.id);
      expect(again).not.toContain(moved);
    } finally {
      await ctx.deps.services.contacts.remove(account.id, inserted.id);
      await ctx.deps.services.contacts.update(account.id, moved, writes.moveBack);
      await ctx.settle(account.id);
    }
  }

  return { plainOrder, page, walk, expectPageAfterWrites };
}
