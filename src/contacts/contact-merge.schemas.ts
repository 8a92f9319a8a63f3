import { z } from 'zod';

const contactId = (field: string) => z.coerce.number({ error: `${field} must be a contact id` }).int().positive(`${field} must be a positive integer`);

export const contactMergeSchema = z.object({
  base_contact_id: contactId('base_contact_id'),
  mergee_contact_id: contactId('mergee_contact_id'),
});
