import { isDeepStrictEqual } from 'node:util';
import { NotFoundError, ValidationError } from '../shared/errors';
import type { IdAllocator } from '../shared/id-allocator';
import { narrowedBy, type ContactPage, type ContactSearch, type PageRequest, type SearchQuery } from '../search/search-contacts';
import { checkSize, IDENTITY_FIELDS, toContactChanges, type ContactChanges } from './contact-changes';
import type { Contact, ContactModel } from '../records/contact.model';
import type { ContactWriter, ContactUpdate, RemoveOptions } from './contact-writer';
import type { MergeLocks } from './merge-locks';
import { newContact } from './new-contact';
import { toContactPayload, type ContactPayload } from '../records/contact.presenter';
import type { ContactInput, ContactUpdateInput } from './contacts.schemas';
import { checkReadBack, splitReadBack } from './read-back-fields';
import { checkIfMatch } from './contact-etag';
import type { DefinitionRef } from '../records/custom-attribute-fields';
import { CUSTOM_SORT_PREFIX, withSortField } from '../search/contact-sort';
import { buildTextSearchQuery } from '../search/build-text-search-query';
import type { QueryLimits } from '../search/query-limits';
import { attributeKeyOf } from '../records/contact-fields';

/** What removeMany takes: the contact writer's remove options, `beforeWrite` told the ids. */
export interface RemoveManyOptions extends Omit<RemoveOptions, 'beforeWrite'> {
  beforeWrite?: (liveIds: number[]) => Promise<unknown>;
}

/** Records that belong to a contact (notes, identities, conversations): they go when it is deleted, and follow it into a merge. */
export interface ContactDependent {
  removeForContacts(accountId: number, contactIds: number[]): Promise<unknown>;
  moveToContact(accountId: number, fromId: number, toId: number): Promise<unknown>;
}

/** A contact's record in an inbox, as Chatwoot answers it on create: the inbox and the contact's source_id there. */
export interface ContactInboxLink {
  source_id: string;
  inbox: object;
}

/** Chatwoot's create answer without an inbox: the object with both null, so `contact_inbox.source_id` reads as null, not a TypeError. */
export const NO_CONTACT_INBOX = { inbox: null, source_id: null } as const;

/**
 * Checks that a contact with these values can be linked to the account's inbox (throwing
 * NotFoundError or ValidationError otherwise) and answers the function that makes the link once
 * the contact exists. The inboxes feature provides it (contacts sit below it and cannot import it).
 */
export type PrepareInboxLink = (
  accountId: number,
  inboxId: number,
  contact: Pick<Contact, 'email' | 'phone_number'>,
  /** The source_id the caller gave, refused unless it is the contact's address in that inbox. */
  sourceId?: string,
) => Promise<(contactId: number) => Promise<ContactInboxLink>>;

/**
 * Checks a new contact's label titles and makes the ones the account lacks account labels, after
 * `beforeCreating` (so a create its other checks refuse makes none); answers the titles as stored.
 * The labels feature provides it (contacts sit below it and cannot import it).
 */
export type PrepareLabels = (accountId: number, titles: string[], beforeCreating: () => Promise<void>) => Promise<string[]>;

/** Makes these titles account labels again after a write gave them to a contact (a label deleted meanwhile is taken again). */
export type KeepLabels = (accountId: number, titles: string[]) => Promise<void>;

/**
 * What to keep of the changes, decided from the contact as read on each attempt of the versioned
 * write: a rule such as "only fill gaps" then holds for the version written, not for an older read.
 */
export type NarrowChanges = (current: Contact, changes: ContactChanges) => ContactChanges;

/** A contact as answered, with the version it was read or written at (its ETag, contact-etag.ts). */
export interface VersionedContact {
  payload: ContactPayload;
  version: number;
}

export interface UpdateOptions {
  narrow?: NarrowChanges;
  /** The versions the caller's If-Match accepts (contact-etag.ts): nothing is written unless the contact is at one of them (412). */
  ifVersion?: number[];
}

export interface ContactsServiceDeps {
  contacts: ContactModel;
  /** Checks custom attribute values against their definitions, defining new keys on first use. */
  customAttributes: {
    /** Answers the values as they are to be stored (decimal text for a number attribute as its number). */
    prepareValues<T extends Record<string, unknown> | undefined>(accountId: number, values: T, beforeDefining?: () => Promise<void>): Promise<T>;
    definitionsOf(accountId: number): Promise<DefinitionRef[]>;
  };
  writer: ContactWriter;
  nextIds: IdAllocator;
  search: ContactSearch;
  dependents?: ContactDependent[];
  prepareInboxLink: PrepareInboxLink;
  prepareLabels: PrepareLabels;
  keepLabels: KeepLabels;
  /** Bounds the cost of a search `q` (its length). */
  limits?: QueryLimits;
  /** Deletes wait for a merge running on any of their contacts (merge-locks.ts). */
  mergeLocks?: Pick<MergeLocks, 'acquireAll'>;
}

export function createContactsService({ contacts, customAttributes, writer, nextIds, search, dependents = [], prepareInboxLink, prepareLabels, keepLabels, limits, mergeLocks }: ContactsServiceDeps) {
  async function find(accountId: number, id: number): Promise<Contact> {
    // By _id alone (an index lookup on every backend); the account is checked here.
    const contact = await contacts.findById(String(id)).lean();
    if (!contact || contact.account_id !== accountId || contact.deleted) throw new NotFoundError('contact', id);
    return contact;
  }

  /** A custom attribute sort names the account's slot field for that key. */
  async function resolveSort(accountId: number, request: PageRequest): Promise<PageRequest> {
    if (!request.sort.key.startsWith(CUSTOM_SORT_PREFIX)) return request;
    return { ...request, sort: withSortField(request.sort, await customAttributes.definitionsOf(accountId)) };
  }

  /**
   * Deletes the account's live contacts among `ids` and what belongs to them; answers the ids
   * it deleted. A soft delete first: the version bump keeps a late sync job from bringing a
   * contact back, and the sync worker purges the document once the index has dropped it.
   * `beforeWrite` is told the ids of the live contacts about to be deleted (a bulk action records
   * them); `choose` and `check` as the contact writer's remove takes them.
   */
  async function removeMany(accountId: number, ids: number[], { beforeWrite, ...options }: RemoveManyOptions = {}): Promise<number[]> {
    const release = mergeLocks ? await mergeLocks.acquireAll(accountId, ids) : async () => undefined;
    try {
      const live = await writer.remove(accountId, ids, { ...options, beforeWrite: beforeWrite && ((found) => beforeWrite(found.map((contact) => Number(contact._id)))) });
      if (!live.length) return [];
      // A merge moves these to the base contact before removing the mergee, so nothing is lost there.
      await Promise.all(dependents.map((dependent) => dependent.removeForContacts(accountId, live)));
      return live;
    } finally {
      await release();
    }
  }

  /** With inbox_id, the contact's link to that inbox is checked before anything is written and made after the contact. */
  async function createWithInbox(accountId: number, input: ContactInput): Promise<{ contact: ContactPayload; contact_inbox: ContactInboxLink | typeof NO_CONTACT_INBOX; version: number }> {
    const changes = toContactChanges(input);
    if (!IDENTITY_FIELDS.some((field) => changes[field])) {
      throw new ValidationError('a contact needs at least one of name, email, phone_number or identifier');
    }
    const sourceId = input.source_id ?? undefined;
    if (sourceId !== undefined && (input.inbox_id === undefined || input.inbox_id === null)) {
      throw new ValidationError("source_id is the contact's address in an inbox: it needs inbox_id", 'source_id');
    }
    const link =
      input.inbox_id === undefined || input.inbox_id === null
        ? undefined
        : await prepareInboxLink(accountId, input.inbox_id, { email: changes.email ?? null, phone_number: changes.phone_number ?? null }, sourceId);
    // Every check before anything is defined: the labels' titles, then the custom values, then the
    // identity values (once), and only then the new keys and labels. The labels were checked after
    // the keys were defined, so a create refused for a label title left its new keys defined.
    let free: Promise<void> | undefined;
    const checkFree = () => (free ??= writer.checkFree(accountId, 0, changes));
    const prepareValues = async () => {
      if (changes.custom_attributes) changes.custom_attributes = await customAttributes.prepareValues(accountId, changes.custom_attributes, checkFree);
    };
    const labels = input.labels?.length
      ? await prepareLabels(accountId, input.labels, async () => {
          await prepareValues();
          await checkFree();
        })
      : (await prepareValues(), []);
    const [id] = await nextIds('contacts');
    const doc = newContact(id, accountId, changes, labels, new Date());
    await writer.insert(doc);
    if (labels.length) await keepLabels(accountId, labels);
    return { contact: toContactPayload(doc), contact_inbox: link ? await link(id) : NO_CONTACT_INBOX, version: doc.version };
  }

  return {
    createWithInbox,

    async create(accountId: number, input: ContactInput): Promise<ContactPayload> {
      return (await createWithInbox(accountId, input)).contact;
    },

    async show(accountId: number, id: number): Promise<ContactPayload> {
      return toContactPayload(await find(accountId, id));
    },

    async read(accountId: number, id: number): Promise<VersionedContact> {
      const contact = await find(accountId, id);
      return { payload: toContactPayload(contact), version: contact.version };
    },

    /** Takes these custom attribute keys off the contact (null keeps a key; this removes it), as Chatwoot's destroy_custom_attributes. */
    async removeCustomAttributes(accountId: number, id: number, keys: string[], { ifVersion }: Pick<UpdateOptions, 'ifVersion'> = {}): Promise<VersionedContact> {
      const named = [...keys, ...keys.map(attributeKeyOf)];
      const updated = await writer.modify(accountId, id, (current) => {
        checkIfMatch(ifVersion, id, current.version);
        const attributes = current.custom_attributes ?? {};
        if (!named.some((key) => Object.hasOwn(attributes, key))) return null;
        return { set: { custom_attributes: Object.fromEntries(Object.entries(attributes).filter(([key]) => !named.includes(key))) } };
      });
      return { payload: toContactPayload(updated), version: updated.version };
    },

    async update(accountId: number, id: number, input: ContactUpdateInput, { narrow, ifVersion }: UpdateOptions = {}): Promise<VersionedContact> {
      const { readBack, rest } = splitReadBack(input);
      checkReadBack(readBack, id);
      const changes = toContactChanges(rest);
      const keptOf = (current: Contact) => {
        const kept = narrow ? narrow(current, changes) : changes;
        const next = { ...current, ...kept };
        if (!IDENTITY_FIELDS.some((field) => next[field])) {
          throw new ValidationError('a contact needs at least one of name, email, phone_number or identifier');
        }
        return kept;
      };
      if (changes.custom_attributes) {
        // Chatwoot's dashboard saves one attribute by sending them all back: a value the contact
        // already holds is no change, and is not checked against a definition that changed since
        // (a list value removed, a key defined again with another type) — nor written.
        const read = await find(accountId, id);
        // A stale write defines no key either.
        checkIfMatch(ifVersion, id, read.version);
        const changed = withoutStoredValues(changes.custom_attributes, read.custom_attributes);
        // A new key is defined only for a write that its other checks let through, as read now.
        const checkWrite = async () => {
          checkReadBack(readBack, id, read);
          await writer.checkFree(accountId, id, keptOf(read));
        };
        if (Object.keys(changed).length) changes.custom_attributes = await customAttributes.prepareValues(accountId, changed, checkWrite);
        else delete changes.custom_attributes;
      }
      const updated = await writer.modify(accountId, id, (current) => {
        // Checked on every attempt: the write is conditional on the version this one read.
        checkIfMatch(ifVersion, id, current.version);
        checkReadBack(readBack, id, current);
        // Values the contact holds already are no change: written, they raised the version, and
        // another client's If-Match failed on a contact nothing had changed.
        const set = withoutHeldValues(toUpdate(keptOf(current), current).set ?? {}, current);
        return Object.keys(set).length ? { set } : null;
      });
      return { payload: toContactPayload(updated), version: updated.version };
    },

    /** The contact's widget was seen at `at` (a versioned write, then sync); an earlier time never replaces a later one. */
    async markSeen(accountId: number, id: number, at: Date): Promise<void> {
      await writer.modify(accountId, id, (current) => (current.last_seen_at && current.last_seen_at >= at ? null : { set: { last_seen_at: at } }));
    },

    async remove(accountId: number, id: number, { ifVersion }: Pick<UpdateOptions, 'ifVersion'> = {}): Promise<void> {
      const check = ifVersion && ((current: Contact) => checkIfMatch(ifVersion, id, current.version));
      if (!(await removeMany(accountId, [id], { check })).length) throw new NotFoundError('contact', id);
    },

    removeMany,

    resolveSort,

    /** `field` names the input the query came from, should Elasticsearch refuse it. */
    async list(accountId: number, query: SearchQuery | undefined, request: PageRequest, field?: string): Promise<ContactPage> {
      return search.page(accountId, query, await resolveSort(accountId, request), field);
    },

    /** Free text over name, email, phone and identifier (substring, ignoring case and accents). */
    /** `within`: a further condition the matches must meet (the labels of `labels[]`). */
    async search(accountId: number, q: string, request: PageRequest, within?: SearchQuery): Promise<ContactPage> {
      const text = buildTextSearchQuery(q, limits);
      return search.page(accountId, narrowedBy(text, within), await resolveSort(accountId, request), 'q');
    },
  };
}

/** The given attributes but those the contact holds already with the same value. */
function withoutStoredValues(given: Record<string, unknown>, stored: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!stored) return given;
  return Object.fromEntries(Object.entries(given).filter(([key, value]) => !(Object.hasOwn(stored, key) && isDeepStrictEqual(stored[key], value))));
}

/** `set` but the values the contact holds; a time as the API shows it, in whole seconds (a contact read back sends its created_at so). */
function withoutHeldValues(set: Record<string, unknown>, current: Contact): Record<string, unknown> {
  const held = (key: string, value: unknown) => {
    const now = current[key as keyof Contact] ?? null;
    if (now instanceof Date && value instanceof Date) return Math.floor(now.getTime() / 1000) === Math.floor(value.getTime() / 1000);
    return isDeepStrictEqual(now, value ?? null);
  };
  return Object.fromEntries(Object.entries(set).filter(([key, value]) => !held(key, value)));
}

/**
 * The changes as one update; attribute hashes merge shallowly into the contact as read (the write
 * is conditional on its version), written whole: a dotted $set per key could not name every key a
 * document holds (the local server refuses path elements with leading or trailing spaces).
 */
function toUpdate(changes: ContactChanges, current: Contact): ContactUpdate {
  const set: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(changes)) {
    if (key === 'additional_attributes' || key === 'custom_attributes') {
      // Each write is within the bound; the hash they merge into must stay so too.
      set[key] = { ...(current[key] ?? {}), ...(value as Record<string, unknown>) };
      checkSize(key, set[key] as Record<string, unknown>, current[key] ?? {});
    } else set[key] = value;
  }
  return { set };
}

export type ContactsService = ReturnType<typeof createContactsService>;
