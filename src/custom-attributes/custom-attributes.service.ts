import { checkAttributeKey } from '../records/contact-fields';
import type { ContactWriter } from '../contacts/contact-writer';
import { contactCandidates, type ContactCandidatesDeps } from '../contacts/contact-candidates';
import { isDuplicateKey } from '../shared/duplicate-key';
import { NotFoundError, ValidationError } from '../shared/errors';
import type { IdAllocator } from '../shared/id-allocator';
import type { AttributeType, CustomAttributeDefinition, CustomAttributeDefinitionModel } from '../records/custom-attribute-definition.model';
import { toDefinitionPayload } from './custom-attribute-definition.presenter';
import { checkCustomValue, MAX_SLOTS, RESERVED_KEYS, typeForValue, type DefinitionRef } from '../records/custom-attribute-fields';
import type { DefinitionCreateInput, DefinitionUpdateInput } from './custom-attributes.schemas';

export function checkDefinitionKey(key: string): string | undefined {
  const problem = checkAttributeKey(key);
  if (problem) return problem;
  if (RESERVED_KEYS.has(key)) return `"${key}" is a standard contact field and cannot be a custom attribute key`;
  return undefined;
}

const CHUNK = 1000;

export interface CustomAttributesDeps {
  definitions: CustomAttributeDefinitionModel;
  nextIds: IdAllocator;
  writer: Pick<ContactWriter, 'modifyMany'>;
  /** Where the holders of a key are found: pending writes, then the index. */
  candidates: ContactCandidatesDeps;
  /** Called when definitions disappear, so that compiled segment queries are rebuilt. */
  onDefinitionsRemoved?: (accountId: number) => Promise<void>;
}

export function createCustomAttributesService({ definitions, nextIds, writer, candidates, onDefinitionsRemoved }: CustomAttributesDeps) {
  async function find(accountId: number, id: number): Promise<CustomAttributeDefinition> {
    const def = await definitions.findOne({ _id: id, account_id: accountId }).lean();
    if (!def) throw new NotFoundError('custom attribute definition', id);
    return def;
  }

  /**
   * Inserts a definition in the lowest free slot. Two concurrent inserts of the same slot: the
   * unique index refuses the second, which tries again. Answers the existing definition when
   * the key was defined meanwhile.
   */
  async function insert(accountId: number, fields: Omit<CustomAttributeDefinition, '_id' | 'account_id' | 'slot' | 'created_at' | 'updated_at'>) {
    for (let attempt = 0; attempt < 20; attempt++) {
      const used = new Set((await definitions.find({ account_id: accountId }, { slot: 1 }).lean()).map((d) => d.slot));
      let slot = 1;
      while (used.has(slot)) slot++;
      if (slot > MAX_SLOTS) {
        throw new ValidationError(`an account holds at most ${MAX_SLOTS} custom attribute definitions; delete one first`, 'attribute_key');
      }
      const [id] = await nextIds('custom_attribute_definitions');
      const now = new Date();
      try {
        const created = await definitions.create({ _id: id, account_id: accountId, slot, created_at: now, updated_at: now, ...fields });
        return { def: created.toObject() as CustomAttributeDefinition, created: true };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const existing = await definitions.findOne({ account_id: accountId, attribute_key: fields.attribute_key }).lean();
        if (existing) return { def: existing, created: false };
      }
    }
    throw new Error('could not claim a custom attribute slot');
  }

  /**
   * Contacts holding a value for the key are re-indexed (bumped and re-synced): their value
   * enters the slot of a new definition, or leaves the slot of a deleted one.
   */
  async function resyncHolders(accountId: number, key: string): Promise<void> {
    // The index knows which contacts hold a key (custom_keys), defined or not.
    for await (const ids of contactCandidates(candidates, accountId, { term: { custom_keys: key } }, CHUNK)) {
      await writer.modifyMany(accountId, ids, { set: {} }, (c) => Object.hasOwn(c.custom_attributes ?? {}, key));
    }
  }

  async function definitionsOf(accountId: number): Promise<DefinitionRef[]> {
    return definitions.find({ account_id: accountId }, { attribute_key: 1, attribute_display_type: 1, attribute_values: 1, slot: 1 }).lean();
  }

  return {
    definitionsOf,

    async list(accountId: number, attributeModel?: string) {
      if (attributeModel && attributeModel !== 'contact_attribute' && attributeModel !== '1') return [];
      return (await definitions.find({ account_id: accountId }).sort({ _id: 1 }).lean()).map(toDefinitionPayload);
    },

    async show(accountId: number, id: number) {
      return toDefinitionPayload(await find(accountId, id));
    },

    async create(accountId: number, input: DefinitionCreateInput) {
      const key = input.attribute_key.trim();
      const problem = checkDefinitionKey(key);
      if (problem) throw new ValidationError(`attribute_key: ${problem}`, 'attribute_key');
      if (await definitions.exists({ account_id: accountId, attribute_key: key })) {
        throw new ValidationError(`attribute_key "${key}" is already defined`, 'attribute_key');
      }
      if (input.attribute_display_type === 'list' && !input.attribute_values?.length) {
        throw new ValidationError('a list attribute needs attribute_values', 'attribute_values');
      }
      const { def, created } = await insert(accountId, {
        attribute_key: key,
        attribute_display_name: input.attribute_display_name ?? key,
        attribute_display_type: input.attribute_display_type,
        attribute_description: input.attribute_description ?? null,
        attribute_values: input.attribute_display_type === 'list' ? [...new Set(input.attribute_values)] : [],
        attribute_model: 'contact_attribute',
      });
      if (!created) throw new ValidationError(`attribute_key "${key}" is already defined`, 'attribute_key');
      await resyncHolders(accountId, key);
      return toDefinitionPayload(def);
    },

    async update(accountId: number, id: number, input: DefinitionUpdateInput) {
      const def = await find(accountId, id);
      if (input.attribute_key !== undefined && input.attribute_key.trim() !== def.attribute_key) {
        throw new ValidationError('attribute_key cannot change; contacts hold values under it', 'attribute_key');
      }
      if (input.attribute_display_type !== undefined && input.attribute_display_type !== def.attribute_display_type) {
        throw new ValidationError('attribute_display_type cannot change; contacts hold values of the current type', 'attribute_display_type');
      }
      const set: Partial<CustomAttributeDefinition> = { updated_at: new Date() };
      if (input.attribute_display_name !== undefined) set.attribute_display_name = input.attribute_display_name;
      if (input.attribute_description !== undefined) set.attribute_description = input.attribute_description;
      if (input.attribute_values !== undefined) {
        if (def.attribute_display_type !== 'list') throw new ValidationError('only list attributes take attribute_values', 'attribute_values');
        if (!input.attribute_values.length) throw new ValidationError('a list attribute needs attribute_values', 'attribute_values');
        set.attribute_values = [...new Set(input.attribute_values)];
      }
      const updated = await definitions.findOneAndUpdate({ _id: id, account_id: accountId }, { $set: set }, { new: true }).lean();
      if (!updated) throw new NotFoundError('custom attribute definition', id);
      return toDefinitionPayload(updated);
    },

    async remove(accountId: number, id: number): Promise<void> {
      const def = await find(accountId, id);
      await definitions.deleteOne({ _id: id, account_id: accountId });
      // Values stay on the contacts (as in Chatwoot) but leave the search slot, which is free again.
      await resyncHolders(accountId, def.attribute_key);
      await onDefinitionsRemoved?.(accountId);
    },

    /**
     * Checks custom attribute values of a contact write against their definitions (SPEC §2),
     * creating a definition for each key used for the first time: number for a JSON number,
     * checkbox for a boolean, text otherwise. Throws ValidationError naming the key.
     */
    async prepareValues(accountId: number, values: Record<string, unknown> | undefined): Promise<void> {
      if (!values) return;
      const keys = Object.keys(values);
      if (!keys.length) return;
      for (const key of keys) {
        const problem = checkDefinitionKey(key);
        if (problem) throw new ValidationError(`custom_attributes: ${problem}`, `custom_attributes.${key}`);
      }
      const byKey = new Map((await definitions.find({ account_id: accountId, attribute_key: { $in: keys } }).lean()).map((d) => [d.attribute_key, d as DefinitionRef]));
      const check = (def: DefinitionRef, key: string) => {
        const problem = checkCustomValue(def, values[key]);
        if (problem) throw new ValidationError(problem, `custom_attributes.${key}`);
      };
      // Every value is checked before any definition is created: a write refused for one value
      // leaves no definition behind (an object would otherwise define a text attribute, then fail it).
      // A new key is checked against the type its value would give it (null clears and passes).
      for (const key of keys) check(byKey.get(key) ?? { attribute_key: key, attribute_display_type: typeForValue(values[key]), attribute_values: [], slot: 0 }, key);
      for (const key of keys.filter((k) => !byKey.has(k) && values[k] !== null)) {
        const type: AttributeType = typeForValue(values[key]);
        const { def } = await insert(accountId, {
          attribute_key: key,
          attribute_display_name: key,
          attribute_display_type: type,
          attribute_description: null,
          attribute_values: [],
          attribute_model: 'contact_attribute',
        });
        // Another write may have defined the key meanwhile, with another type.
        check(def, key);
      }
    },
  };
}

export type CustomAttributesService = ReturnType<typeof createCustomAttributesService>;
