import { createAccountListStore, type AccountListStore } from '../shared/account-list-store';
import type { CustomAttributeDefinition, CustomAttributeSetModel } from './custom-attribute-definition.model';

/** An account's custom attribute definitions, read and written as one document by _id. */
export function createDefinitionStore(sets: CustomAttributeSetModel): DefinitionStore {
  return createAccountListStore<CustomAttributeDefinition>(sets as never, 'definitions', 'custom attribute definitions');
}

export type DefinitionStore = AccountListStore<CustomAttributeDefinition>;
