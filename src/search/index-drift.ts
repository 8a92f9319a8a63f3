import type { Client } from '@elastic/elasticsearch';
import type { Contact, ContactModel } from '../records/contact.model';
import { documentRouting, type IndexTarget } from './index-placements';

type Located = Pick<Contact, '_id' | 'account_id'>;

/** The version each index holds of each contact, in the order asked (0: not there). */
async function heldVersions(es: Client, asked: { contact: Located; target: IndexTarget }[]): Promise<number[]> {
  if (!asked.length) return [];
  const res = await es.mget({
    docs: asked.map(({ contact, target }) => ({ _index: target.index, _id: String(contact._id), routing: documentRouting(target, contact.account_id, contact._id) })),
    _source: false,
  });
  return res.docs.map((doc) => ('found' in doc && doc.found ? (doc._version ?? 0) : 0));
}

/** The version this index holds of each of these contacts (absent: not in the index). */
export async function indexVersions(es: Client, target: IndexTarget, contacts: Located[]): Promise<Map<string, number>> {
  const held = await heldVersions(es, contacts.map((contact) => ({ contact, target })));
  return new Map(contacts.flatMap((c, i) => (held[i] ? [[String(c._id), held[i]] as [string, number]] : [])));
}

/**
 * The contacts whose MongoDB version is ahead of an index they are written to (`targetsOf`
 * their account): never indexed, indexed at an older version, or deleted in MongoDB but not yet
 * purged (their removal is pending).
 */
export async function findContactsBehindIndex(
  es: Client,
  targetsOf: (accountId: number) => IndexTarget[],
  contacts: Pick<Contact, '_id' | 'account_id' | 'version' | 'deleted'>[],
): Promise<number[]> {
  const asked = contacts.filter((c) => !c.deleted).flatMap((contact) => targetsOf(contact.account_id).map((target) => ({ contact, target })));
  const held = await heldVersions(es, asked);
  const behind = new Set(contacts.filter((c) => c.deleted).map((c) => Number(c._id)));
  asked.forEach(({ contact }, i) => {
    if (held[i] < contact.version) behind.add(Number(contact._id));
  });
  return contacts.map((c) => Number(c._id)).filter((id) => behind.has(id));
}

/**
 * The ids among these index documents that have no contact in MongoDB. Ids are never reused,
 * so such a document can only be stale, and deleting it races with no write.
 */
export async function findOrphans(contacts: ContactModel, ids: string[]): Promise<string[]> {
  const present = new Set((await contacts.find({ _id: { $in: ids } }, { _id: 1 }).lean()).map((c) => c._id));
  return ids.filter((id) => !present.has(id));
}

/**
 * A bulk item's 404 that says the document is not there; one that carries an error says the
 * index itself is missing, which is a failure (the write is retried where the account is now).
 */
export const documentNotFound = (item: { status: number; error?: unknown }) => item.status === 404 && !item.error;

/**
 * Deletes these documents from the index, each with the routing it was indexed with (the
 * account's, or a hit's `_routing`); answers those whose delete failed (one already gone is not; a missing index is).
 * With a `version`, the delete leaves its tombstone at that version (a delete without one leaves
 * it one above, and for a minute the index would refuse that very version written again), and a
 * document written meanwhile at a newer version stays.
 */
export async function deleteFromIndex(es: Client, index: string, docs: { id: string; routing: string; version?: number }[]): Promise<{ id: number; reason: string }[]> {
  if (!docs.length) return [];
  const res = await es.bulk({
    operations: docs.map(({ id, routing, version }) => ({
      delete: { _index: index, _id: id, routing, ...(version === undefined ? {} : { version, version_type: 'external_gte' as const }) },
    })),
  });
  return res.items.flatMap((item, i) => {
    const { status, error } = item.delete!;
    const kept = status === 409 && docs[i].version !== undefined;
    return status >= 300 && !documentNotFound(item.delete!) && !kept ? [{ id: Number(docs[i].id), reason: error?.reason ?? `status ${status}` }] : [];
  });
}
