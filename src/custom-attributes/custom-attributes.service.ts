import { isDeepStrictEqual } from 'node:util';
import { attributeKeyOf, customAttributeKeyProblem, machineryKeyProblem } from '../records/contact-fields';
import type { ContactWriter } from '../contacts/contact-writer';
import { contactCandidates, type ContactCandidatesDeps } from '../contacts/contact-candidates';
import { indexWritten, readWritten } from '../contacts/index-written';
import type { ContactIndexer } from '../search/contact-indexer';
import type { SyncScheduler } from '../search/sync-queue';
import { NotFoundError, ValidationError } from '../shared/errors';
import type { IdAllocator } from '../shared/id-allocator';
import type { AttributeType, CustomAttributeDefinition } from '../records/custom-attribute-definition.model';
import { isLiveDefinition, type DefinitionResyncJob, type DefinitionStore } from '../records/custom-attribute-definitions';
import { replaceById } from '../shared/account-list-store';
import { trimText } from '../shared/trim-text';
import { toDefinitionPayload } from './custom-attribute-definition.presenter';
import { checkCustomValue, coerceCustomValue, listValueClash, listValuesOf, MAX_SLOTS, reservedKeyOf, typeForValue, type DefinitionRef } from '../records/custom-attribute-fields';
import type { DefinitionCreateInput, DefinitionUpdateInput } from './custom-attributes.schemas';
import type { Logger } from '../shared/logger';

export function checkDefinitionKey(key: string): string | undefined {
  const problem = customAttributeKeyProblem(key) ?? machineryKeyProblem(key);
  if (problem) return problem;
  const reserved = reservedKeyOf(key);
  if (reserved === key) return `"${key}" is a standard contact field and cannot be a custom attribute key`;
  if (reserved) return `"${key}" names the standard contact field "${reserved}" (CSV columns are matched in any case) and cannot be a custom attribute key`;
  return undefined;
}

const CHUNK = 1000;

export interface CustomAttributesDeps {
  definitions: DefinitionStore;
  nextIds: IdAllocator;
  writer: Pick<ContactWriter, 'modifyMany' | 'markPending'>;
  /** Indexes the holders as they are re-written, rather than leaving them to the sync worker. */
  indexer: Pick<ContactIndexer, 'read' | 'write'>;
  sync: SyncScheduler;
  /** Where the holders of a key are found: pending writes, then the index. */
  candidates: ContactCandidatesDeps;
  /** Queues the re-index of a definition's holders (definition-resync.processor.ts). */
  enqueueResync: (job: DefinitionResyncJob) => Promise<unknown>;
  /** A definition created or deleted while more contacts than this hold its key leaves them to a job. */
  resyncInRequestUpTo: number;
  /** Told when the contacts holding a key could not be re-indexed within the request (a job takes them). */
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
  const clash = values && listValueClash(values);
  if (clash) {
    throw new ValidationError(
      `attribute_values ${JSON.stringify(clash[0])} and ${JSON.stringify(clash[1])} differ only in case or in how they are typed, and writes and filters read them as one value: keep one`,
      'attribute_values',
    );
  }
}

/** The lowest `count` slots no definition holds (fewer when the account has fewer free). */
function freeSlots(current: CustomAttributeDefinition[], count: number): number[] {
  const used = new Set(current.map((d) => d.slot));
  const free: number[] = [];
  for (let slot = 1; slot <= MAX_SLOTS && free.length < count; slot++) if (!used.has(slot)) free.push(slot);
  return free;
}

/** The live definition of that id (a retiring one is deleted already: not found). */
function definitionOf(list: CustomAttributeDefinition[], id: number): CustomAttributeDefinition {
  const def = list.find((d) => d._id === id && isLiveDefinition(d));
  if (!def) throw new NotFoundError('custom attribute definition', id);
  return def;
}

export function createCustomAttributesService(deps: CustomAttributesDeps) {
  const { definitions, nextIds, writer, indexer, sync, candidates, logger, onDefinitionsRemoved, enqueueResync, resyncInRequestUpTo } = deps;
  /**
   * Adds a definition in the lowest free slot, or answers the existing one when the key is
   * defined already (perhaps by a write that ran meanwhile). A retiring definition of the same
   * key is not one: its slot stays taken, and the new one takes another.
   */
  async function insert(accountId: number, fields: NewDefinition): Promise<{ def: CustomAttributeDefinition; created: boolean }> {
    const [id] = await nextIds('custom_attribute_definitions');
    return definitions.change<{ def: CustomAttributeDefinition; created: boolean }>(accountId, (current) => {
      const existing = current.find((d) => d.attribute_key === fields.attribute_key && isLiveDefinition(d));
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
   * Contacts holding a value for the key are re-indexed (bumped, read back and indexed here, not
   * by the sync worker, then the index refreshed): their value enters the slot of a new
   * definition, or leaves the slot of a deleted one, and is searchable when the request answers
   * or the definition stops saying `indexing`. Left to the sync worker, filters on a key defined
   * again found none of its holders for up to a second after that. What the index refuses is
   * left to the sync, as its writes are.
   */
  async function resyncHolders(accountId: number, key: string): Promise<void> {
    let indexed = false;
    // The index knows which contacts hold a key (custom_keys), defined or not.
    for await (const ids of contactCandidates(candidates, accountId, { term: { custom_keys: key } }, CHUNK)) {
      const written = await writer.modifyMany(accountId, ids, { set: {} }, { applies: (c) => Object.hasOwn(c.custom_attributes ?? {}, key), queueSync: false });
      if (!written.length) continue;
      await indexWritten({ indexer, writer, sync }, accountId, await readWritten(indexer, accountId, written.map((c) => Number(c._id))));
      indexed = true;
    }
    if (indexed) await candidates.search.refresh().catch((err: unknown) => logger?.warn({ err, accountId, key }, "a key's holders indexed without a refresh: they become searchable at the next one"));
  }

  /** How many contacts the index finds holding the key (it must answer: a 503 otherwise). */
  async function countHolders(accountId: number, key: string): Promise<number> {
    await candidates.search.refresh();
    return candidates.search.count(accountId, { term: { custom_keys: key } });
  }

  /**
   * Leaves a definition's holders to the resync job: marked first, so that a job lost with Redis
   * is queued again when a worker starts.
   */
  async function queueResync(accountId: number, def: CustomAttributeDefinition): Promise<void> {
    if (!def.retiring && !def.resyncing) {
      await definitions.change(accountId, (current) => {
        const now = current.find((d) => d._id === def._id);
        return now && !now.retiring ? { items: replaceById(current, { ...now, resyncing: true }), result: undefined } : { result: undefined };
      });
    }
    await enqueueResync({ accountId, definitionId: def._id });
  }

  /**
   * Re-indexes the holders of a definition created or retired: within the request when they are
   * few (`holders` known or counted now), else, or should the index fail midway, by a job.
   */
  async function resyncOrQueue(accountId: number, def: CustomAttributeDefinition, holders?: number): Promise<void> {
    if (!def.resyncing) {
      try {
        if ((holders ?? (await countHolders(accountId, def.attribute_key))) <= resyncInRequestUpTo) {
          await finishResync({ accountId, definitionId: def._id }, def);
          return;
        }
      } catch (err) {
        logger?.warn({ err, accountId, key: def.attribute_key }, 'contacts holding a key not re-indexed within the request; a job takes them');
      }
    }
    await queueResync(accountId, def);
  }

  /**
   * Re-indexes every contact holding the definition's key, then forgets a retiring definition
   * (its slot is free again) or clears the mark of a new one. A definition deleted while its walk
   * ran is walked again: only a walk that began after the delete has taken every value out of its
   * slot. Safe to run twice: a job finds nothing to do for a definition no longer marked.
   */
  async function finishResync(job: DefinitionResyncJob, known?: CustomAttributeDefinition): Promise<void> {
    let def = known ?? (await definitions.all(job.accountId)).find((d) => d._id === job.definitionId && (d.retiring || d.resyncing));
    while (def) {
      const walked = def;
      await resyncHolders(job.accountId, walked.attribute_key);
      def = await definitions.change<CustomAttributeDefinition | undefined>(job.accountId, (current) => {
        const now = current.find((d) => d._id === walked._id);
        if (!now) return { result: undefined };
        if (now.retiring && !walked.retiring) return { result: now };
        if (now.retiring) return { items: current.filter((d) => d._id !== walked._id), result: undefined };
        if (!now.resyncing) return { result: undefined };
        const done = { ...now };
        delete done.resyncing;
        return { items: replaceById(current, done), result: undefined };
      });
    }
  }

  return {
    /** What searching and indexing need: the account's definitions. */
    definitionsOf: (accountId: number): Promise<DefinitionRef[]> => definitions.of(accountId),

    async list(accountId: number, attributeModel?: string) {
      if (attributeModel === 'conversation_attribute' || attributeModel === '0') return [];
      return (await definitions.of(accountId)).sort((a, b) => a._id - b._id).map(toDefinitionPayload);
    },

    async show(accountId: number, id: number) {
      return toDefinitionPayload(definitionOf(await definitions.of(accountId), id));
    },

    async create(accountId: number, input: DefinitionCreateInput) {
      const key = attributeKeyOf(trimText(input.attribute_key));
      const problem = checkDefinitionKey(key);
      if (problem) throw new ValidationError(`attribute_key: ${problem}`, 'attribute_key');
      if (input.attribute_display_type === 'list' && !input.attribute_values?.length) {
        throw new ValidationError('a list attribute needs attribute_values', 'attribute_values');
      }
      checkValuesFitType(input.attribute_display_type, input.attribute_values);
      // The contacts already holding the key enter its slot: the index must answer first, or the
      // key would be defined with its holders left out of the slot. Many of them are left to a
      // job, marked from the start so that a job lost with Redis is queued again.
      const holders = await countHolders(accountId, key);
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
        ...(holders > resyncInRequestUpTo ? { resyncing: true } : {}),
      });
      if (!created) throw new ValidationError(`attribute_key "${key}" is already defined`, 'attribute_key');
      await resyncOrQueue(accountId, def, holders);
      return toDefinitionPayload(def);
    },

    async update(accountId: number, id: number, input: DefinitionUpdateInput) {
      const updated = await definitions.change(accountId, (current) => {
        const def = definitionOf(current, id);
        if (input.attribute_key !== undefined && attributeKeyOf(trimText(input.attribute_key)) !== def.attribute_key) {
          throw new ValidationError('attribute_key cannot change; contacts hold values under it', 'attribute_key');
        }
        if (input.attribute_display_type !== undefined && input.attribute_display_type !== def.attribute_display_type) {
          throw new ValidationError('attribute_display_type cannot change; contacts hold values of the current type', 'attribute_display_type');
        }
        const next: CustomAttributeDefinition = { ...def };
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
        // Nothing to change writes nothing and leaves updated_at as it was, as Rails saves no record without changes.
        if (isDeepStrictEqual(next, def)) return { result: def };
        next.updated_at = new Date();
        return { items: replaceById(current, next), result: next };
      });
      return toDefinitionPayload(updated);
    },

    /**
     * Deletes a definition: hidden at once. Its values stay on the contacts (as in Chatwoot) but
     * leave its search slot — within the request when few contacts hold them, else by a job —
     * and the slot is taken by no new definition until they have.
     */
    async remove(accountId: number, id: number): Promise<void> {
      // Counted before the definition is hidden: an index that cannot answer leaves it as it was
      // (a 503 to try again), not hidden with its values left in a slot nothing would empty.
      const { attribute_key: key } = definitionOf(await definitions.of(accountId), id);
      const holders = await countHolders(accountId, key);
      const def = await definitions.change(accountId, (current) => {
        const found = definitionOf(current, id);
        const retiring = { ...found, retiring: true };
        delete retiring.resyncing;
        return { items: replaceById(current, retiring), result: retiring };
      });
      await onDefinitionsRemoved?.(accountId);
      await resyncOrQueue(accountId, def, holders);
    },

    finishResync: (job: DefinitionResyncJob) => finishResync(job),

    /** Definitions whose re-index job may have been lost (with Redis): queued again when the worker starts. */
    async requeueResyncs(): Promise<number> {
      const unfinished = await definitions.unfinishedResyncs();
      for (const job of unfinished) await enqueueResync(job);
      return unfinished.length;
    },

    /**
     * Checks custom attribute values of a contact write against their definitions (SPEC §2),
     * creating a definition for each key used for the first time: number for a JSON number,
     * checkbox for a boolean, text otherwise. Throws ValidationError naming the key. Answers the
     * values as they are to be stored: decimal text for a number attribute as its number
     * (coerceCustomValue), the rest as given. `beforeDefining` runs once the values passed and
     * before a new key is defined: the write's own checks (a taken email), so that a write refused
     * by them leaves no definition behind either.
     */
    async prepareValues<T extends Record<string, unknown> | undefined>(accountId: number, given: T, beforeDefining?: () => Promise<void>): Promise<T> {
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
      for (const key of keys) {
        const def = byKey.get(key);
        // Said of the key as it is, not defined yet: "is a text attribute" named a definition that does not exist.
        if (!def && typeof values[key] === 'object' && values[key] !== null) {
          throw new ValidationError(
            `custom attribute "${key}" is not defined yet, and a new one takes a string, a number or true/false (its first value sets its type); got ${JSON.stringify(values[key]).slice(0, 100)}`,
            `custom_attributes.${key}`,
          );
        }
        check(def ?? { attribute_key: key, attribute_display_type: typeForValue(values[key]), attribute_values: [], slot: 0 }, key);
      }
      const fresh = keys.filter((k) => !byKey.has(k) && values[k] !== null);
      if (!fresh.length) return values as T;
      await beforeDefining?.();
      const ids = await nextIds('custom_attribute_definitions', fresh.length);
      // Every new key is defined by one conditional write of the account's document, or none is:
      // a write refused for want of slots (or for a key defined meanwhile with another type)
      // leaves no definition behind, as a write refused for a value does.
      const defined = await definitions.change<CustomAttributeDefinition[]>(accountId, (current) => {
        const held = new Map(current.filter(isLiveDefinition).map((d) => [d.attribute_key, d]));
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
        return { items: [...current, ...added], result: added };
      });
      // A key defined again after its definition was deleted: the contacts that kept its values
      // enter the new slot, as they do when POST /custom_attribute_definitions defines it. Finding
      // them needs the index; a contact write goes on without it (SPEC §7): a job takes them then.
      for (const def of defined) await resyncOrQueue(accountId, def);
      return values as T;
    },
  };
}

export type CustomAttributesService = ReturnType<typeof createCustomAttributesService>;
