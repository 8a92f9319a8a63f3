import { mergeContacts } from '../../src/contacts/merge-contacts';
import { mergeLockId } from '../../src/contacts/merge-lock.model';
import type { TestContext } from './context';

export type DyingStep = 'base write' | 'delete';

const never = () => new Promise<never>(() => undefined);

/**
 * Starts a merge whose process dies before `step`: after deleting the mergee (the base's write
 * never comes), or before the delete. The step then waits for ever, as a dead process would.
 */
export function mergeThatDies(ctx: TestContext, accountId: number, baseId: number, mergeeId: number, step: DyingStep): void {
  const { mergeDeps } = ctx.deps;
  const { writer } = mergeDeps;
  const dying =
    step === 'base write'
      ? { ...writer, modify: ((account, id, plan) => (id === baseId ? never() : writer.modify(account, id, plan))) as typeof writer.modify }
      : { ...writer, removeAnswering: (() => never()) as typeof writer.removeAnswering };
  void mergeContacts({ ...mergeDeps, writer: dying }, accountId, baseId, mergeeId);
}

/** Lapses the merge's locks, as a dead process's do: the sweep may then finish it. */
export async function lapseMergeLocks(ctx: TestContext, accountId: number, contactIds: number[]): Promise<void> {
  const ids = contactIds.map((id) => mergeLockId(accountId, id));
  await ctx.deps.models.mergeLocks.updateMany({ _id: { $in: ids } }, { $set: { until: new Date(Date.now() - 1000) } });
}
