import { LEGACY_LABELS, upgradeLegacyLabels } from '../../src/labels/upgrade-legacy-labels';
import { startTestContextOnOwnDatabase, type TestAccount, type TestContext } from '../support/context';

// A database written when each label was its own document, found by account_id and title. Its
// own database, so that the migration's full read sees only this test's records.

let ctx: TestContext;
let account: TestAccount;
let moved: TestAccount;

beforeAll(async () => {
  ctx = await startTestContextOnOwnDatabase('labels_migration', { worker: false });
  account = await ctx.createAccount();
  moved = await ctx.createAccount();
});
afterAll(() => ctx?.close());

const db = () => ctx.deps.conn.db!;

async function legacyLabel(accountId: number, title: string, more: object = {}) {
  const [id] = await ctx.deps.nextIds('labels');
  await db().collection(LEGACY_LABELS).insertOne({
    _id: id as never, account_id: accountId, title, description: null, color: '#ff0000', show_on_sidebar: true, created_at: new Date(), deleting: false, ...more,
  });
  return id;
}

describe('the one-time move of labels to one document per account', () => {
  it('when a database holds labels from before, then they answer as before, a removal in progress is kept, and the old collection goes', async () => {
    const vip = await legacyLabel(account.id, 'vip');
    const going = await legacyLabel(account.id, 'going', { deleting: true, stripping: [41, 42] });
    // An account whose labels were moved already (and changed since) is left alone.
    await ctx.http.post(moved.path('/labels')).set('api_access_token', moved.adminToken).send({ title: 'newer' }).expect(200);
    await legacyLabel(moved.id, 'stale');
    await db().collection('migrations').deleteOne({ _id: 'label-sets' as never });

    expect(await upgradeLegacyLabels(ctx.deps.models.labelSets, ctx.deps.logger)).toEqual({ accounts: 1, labels: 2 });

    const list = await ctx.http.get(account.path('/labels')).set('api_access_token', account.adminToken);
    expect(list.body.payload).toEqual([{ id: vip, title: 'vip', description: null, color: '#ff0000', show_on_sidebar: true }]);
    expect((await ctx.deps.labelStore.of(account.id)).find((l) => l._id === going)).toMatchObject({ deleting: true, stripping: [41, 42] });
    expect(await ctx.deps.labelStore.unsettled()).toEqual([{ accountId: account.id, labelId: going }]);
    expect((await ctx.deps.labelStore.of(moved.id)).map((l) => l.title)).toEqual(['newer']);
    expect(await db().listCollections({ name: LEGACY_LABELS }).toArray()).toEqual([]);
    // Taken again by a contact write, the label being removed stays.
    await ctx.deps.services.labels.ensureLabels(account.id, ['going', 'fresh']);
    expect((await ctx.http.get(account.path('/labels')).set('api_access_token', account.adminToken)).body.payload.map((l: { title: string }) => l.title)).toEqual(['fresh', 'going', 'vip']);

    // Run again (a restart): nothing to do.
    expect(await upgradeLegacyLabels(ctx.deps.models.labelSets, ctx.deps.logger)).toEqual({ accounts: 0, labels: 0 });
  });
});
