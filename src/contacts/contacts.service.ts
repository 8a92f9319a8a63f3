import { isDuplicateKey } from '../shared/duplicate-key';
import { NotFoundError, ValidationError } from '../shared/errors';
import type { IdAllocator } from '../shared/id-allocator';
import type { SyncScheduler } from '../search/sync-queue';
import type { ContactPage, ContactSearch, PageRequest, SearchQuery } from '../search/search-contacts';
import { IDENTITY_FIELDS, toContactChanges, type ContactChanges } from './contact-changes';
import { byIdentityKeys, IDENTITY_KEYS, noValueKey, type Contact, type ContactModel } from '../records/contact.model';
import { newContact } from './new-contact';
import { toContactPayload, type ContactPayload } from '../records/contact.presenter';
import type { ContactInput } from './contacts.schemas';
import { searchFieldOf, type DefinitionRef } from '../records/custom-attribute-fields';
import { CUSTOM_SORT_PREFIX } from '../search/contact-sort';
import { buildTextSearchQuery } from '../search/build-text-search-query';

/** A deleted contact lets go of its email, phone and identifier. */
const freedKeys = (id: number) => ({ email_key: noValueKey(id), phone_key: noValueKey(id), identifier_key: noValueKey(id) });

/** Mongo's duplicate-key error names the index; turn it into the field it guards. */
function duplicateField(err: unknown): string | undefined {
  const message = String((err as Error)?.message);
  if (!isDuplicateKey(err)) return undefined;
  return IDENTITY_KEYS.find(([, key]) => message.includes(key))?.[0];
}

/** Records that belong to a contact (notes, identities, conversations): they go when it is deleted. */
export interface ContactDependent {
  deleteMany(filter: { account_id: number; contact_id: number | { $in: number[] } }): PromiseLike<unknown>;
}

export interface ContactsServiceDeps {
  contacts: ContactModel;
  /** Checks custom attribute values against their definitions, defining new keys on first use. */
  customAttributes: {
    prepareValues(accountId: number, values: Record<string, unknown> | undefined): Promise<void>;
    definitionsOf(accountId: number): Promise<DefinitionRef[]>;
  };
  nextIds: IdAllocator;
  sync: SyncScheduler;
  search: ContactSearch;
  dependents?: ContactDependent[];
}

export function createContactsService({ contacts, customAttributes, nextIds, sync, search, dependents = [] }: ContactsServiceDeps) {
  async function assertUnique(accountId: number, values: ContactChanges, exceptId?: number) {
    const clauses = IDENTITY_KEYS.filter(([field]) => values[field]).map(([field, key]) => ({ [key]: values[field] }));
    if (!clauses.length) return;
    const owners = await contacts.find({ ...byIdentityKeys(accountId, clauses), ...(exceptId ? { _id: { $ne: String(exceptId) } } : {}) }).lean();
    for (const owner of owners) {
      // A key equal to the value is the value; anything else matched a placeholder.
      const taken = IDENTITY_KEYS.find(([field]) => values[field] && owner[field] === values[field]);
      if (taken) throw new ValidationError(`${taken[0]} "${values[taken[0]]}" already belongs to contact ${owner._id}`, taken[0]);
    }
  }

  async function find(accountId: number, id: number): Promise<Contact> {
    // By _id alone (an index lookup on every backend); the account is checked here.
    const contact = await contacts.findById(String(id)).lean();
    if (!contact || contact.account_id !== accountId || contact.deleted) throw new NotFoundError('contact', id);
    return contact;
  }

  function rethrowDuplicate(err: unknown, values: ContactChanges): never {
    const field = duplicateField(err);
    if (field) throw new ValidationError(`${field} "${values[field as keyof ContactChanges]}" already belongs to another contact`, field);
    throw err;
  }

  /** A custom attribute sort names the account's slot field for that key. */
  async function resolveSort(accountId: number, request: PageRequest): Promise<PageRequest> {
    if (!request.sort.key.startsWith(CUSTOM_SORT_PREFIX)) return request;
    const key = request.sort.key.slice(CUSTOM_SORT_PREFIX.length);
    const def = (await customAttributes.definitionsOf(accountId)).find((d) => d.attribute_key === key);
    if (!def) throw new ValidationError(`unknown sort key "${request.sort.key}": no custom attribute "${key}" is defined`, 'sort');
    return { ...request, sort: { ...request.sort, field: searchFieldOf(def) } };
  }

  /**
   * Deletes the account's live contacts among `ids` and what belongs to them; answers the ids
   * it deleted. A soft delete first: the version bump keeps a late sync job from bringing a
   * contact back, and the sync worker purges the document once the index has dropped it.
   */
  async function removeMany(accountId: number, ids: number[]): Promise<number[]> {
    // Selected by _id (an index lookup on FerretDB too, see scripts/ferretdb/).
    const found = await contacts.find({ _id: { $in: [...new Set(ids)].map(String) }, account_id: accountId, deleted: false }, { _id: 1 }).lean();
    const live = found.map((c) => Number(c._id));
    if (!live.length) return [];
    await contacts.bulkWrite(
      live.map((id) => ({
        updateOne: {
          filter: { _id: String(id) },
          update: { $set: { deleted: true, updated_at: new Date(), ...freedKeys(id) }, $inc: { version: 1 } },
        },
      })),
      { ordered: false },
    );
    await sync.schedule(live);
    // A merge moves these to the base contact before removing the mergee, so nothing is lost there.
    await Promise.all(dependents.map((dependent) => dependent.deleteMany({ account_id: accountId, contact_id: { $in: live } })));
    return live;
  }

  return {
    async create(accountId: number, input: ContactInput): Promise<ContactPayload> {
      const changes = toContactChanges(input);
      if (!IDENTITY_FIELDS.some((field) => changes[field])) {
        throw new ValidationError('a contact needs at least one of name, email, phone_number or identifier');
      }
      await assertUnique(accountId, changes);
      await customAttributes.prepareValues(accountId, changes.custom_attributes);
      const [id] = await nextIds('contacts');
      const doc = newContact(id, accountId, changes, [], new Date());
      try {
        await contacts.create(doc);
      } catch (err) {
        rethrowDuplicate(err, changes);
      }
      await sync.schedule([id]);
      return toContactPayload(doc);
    },

    async show(accountId: number, id: number): Promise<ContactPayload> {
      return toContactPayload(await find(accountId, id));
    },

    async update(accountId: number, id: number, input: ContactInput): Promise<ContactPayload> {
      const changes = toContactChanges(input);
      const current = await find(accountId, id);
      const next = { ...current, ...changes };
      if (!IDENTITY_FIELDS.some((field) => next[field])) {
        throw new ValidationError('a contact needs at least one of name, email, phone_number or identifier');
      }
      await assertUnique(accountId, changes, id);
      await customAttributes.prepareValues(accountId, changes.custom_attributes);

      const set: Record<string, unknown> = { updated_at: new Date() };
      for (const [key, value] of Object.entries(changes)) {
        // Attribute hashes merge shallowly: each key is its own $set, in one update.
        if (key === 'additional_attributes' || key === 'custom_attributes') {
          for (const [attr, attrValue] of Object.entries(value as Record<string, unknown>)) set[`${key}.${attr}`] = attrValue;
        } else set[key] = value;
      }
      for (const [field, key] of IDENTITY_KEYS) {
        if (changes[field] !== undefined) set[key] = changes[field] ?? noValueKey(id);
      }
      let updated: Contact | null;
      try {
        updated = await contacts
          // Filtered by _id alone, which FerretDB serves from its index; find() above checked the account.
          .findOneAndUpdate({ _id: String(id) }, { $set: set, $inc: { version: 1 } }, { new: true })
          .lean();
      } catch (err) {
        rethrowDuplicate(err, changes);
      }
      if (!updated) throw new NotFoundError('contact', id);
      await sync.schedule([id]);
      return toContactPayload(updated);
    },

    async remove(accountId: number, id: number): Promise<void> {
      if (!(await removeMany(accountId, [id])).length) throw new NotFoundError('contact', id);
    },

    removeMany,

    resolveSort,

    async list(accountId: number, query: SearchQuery | undefined, request: PageRequest): Promise<ContactPage> {
      return search.page(accountId, query, await resolveSort(accountId, request));
    },

    /** Free text over name, email, phone and identifier (substring, ignoring case and accents). */
    async search(accountId: number, q: string, request: PageRequest): Promise<ContactPage> {
      return search.page(accountId, buildTextSearchQuery(q), await resolveSort(accountId, request));
    },
  };
}

export type ContactsService = ReturnType<typeof createContactsService>;
