import { createAccountListStore } from '../shared/account-list-store';
import { exemptBecause } from '../shared/id-only-guard';
import type { CustomAttributeDefinition, CustomAttributeSetModel } from './custom-attribute-definition.model';

/** A definition the account sees, fills and filters by (not one whose deletion is still running). */
export const isLiveDefinition = (def: CustomAttributeDefinition): boolean => !def.retiring;

/** What a re-index of a key's holders is about: the definition it runs for. */
export interface DefinitionResyncJob {
  accountId: number;
  definitionId: number;
}

/** What an account's definitions take together (README, Bounded cost): every filter, write with custom values and index batch reads them. */
export const DEFINITIONS_MAX_BYTES = 1024 * 1024;

/**
 * An account's custom attribute definitions, read and written as one document by _id. Reads
 * answer the live definitions only; a change sees them all, so that a retiring definition's slot
 * stays taken until its values have left it.
 */
export function createDefinitionStore(sets: CustomAttributeSetModel) {
  const store = createAccountListStore<CustomAttributeDefinition>(sets as never, 'definitions', 'custom attribute definitions', {
    maxBytes: DEFINITIONS_MAX_BYTES,
    remedy: 'shorten list values, descriptions or patterns, or delete definitions',
    bookkeeping: ['retiring', 'resyncing'],
  });
  return {
    change: store.change,

    async of(accountId: number): Promise<CustomAttributeDefinition[]> {
      return (await store.of(accountId)).filter(isLiveDefinition);
    },

    async ofAccounts(accountIds: number[]): Promise<Map<number, CustomAttributeDefinition[]>> {
      const byAccount = await store.ofAccounts(accountIds);
      for (const [accountId, list] of byAccount) byAccount.set(accountId, list.filter(isLiveDefinition));
      return byAccount;
    },

    /** Every definition of the account, retiring ones included. */
    all: store.of,

    /** Definitions whose re-index job may have been lost (with Redis): queued again when the worker starts. */
    async unfinishedResyncs(): Promise<DefinitionResyncJob[]> {
      const held = await sets
        .find({ $or: [{ 'definitions.retiring': true }, { 'definitions.resyncing': true }] })
        .comment(exemptBecause('the worker start and the sweep look for definition re-index jobs to queue again'))
        .lean();
      return held.flatMap((set) => set.definitions.filter((d) => d.retiring || d.resyncing).map((d) => ({ accountId: set._id, definitionId: d._id })));
    },
  };
}

export type DefinitionStore = ReturnType<typeof createDefinitionStore>;
