import { attributeKeyOf, checkAttributeKey, machineryKeyProblem } from '../records/contact-fields';
import type { ContactWriter } from '../contacts/contact-writer';
import { contactCandidates, type ContactCandidatesDeps } from '../contacts/contact-candidates';
import { NotFoundError, ValidationError } from '../shared/errors';
import type { IdAllocator } from '../shared/id-allocator';
import type { AttributeType, CustomAttributeDefinition } from '../records/custom-attribute-definition.model';
import type { DefinitionStore } from '../records/custom-attribute-definitions';
import { replaceById } from '../shared/account-list-store';
import { toDefinitionPayload } from './custom-attribute-definition.presenter';
import { checkCustomValue, coerceCustomValue, listValuesOf, MAX_SLOTS, RESERVED_KEYS, typeForValue, type DefinitionRef } from '../records/custom-attribute-fields';
import type { DefinitionCreateInput, DefinitionUpdateInput } from './custom-attributes.schemas';
import type { Logger } from '../shared/logger';

export function checkDefinitionKey(key: string): string | undefined {
  const problem = checkAttributeKey(key) ?? machineryKeyProblem(key);
  if (problem) return problem;
  if (RESERVED_KEYS.has(key)) return `"${key}" is a standard contact field and cannot be a custom attribute key`;
  return undefined;
}

const CHUNK = 1000;

export interface CustomAttributesDeps {
  definitions: DefinitionStore;
  nextIds: IdAllocator;
  writer: Pick<ContactWriter, 'modifyMany'>;
  /** Where the holders of a key are found: pending writes, then the index. */
  candidates: ContactCandidatesDeps;
  /** Told when the contacts holding a key defined on first use could not be re-indexed. */
  logger?: Pick<Logger, 'warn'>;
  /** Called when definitions disappear, so that compiled segment queries are rebuilt. */
  onDefinitionsRemoved?: (accountId: number) => Promise<void>;
}

type NewDefinition = Omit<CustomAttributeDefinition, '_id' | 'account_id' | 'slot' | 'created_at' | 'updated_at'>;

/**
 * Chatwoot's dashboard sends `attribute_values: []` with every definition it saves, whatever the
 * type: an empty list means "no values" and passes; values for a type other than list are refused.
 */
function checkValuesFitType(type: AttributeType, values: string[] | undefined): void {
  if (type !== 'list' && values?.length) throw new ValidationError('only list attributes take attribute_values', 'attribute_values');
}

/** The lowest `count` slots no definition holds (fewer when the account has fewer free). */
function freeSlots(current: CustomAttributeDefinition[], count: number): number[] {
  const used = new Set(current.map((d) => d.slot));
  const free: number[] = [];
  for (let slot = 1; slot <= MAX_SLOTS && free.length < count; slot++) if (!used.has(slot)) free.push(slot);
  return free;
}

function definitionOf(list: CustomAttributeDefinition[], id: number): CustomAttributeDefinition {
  const def = list.find((d) => d._id === id);
  if (!def) throw new NotFoundError('custom attribute definition', id);
  return def;
}

export function createCustomAttributesService({ definitions, nextIds, writer, candidates, logger, onDefinitionsRemoved }: CustomAttributesDeps) {
  /**
   * Adds a definition in the lowest free slot, or answers the existing one when the key is
   * defined already (perhaps by a write that ran meanwhile).
   */
  async function insert(accountId: number, fields: NewDefinition): Promise<{ def: CustomAttributeDefinition; created: boolean }> {
    const [id] = await nextIds('custom_attribute_definitions');
    return definitions.change<{ def: CustomAttributeDefinition; created: boolean }>(accountId, (current) => {
      const existing = current.find((d) => d.attribute_key === fields.attribute_key);
      if (existing) return { result: { def: existing, created: false } };
      const [slot] = freeSlots(current, 1);
      if (slot === undefined) {
        throw new ValidationError(`an account holds at most ${MAX_SLOTS} custom attribute definitions; delete one first`, 'attribute_key');
      }
      const now = new Date();
      const def: CustomAttributeDefinition = { _id: id, account_id: accountId, slot, created_at: now, updated_at: now, ...fields };
      return { items: [...current, def], result: { def, created: true } };
    });
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

  return {
    /** What searching and indexing need: the account's definitions. */
    definitionsOf: (accountId: number): Promise<DefinitionRef[]> => definitions.of(accountId),

    async list(accountId: number, attributeModel?: string) {
      if (attributeModel && attributeModel !== 'contact_attribute' && attributeModel !== '1') return [];
      return (await definitions.of(accountId)).sort((a, b) => a._id - b._id).map(toDefinitionPayload);
    },

    async show(accountId: number, id: number) {
      return toDefinitionPayload(definitionOf(await definitions.of(accountId), id));
    },

    async create(accountId: number, input: DefinitionCreateInput) {
      const key = attributeKeyOf(input.attribute_key.trim());
      const problem = checkDefinitionKey(key);
      if (problem) throw new ValidationError(`attribute_key: ${problem}`, 'attribute_key');
      if (input.attribute_display_type === 'list' && !input.attribute_values?.length) {
        throw new ValidationError('a list attribute needs attribute_values', 'attribute_values');
      }
      checkValuesFitType(input.attribute_display_type, input.attribute_values);
      // The contacts already holding the key enter its slot within the request: the index must
      // answer first, or the key would be defined with its holders left out of the slot.
      await candidates.search.count(accountId, { term: { custom_keys: key } });
      const { def, created } = await insert(accountId, {
        attribute_key: key,
        attribute_display_name: input.attribute_display_name ?? key,
        attribute_display_type: input.attribute_display_type,
        attribute_description: input.attribute_description ?? null,
        attribute_values: input.attribute_display_type === 'list' ? listValuesOf(input.attribute_values ?? []) : [],
        attribute_model: 'contact_attribute',
        regex_pattern: input.regex_pattern ?? null,
        regex_cue: input.regex_cue ?? null,
        default_value: input.default_value ?? null,
      });
      if (!created) throw new ValidationError(`attribute_key "${key}" is already defined`, 'attribute_key');
      try {
        await resyncHolders(accountId, key);
      } catch (err) {
        // Undone, so that it can be tried again; holders already re-synced are pending, indexed without it.
        await definitions.change(accountId, (current) => (current.some((d) => d._id === def._id) ? { items: current.filter((d) => d._id !== def._id), result: undefined } : { result: undefined }));
        throw err;
      }
      return toDefinitionPayload(def);
    },

    async update(accountId: number, id: number, input: DefinitionUpdateInput) {
      const updated = await definitions.change(accountId, (current) => {
        const def = definitionOf(current, id);
        if (input.attribute_key !== undefined && attributeKeyOf(input.attribute_key.trim()) !== def.attribute_key) {
          throw new ValidationError('attribute_key cannot change; contacts hold values under it', 'attribute_key');
        }
        if (input.attribute_display_type !== undefined && input.attribute_display_type !== def.attribute_display_type) {
          throw new ValidationError('attribute_display_type cannot change; contacts hold values of the current type', 'attribute_display_type');
        }
        const next: CustomAttributeDefinition = { ...def, updated_at: new Date() };
        if (input.attribute_display_name !== undefined) next.attribute_display_name = input.attribute_display_name;
        if (input.attribute_description !== undefined) next.attribute_description = input.attribute_description;
        if (input.regex_pattern !== undefined) next.regex_pattern = input.regex_pattern;
        if (input.regex_cue !== undefined) next.regex_cue = input.regex_cue;
        if (input.default_value !== undefined) next.default_value = input.default_value;
        checkValuesFitType(def.attribute_display_type, input.attribute_values);
        if (input.attribute_values !== undefined && def.attribute_display_type === 'list') {
          if (!input.attribute_values.length) throw new ValidationError('a list attribute needs attribute_values', 'attribute_values');
          next.attribute_values = listValuesOf(input.attribute_values);
        }
        return { items: replaceById(current, next), result: next };
      });
      return toDefinitionPayload(updated);
    },

    async remove(accountId: number, id: number): Promise<void> {
      // Values stay on the contacts (as in Chatwoot) but leave the search slot, which is free again:
      // the index must answer first, or the next definition to take the slot would find them there.
      const { attribute_key: key } = definitionOf(await definitions.of(accountId), id);
      await candidates.search.count(accountId, { term: { custom_keys: key } });
      const def = await definitions.change(accountId, (current) => {
        const found = definitionOf(current, id);
        return { items: current.filter((d) => d._id !== id), result: found };
      });
      try {
        await resyncHolders(accountId, def.attribute_key);
      } catch (err) {
        // Put back as it was (its slot still holds values), so that the delete can be tried again;
        // contacts already re-synced are pending and are indexed with it once the index is back.
        await definitions.change(accountId, (current) =>
          current.some((d) => d.slot === def.slot || d.attribute_key === def.attribute_key) ? { result: undefined } : { items: [...current, def], result: undefined },
        );
        throw err;
      }
      await onDefinitionsRemoved?.(accountId);
    },

    /**
     * Checks custom attribute values of a contact write against their definitions (SPEC §2),
     * creating a definition for each key used for the first time: number for a JSON number,
     * checkbox for a boolean, text otherwise. Throws ValidationError naming the key. Answers the
     * values as they are to be stored: decimal text for a number attribute as its number
     * (coerceCustomValue), the rest as given.
     */
    async prepareValues<T extends Record<string, unknown> | undefined>(accountId: number, given: T): Promise<T> {
      if (!given) return given;
      const keys = Object.keys(given);
      if (!keys.length) return given;
      for (const key of keys) {
        const problem = checkDefinitionKey(key);
        if (problem) throw new ValidationError(`custom_attributes: ${problem}`, `custom_attributes.${key}`);
      }
      const values: Record<string, unknown> = { ...given };
      const byKey = new Map<string, DefinitionRef>((await definitions.of(accountId)).map((d) => [d.attribute_key, d]));
      const check = (def: DefinitionRef, key: string) => {
        values[key] = coerceCustomValue(def, values[key]);
        const problem = checkCustomValue(def, values[key]);
        if (problem) throw new ValidationError(problem, `custom_attributes.${key}`);
      };
      // Every value is checked before any definition is created: a write refused for one value
      // leaves no definition behind (an object would otherwise define a text attribute, then fail it).
      // A new key is checked against the type its value would give it (null clears and passes).
      for (const key of keys) check(byKey.get(key) ?? { attribute_key: key, attribute_display_type: typeForValue(values[key]), attribute_values: [], slot: 0 }, key);
      const fresh = keys.filter((k) => !byKey.has(k) && values[k] !== null);
      if (!fresh.length) return values as T;
      const ids = await nextIds('custom_attribute_definitions', fresh.length);
      // Every new key is defined by one conditional write of the account's document, or none is:
      // a write refused for want of slots (or for a key defined meanwhile with another type)
      // leaves no definition behind, as a write refused for a value does.
      const defined = await definitions.change<string[]>(accountId, (current) => {
        const held = new Map(current.map((d) => [d.attribute_key, d]));
        const missing = fresh.filter((key) => {
          const def = held.get(key);
          if (def) check(def, key);
          return !def;
        });
        if (!missing.length) return { result: [] };
        const slots = freeSlots(current, missing.length);
        if (slots.length < missing.length) {
          const key = missing[slots.length];
          throw new ValidationError(
            `custom attribute "${key}" cannot be defined: an account holds at most ${MAX_SLOTS} custom attribute definitions, and this write needs ${missing.length} new ones with ${slots.length} free; nothing was defined`,
            `custom_attributes.${key}`,
          );
        }
        const now = new Date();
        const added = missing.map(
          (key, i): CustomAttributeDefinition => ({
            _id: ids[i],
            account_id: accountId,
            slot: slots[i],
            attribute_key: key,
            attribute_display_name: key,
            attribute_display_type: typeForValue(values[key]),
            attribute_description: null,
            attribute_values: [],
            attribute_model: 'contact_attribute',
            regex_pattern: null,
            regex_cue: null,
            default_value: null,
            created_at: now,
            updated_at: now,
          }),
        );
        return { items: [...current, ...added], result: missing };
      });
      // A key defined again after its definition was deleted: the contacts that kept its values
      // enter the new slot, as they do when POST /custom_attribute_definitions defines it. Finding
      // them needs the index; a contact write goes on without it (SPEC §7), as it did before.
      try {
        for (const key of defined) await resyncHolders(accountId, key);
      } catch (err) {
        logger?.warn({ err, accountId, keys: defined }, 'contacts holding a key defined on first use were not re-indexed');
      }
      return values as T;
    },
  };
}

export type CustomAttributesService = ReturnType<typeof createCustomAttributesService>;
