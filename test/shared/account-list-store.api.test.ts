import { createDefinitionStore } from '../../src/records/custom-attribute-definitions';
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
