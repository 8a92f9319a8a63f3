import { isDuplicateKey } from '../shared/duplicate-key';
import type { CustomAttributeDefinition, CustomAttributeSetModel } from './custom-attribute-definition.model';

/** What a change of an account's definitions answers: the new list (none: nothing to write) and a result. */
export interface DefinitionsChange<T> {
  definitions?: CustomAttributeDefinition[];
  result: T;
}

const ATTEMPTS = 20;

/**
 * An account's custom attribute definitions, read and written as one document by _id. A change
 * is conditional on the version it read and tried again on a conflict, so two definitions
 * created at once never share a key or a slot.
 */
export function createDefinitionStore(sets: CustomAttributeSetModel) {
  async function read(accountId: number) {
    return sets.findById(accountId).lean();
  }

  return {
    async of(accountId: number): Promise<CustomAttributeDefinition[]> {
      return (await read(accountId))?.definitions ?? [];
    },

    /** The definitions of several accounts (an index batch's), in one read. */
    async ofAccounts(accountIds: number[]): Promise<Map<number, CustomAttributeDefinition[]>> {
      const byAccount = new Map<number, CustomAttributeDefinition[]>();
      if (!accountIds.length) return byAccount;
      for (const set of await sets.find({ _id: { $in: accountIds } }).lean()) byAccount.set(set._id, set.definitions);
      return byAccount;
    },

    /**
     * Runs `decide` on the account's current definitions and stores the list it answers, unless
     * another change landed since the read: then reads and decides again. `decide` may throw
     * (a ValidationError, a NotFoundError): nothing is written.
     */
    async change<T>(accountId: number, decide: (current: CustomAttributeDefinition[]) => DefinitionsChange<T>): Promise<T> {
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const set = await read(accountId);
        const { definitions, result } = decide(set?.definitions ?? []);
        if (!definitions) return result;
        if (!set) {
          try {
            await sets.create({ _id: accountId, version: 1, definitions });
            return result;
          } catch (err) {
            if (!isDuplicateKey(err)) throw err;
            continue;
          }
        }
        const { matchedCount } = await sets.updateOne({ _id: accountId, version: set.version }, { $set: { definitions, version: set.version + 1 } });
        if (matchedCount === 1) return result;
      }
      throw new Error(`the custom attribute definitions of account ${accountId} kept changing under ${ATTEMPTS} attempts`);
    },
  };
}

export type DefinitionStore = ReturnType<typeof createDefinitionStore>;
