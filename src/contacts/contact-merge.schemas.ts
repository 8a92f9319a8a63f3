import { z } from 'zod';
import { ValidationError } from '../shared/errors';
import { bodyId } from '../shared/id-schema';

const contactId = (field: string) => bodyId(`${field} must be a contact id (a positive integer)`);

const ids = {
  base_contact_id: contactId('base_contact_id').optional(),
  mergee_contact_id: contactId('mergee_contact_id').optional(),
};

export const contactMergeSchema = z.strictObject(ids);
/** Rails reads a request's parameters from the query string too: Chatwoot merges `?base_contact_id=…&mergee_contact_id=…`. */
export const contactMergeQuery = z.object(ids);

/** The two ids, from the body or the query string; a 422 naming one given in neither, or given twice with two values. */
export function mergeIdsOf(body: z.infer<typeof contactMergeSchema>, query: z.infer<typeof contactMergeQuery>): { baseId: number; mergeeId: number } {
  const one = (field: keyof typeof ids): number => {
    const [inBody, inQuery] = [body[field], query[field]];
    if (inBody !== undefined && inQuery !== undefined && inBody !== inQuery) {
      throw new ValidationError(`${field} is given twice, ${inBody} in the body and ${inQuery} in the query string; send one`, field);
    }
    const id = inBody ?? inQuery;
    if (id === undefined) throw new ValidationError(`${field} is required`, field);
    return id;
  };
  return { baseId: one('base_contact_id'), mergeeId: one('mergee_contact_id') };
}
