import { createDefinitionStore } from '../../src/records/custom-attribute-definitions';
import { createAccountListStore } from '../../src/shared/account-list-store';
import { ValidationError } from '../../src/shared/errors';
import type { CustomAttributeDefinition } from '../../src/records/custom-attribute-definition.model';
import { startTestContext, type TestContext } from '../support/context';

// A change of an account's list waits for the changes before it in the same process, and is
// conditional on the version it read against other processes (each store below is one).
let ctx: TestContext;
beforeAll(async () => {
  ctx = await startTestContext();
});
afterAll(() => ctx.close());

const adding = (accountId: number, key: string) => (current: CustomAttributeDefinition[]) => {
  const next = current.length + 1;
  const definition = { _id: next, slot: next, account_id: accountId, attribute_key: key, attribute_display_name: key, attribute_display_type: 'text' };
  return { items: [...current, definition as unknown as CustomAttributeDefinition], result: key };
};

describe('an account\'s list changed from two processes at once', () => {
  it('when each of two stores adds 40 items at once, then every item is there once, and none ran out of attempts', async () => {
    const account = await ctx.createAccount();
    const stores = [createDefinitionStore(ctx.deps.models.customAttributeSets), createDefinitionStore(ctx.deps.models.customAttributeSets)];
    const keys = Array.from({ length: 80 }, (_, i) => `k${i}`);
    const results = await Promise.allSettled(keys.map((key, i) => stores[i % 2].change(account.id, adding(account.id, key))));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const stored = (await stores[0].of(account.id)).map((d) => d.attribute_key);
    expect([...stored].sort()).toEqual([...keys].sort());
  });

  it('when a change throws, then the changes queued after it still run', async () => {
    const account = await ctx.createAccount();
    const store = createDefinitionStore(ctx.deps.models.customAttributeSets);
    const failing = store.change(account.id, () => {
      throw new Error('refused');
    });
    const next = store.change(account.id, adding(account.id, 'after'));
    await expect(failing).rejects.toThrow('refused');
    await expect(next).resolves.toBe('after');
  });
});

describe("an account's list kept within its size", () => {
  let accountId = 0;
  const withDescription = (id: number, description: string) => ({ _id: id, account_id: accountId, title: `l${id}`, description }) as unknown as { _id: number };

  it('when a change would grow the list past its limit, then it is a 422 naming the limit and nothing is written; a change that shrinks a list over it still lands', async () => {
    const account = await ctx.createAccount();
    accountId = account.id;
    const store = createAccountListStore<{ _id: number }>(ctx.deps.models.labelSets as never, 'labels', 'labels', { maxBytes: 2000, remedy: 'shorten descriptions', bookkeeping: ['deleting'] });
    await store.change(account.id, () => ({ items: [withDescription(1, 'a'.repeat(1500))], result: null }));
    const refused = store.change(account.id, (current) => ({ items: [...current, withDescription(2, 'b'.repeat(600))], result: null }));
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toThrow(/^the labels of an account take at most 2,000 bytes together \(as JSON\); this change brings them to 2,\d{3}: shorten descriptions$/);
    expect((await store.of(account.id)).map((l) => l._id)).toEqual([1]);

    // Over the limit already (a list written before it): what makes it smaller is taken, what grows it is not.
    await ctx.deps.models.labelSets.updateOne({ _id: account.id }, { $set: { labels: [withDescription(1, 'a'.repeat(1500)), withDescription(2, 'b'.repeat(1500))] } });
    await expect(store.change(account.id, (current) => ({ items: [...current, withDescription(3, 'c')], result: null }))).rejects.toBeInstanceOf(ValidationError);
    // A job's bookkeeping is not counted: an item over the limit can still be marked for deletion.
    await store.change(account.id, (current) => ({ items: current.map((l) => (l._id === 1 ? { ...l, deleting: true } : l)), result: null }));
    await store.change(account.id, (current) => ({ items: current.map((l) => (l._id === 2 ? withDescription(2, 'short') : l)), result: null }));
    expect((await store.of(account.id)).map((l) => [l._id, (l as { deleting?: boolean }).deleting ?? false])).toEqual([[1, true], [2, false]]);
  });
});
