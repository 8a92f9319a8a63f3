import { startTestContext, type TestAccount, type TestContext } from '../support/context';
import { importCsv } from '../import/import-support';

// A label deleted, then taken again while its removal job walked its contacts (a contact given the
// label, or POST /labels with its title), stayed — but the walk went on and took it off every
// contact still ahead of it, those given it since included, minutes of them at a large account.
let ctx: TestContext;

beforeAll(async () => {
  ctx = await startTestContext();
});
afterAll(() => ctx.close());

const CARRIERS = 1500; // the walk takes 1,000 contacts a chunk: two chunks

async function carriers(account: TestAccount, title: string): Promise<number> {
  await ctx.settle(account.id);
  return (await ctx.http.get(account.path(`/contacts?labels[]=${title}&per_page=1`)).set('api_access_token', account.adminToken)).body.meta.count;
}

describe('a label taken again while its removal runs', () => {
  it('when the label is revived after the first chunk, then the walk stops there and the contacts after it keep the label', async () => {
    const account = await ctx.createAccount();
    const rows = Array.from({ length: CARRIERS }, (_, i) => `Person ${i},person${i}@revival.test,wave`);
    const imported = await importCsv(ctx, account, ['name,email,labels', ...rows].join('\n'), 'carriers.csv', { create_labels: 'true' });
    expect(imported).toMatchObject({ status: 'completed', created: CARRIERS });
    expect(await carriers(account, 'wave')).toBe(CARRIERS);

    const store = ctx.deps.labelStore;
    const { _id: labelId } = (await store.of(account.id)).find((l) => l.title === 'wave')!;
    await store.change(account.id, (list) => ({ items: list.map((l) => (l._id === labelId ? { ...l, deleting: true } : l)), result: undefined }));

    // The label is taken again as soon as the walk has recorded its first chunk.
    const change = store.change;
    let revived = false;
    store.change = async (accountId, decide) => {
      const result = await change(accountId, decide);
      const label = (await store.of(accountId)).find((l) => l._id === labelId);
      if (!revived && label?.stripping?.length) {
        revived = true;
        await ctx.http.post(account.path('/labels')).set('api_access_token', account.adminToken).send({ title: 'wave' }).expect(200);
      }
      return result;
    };
    try {
      await ctx.deps.services.labels.settle({ labelId, accountId: account.id });
    } finally {
      store.change = change;
    }

    expect(revived).toBe(true);
    expect((await store.of(account.id)).find((l) => l._id === labelId)).toMatchObject({ title: 'wave', deleting: false });
    expect(await carriers(account, 'wave')).toBe(CARRIERS - 1000);
  });
});
