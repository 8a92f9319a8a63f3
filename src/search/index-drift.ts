import type { Client } from '@elastic/elasticsearch';
import type { Contact } from '../contacts/contact.model';

/**
 * The contacts whose MongoDB version is ahead of the index: never indexed, indexed at an
 * older version, or deleted in MongoDB but not yet purged (their removal is pending).
 */
export async function findContactsBehindIndex(
  es: Client,
  index: string,
  contacts: Pick<Contact, '_id' | 'version' | 'deleted'>[],
): Promise<number[]> {
  if (!contacts.length) return [];
  const res = await es.mget({ index, ids: contacts.map((c) => String(c._id)), _source: false });
  const indexed = new Map<string, number>();
  for (const doc of res.docs) {
    if ('found' in doc && doc.found) indexed.set(doc._id, doc._version ?? 0);
  }
  return contacts.filter((c) => c.deleted || (indexed.get(String(c._id)) ?? 0) < c.version).map((c) => Number(c._id));
}
