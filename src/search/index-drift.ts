import type { Client } from '@elastic/elasticsearch';
import type { Contact, ContactModel } from '../records/contact.model';
import { accountRouting } from './contacts-index';

/** The version the index holds of each of these contacts (absent: not in the index). */
export async function indexVersions(
  es: Client,
  index: string,
  contacts: Pick<Contact, '_id' | 'account_id'>[],
): Promise<Map<string, number>> {
  const indexed = new Map<string, number>();
  if (!contacts.length) return indexed;
  const res = await es.mget({ index, docs: contacts.map((c) => ({ _id: String(c._id), routing: accountRouting(c.account_id) })), _source: false });
  for (const doc of res.docs) {
    if ('found' in doc && doc.found) indexed.set(doc._id, doc._version ?? 0);
  }
  return indexed;
}

/**
 * The contacts whose MongoDB version is ahead of the index: never indexed, indexed at an
 * older version, or deleted in MongoDB but not yet purged (their removal is pending).
 */
export async function findContactsBehindIndex(
  es: Client,
  index: string,
  contacts: Pick<Contact, '_id' | 'account_id' | 'version' | 'deleted'>[],
): Promise<number[]> {
  if (!contacts.length) return [];
  const indexed = await indexVersions(es, index, contacts);
  return contacts.filter((c) => c.deleted || (indexed.get(String(c._id)) ?? 0) < c.version).map((c) => Number(c._id));
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
 * Deletes these documents from the index, each with the routing it was indexed with (the
 * account's, or a hit's `_routing`); answers those whose delete failed (one already gone is not).
 */
export async function deleteFromIndex(es: Client, index: string, docs: { id: string; routing: string }[]): Promise<{ id: number; reason: string }[]> {
  if (!docs.length) return [];
  const res = await es.bulk({ operations: docs.map(({ id, routing }) => ({ delete: { _index: index, _id: id, routing } })) });
  return res.items.flatMap((item, i) => {
    const { status, error } = item.delete!;
    return status >= 300 && status !== 404 ? [{ id: Number(docs[i].id), reason: error?.reason ?? `status ${status}` }] : [];
  });
}
