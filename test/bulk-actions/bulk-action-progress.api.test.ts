import type { BulkAction } from '../../src/bulk-actions/bulk-action.model';
import { withTestAccount, type TestAccount, type TestContext } from '../support/context';

let ctx: TestContext;
let account: TestAccount;
withTestAccount((c, a) => {
  ctx = c;
  account = a;
});

// Black-box finding (r9-procs 5): a bulk action taken over by another worker after the first was
// killed read `running 2000/8000`, then `1000/8000`: the new run set `processed` to 0 and counted
// its own batches from there. Progress shown to users must never go back.
it('when a run takes up a bulk action an earlier run left midway, then processed never goes back and ends at the total', async () => {
  const auth = { api_access_token: account.adminToken };
  const id = 990000000 + Math.floor(Math.random() * 1000000);
  // 2,500 ids that name no contact (processed counts selected ids either way): three batches of
  // 1,000; the killed run had gone through two of them.
  const ids = Array.from({ length: 2500 }, (_, i) => 920000000 + i);
  const now = new Date();
  await ctx.deps.models.bulkActions.create({
    _id: id,
    account_id: account.id,
    status: 'running',
    add_labels: ['taken-over'],
    remove_labels: [],
    delete: false,
    selection: { ids },
    compiled_query: null,
    total: ids.length,
    processed: 2000,
    changed: 0,
    error: null,
    created_at: now,
    updated_at: now,
    finished_at: null,
  } satisfies BulkAction);

  const shown: number[] = [];
  const model = ctx.deps.models.bulkActions;
  const updateOne = model.updateOne.bind(model);
  const spy = jest.spyOn(model, 'updateOne').mockImplementation(((...args: Parameters<typeof model.updateOne>) => {
    const query = updateOne(...args);
    return query.then(async (res) => {
      shown.push((await ctx.http.get(account.path(`/bulk_actions/${id}`)).set(auth)).body.processed);
      return res;
    });
  }) as never);
  try {
    await ctx.deps.services.bulkActions.run(id);
  } finally {
    spy.mockRestore();
  }

  expect(shown.length).toBeGreaterThan(3);
  for (const [i, processed] of shown.entries()) expect(processed).toBeGreaterThanOrEqual(i ? shown[i - 1] : 2000);
  expect(shown.at(-1)).toBe(2500);
  const done = (await ctx.http.get(account.path(`/bulk_actions/${id}`)).set(auth)).body;
  expect(done).toMatchObject({ status: 'completed', processed: 2500, total: 2500 });
});
