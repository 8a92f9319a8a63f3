import { moveToAccountLists } from '../shared/move-to-account-lists';
import type { Logger } from '../shared/logger';
import type { CustomAttributeSetModel } from './custom-attribute-definition.model';

export const LEGACY_COLLECTION = 'custom_attribute_definitions';

/**
 * Databases written before an account's definitions were one document held them one document
 * each, found by account_id: they move, once, into custom_attribute_sets.
 */
export async function upgradeLegacyDefinitions(sets: CustomAttributeSetModel, logger: Logger): Promise<{ accounts: number; definitions: number }> {
  const { accounts, items } = await moveToAccountLists(sets as never, { legacyCollection: LEGACY_COLLECTION, field: 'definitions', marker: 'custom-attribute-sets', logger });
  return { accounts, definitions: items };
}
