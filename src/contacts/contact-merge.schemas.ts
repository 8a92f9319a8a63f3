import { z } from 'zod';
import { bodyId } from '../shared/id-schema';

const contactId = (field: string) => bodyId(`${field} must be a contact id (a positive integer)`);

export const contactMergeSchema = z.strictObject({
  base_contact_id: contactId('base_contact_id'),
  mergee_contact_id: contactId('mergee_contact_id'),
});
