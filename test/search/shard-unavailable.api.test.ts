// A cluster that has lost the only copy of a shard (a node gone with no replica, or a primary not
// yet promoted) answers a search from the shards it still has, marking the rest failed, or, when
// none is left, with its own 503. Made here on the real single node: an index whose one shard may
// be placed on no node stays unassigned, and the test's alias is pointed at it.
import { CURRENT_MAPPING } from '../../src/search/contacts-index';
import { expectMatchesDocument } from '../openapi/document-support';
import { startTestContext, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';

let ctx: TestContext;
let account: TestAccount;
let unplaced: string;

beforeAll(async () => {
  ctx = await startTestContext();
  account = await ctx.createAccount();
  await createContact(ctx, account, { name: 'Still here' });
  await ctx.settle(account.id);
  unplaced = `${ctx.deps.index}_unplaced_${Date.now()}`;
  await ctx.deps.es.indices.create({
    index: unplaced,
    settings: { index: { number_of_shards: 1, number_of_replicas: 0, 'routing.allocation.require._name': 'no-such-node' } },
    mappings: CURRENT_MAPPING.mappings as never,
    wait_for_active_shards: 0,
  });
});
afterAll(async () => {
  await ctx.deps.es.indices.delete({ index: unplaced }, { ignore: [404] });
  await ctx.close();
});

const list = () => ctx.http.get(account.path('/contacts')).set('api_access_token', account.adminToken);
const alias = (action: 'add' | 'remove') => ctx.deps.es.indices.updateAliases({ actions: [{ [action]: { index: unplaced, alias: ctx.deps.index } }] });

describe('a shard without a copy', () => {
  it('when part of the index cannot answer, then lists and searches answer 503 with Retry-After, never the part that answered', async () => {
    await alias('add');
    try {
      const answers = [
        { path: '/api/v1/accounts/{account_id}/contacts', res: await list() },
        { path: '/api/v1/accounts/{account_id}/contacts/search', res: await ctx.http.get(account.path('/contacts/search')).query({ q: 'still' }).set('api_access_token', account.adminToken) },
      ];
      for (const { path, res } of answers) {
        expectMatchesDocument('get', path, res);
        expect(res.status).toBe(503);
        expect(res.headers['retry-after']).toBe('5');
        expect(res.body.error).toMatch(/part of the index did not answer/);
      }
    } finally {
      await alias('remove');
    }
    const res = await list().expect(200);
    expect(res.body.payload.map((c: { name: string }) => c.name)).toEqual(['Still here']);
  });

  it('when no shard of the search can answer, then 503 with Retry-After, not 500', async () => {
    const own = await ctx.deps.es.indices.getAlias({ name: ctx.deps.index });
    const indices = Object.keys(own);
    // The alias on the unplaced index alone, for this one request.
    await ctx.deps.es.indices.updateAliases({ actions: [...indices.map((index) => ({ remove: { index, alias: ctx.deps.index } })), { add: { index: unplaced, alias: ctx.deps.index } }] });
    try {
      const res = await list();
      expectMatchesDocument('get', '/api/v1/accounts/{account_id}/contacts', res);
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
    } finally {
      await ctx.deps.es.indices.updateAliases({
        actions: [{ remove: { index: unplaced, alias: ctx.deps.index } }, ...indices.map((index) => ({ add: { index, alias: ctx.deps.index, is_write_index: own[index].aliases[ctx.deps.index]?.is_write_index ?? true } }))],
      });
    }
    await list().expect(200);
  });
});
