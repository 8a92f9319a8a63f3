import { unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { listExistingRecords } from '../../src/shared/account-records';
import { createIdLists } from '../../src/shared/id-lists';
import { startTestContextOnOwnDatabase, type TestAccount, type TestContext } from '../support/context';
import { createInbox, websiteChannel } from '../support/inboxes';

// Its own database: the migration reads the whole collections once, and must see only these records.
let ctx: TestContext;
let account: TestAccount;
let other: TestAccount;

beforeAll(async () => {
  ctx = await startTestContextOnOwnDatabase('account_links', { worker: false });
  account = await ctx.createAccount();
  other = await ctx.createAccount();
});
afterAll(() => ctx?.close());

const get = (a: TestAccount, path: string) => ctx.http.get(a.path(path)).set('api_access_token', a.adminToken);
const segment = (a: TestAccount, name: string) =>
  ctx.http.post(a.path('/custom_filters')).set('api_access_token', a.adminToken)
    .send({ name, filter_type: 'contact', query: { payload: [{ attribute_key: 'city', filter_operator: 'equal_to', values: ['Lima'], query_operator: null }] } })
    .expect(200);
const names = (res: { body: unknown }) => (Array.isArray(res.body) ? res.body : (res.body as { payload: unknown[] }).payload).map((r) => (r as { name: string }).name);

describe('an account\'s segments, inboxes and imports, listed by id', () => {
  it('when they are created and deleted, then the account lists its own only; an id left naming nothing is skipped', async () => {
    const first = (await segment(account, 'first')).body;
    await segment(account, 'second');
    await segment(other, 'theirs');
    const site = await createInbox(ctx, account, websiteChannel(), 'Site');
    await createInbox(ctx, other, websiteChannel(), 'Their site');
    // What a create that died between listing its id and writing its record leaves.
    await ctx.deps.models.accountLinks.updateOne({ _id: `${account.id}:segments` }, { $addToSet: { ids: 999999 } });

    expect(names(await get(account, '/custom_filters'))).toEqual(['first', 'second']);
    expect(names(await get(account, '/inboxes'))).toEqual(['Site']);
    await ctx.http.delete(account.path(`/custom_filters/${first.id}`)).set('api_access_token', account.adminToken).expect(204);
    await ctx.http.delete(account.path(`/inboxes/${site.id}`)).set('api_access_token', account.adminToken).expect(200);
    expect(names(await get(account, '/custom_filters'))).toEqual(['second']);
    expect(names(await get(account, '/inboxes'))).toEqual([]);
    expect(names(await get(other, '/custom_filters'))).toEqual(['theirs']);
  });

  it('when records from before were never listed, then the one-time migration lists them', async () => {
    const a = await ctx.createAccount();
    await segment(a, 'old segment');
    await createInbox(ctx, a, websiteChannel(), 'Old site');
    const file = path.join(tmpdir(), `old-import-${a.id}.csv`);
    await writeFile(file, 'name\nAna\n');
    const imported = await ctx.deps.services.imports.record(a.id, { path: file, originalname: 'old.csv', size: 9 }, false);
    await ctx.deps.models.accountLinks.deleteMany({ _id: { $in: [`${a.id}:segments`, `${a.id}:inboxes`, `${a.id}:imports`] } });
    await ctx.deps.conn.db!.collection('migrations').deleteMany({ _id: { $in: ['account-links-segments', 'account-links-inboxes', 'account-links-imports'] as never[] } });
    expect(names(await get(a, '/custom_filters'))).toEqual([]);
    expect((await get(a, '/contacts/imports')).body.meta.count).toBe(0);

    const lists = createIdLists(ctx.deps.models.accountLinks);
    expect(await listExistingRecords(ctx.deps.models.segments as never, lists, 'segments', ctx.deps.logger)).toBeGreaterThanOrEqual(1);
    expect(await listExistingRecords(ctx.deps.models.inboxes as never, lists, 'inboxes', ctx.deps.logger)).toBeGreaterThanOrEqual(1);

    expect(names(await get(a, '/custom_filters'))).toEqual(['old segment']);
    expect(names(await get(a, '/inboxes'))).toEqual(['Old site']);
    expect(await listExistingRecords(ctx.deps.models.contactImports as never, lists, 'imports', ctx.deps.logger)).toBeGreaterThanOrEqual(1);
    expect((await get(a, '/contacts/imports')).body.payload.map((i: { id: number }) => i.id)).toEqual([imported._id]);
    await unlink(file);
    // Run again (a restart): nothing to do.
    expect(await listExistingRecords(ctx.deps.models.segments as never, lists, 'segments', ctx.deps.logger)).toBe(0);
  });
});
