import type { Contact } from '../api/client';

/**
 * What a contact is called wherever it is named (the list, its screen, a merge's confirmation):
 * its name, else its identifier (the key another system knows it by, and shown nowhere else in the
 * list, which has email and phone columns), else its email or phone, else its id. A contact with
 * only an identifier was listed as "#331".
 */
export const contactTitle = (contact: Pick<Contact, 'id' | 'name' | 'identifier' | 'email' | 'phone_number'>): string =>
  contact.name || contact.identifier || contact.email || contact.phone_number || `#${contact.id}`;
