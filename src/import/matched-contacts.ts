import { createNumberMap } from './number-table';
import { hash53 } from './seen-keys';

/**
 * What the file's earlier rows did to existing contacts, across its batches: which row matched
 * each contact, and whose identifier, email or phone a row's update replaced. A batch is matched
 * against contacts read while the one before it may still be written, so without this a row a
 * batch later met a contact as it was before the earlier row changed it: it took over a contact
 * whose email an earlier row had just changed (its identifier and that row's changes lost), and a
 * second row for one person passed when its batch was another.
 */
export function createMatchedContacts() {
  const rowOfContact = createNumberMap();
  const ownerOfReplacedKey = createNumberMap();
  const keyOf = (field: string, value: string) => hash53(`${field}\u0000${value}`);
  return {
    /** The row of the file that matched the contact, if one did. */
    rowOf(contactId: number): number | undefined {
      return rowOfContact.get(contactId);
    },
    /** The contact whose key this was until a row of the file replaced it, if one did. */
    replacedOwnerOf(field: string, value: string): number | undefined {
      return ownerOfReplacedKey.get(keyOf(field, value));
    },
    /** Row `row` matched the contact, and replaces these keys of it (their old values). */
    record(row: number, contactId: number, replaced: { field: string; value: string }[]): void {
      rowOfContact.set(contactId, row);
      for (const { field, value } of replaced) ownerOfReplacedKey.set(keyOf(field, value), contactId);
    },
  };
}

export type MatchedContacts = ReturnType<typeof createMatchedContacts>;
