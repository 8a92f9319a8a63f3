import { z } from 'zod';
import { ValidationError } from './errors';

/*
 * A client that reads a record, changes a field and sends the whole record back (Chatwoot's
 * dashboard edits a segment so: `CustomViewsAPI.update(id, {...segment, name, query})`) also sends
 * what the service answers but does not take: the record's id, its account and its timestamps.
 * They were 422s as unknown keys. They are taken as read-only: the id and the account must be the
 * ones in the path (a client sending another expects that one changed, so it is refused, not
 * dropped); the timestamps are the service's to set, whatever is sent.
 */
const answeredTime = z
  .union([z.string(), z.number()], 'must be a timestamp as answered (read-only)')
  .nullable()
  .optional()
  .describe('as answered; read-only (the service sets it)');

export const answeredFields = {
  id: z.int().optional().describe('as answered: must be the id in the path'),
  account_id: z.int().optional().describe('as answered: must be the account in the path'),
  created_at: answeredTime,
  updated_at: answeredTime,
};

type Answered = Partial<Record<keyof typeof answeredFields, unknown>>;

/**
 * The write without the fields it only read back (`answeredFields` and the record's own
 * `alsoReadOnly`); refuses an id or account that is not the path's, naming it.
 */
export function withoutAnsweredFields<T extends Answered, K extends keyof T = never>(
  input: T,
  path: { id: number; accountId: number },
  alsoReadOnly: K[] = [],
): Omit<T, keyof Answered | K> {
  const { id, account_id: accountId } = input;
  if (id !== undefined && id !== path.id) throw new ValidationError(`id ${String(id)} is not the one in the path (${path.id}); an id cannot change`, 'id');
  if (accountId !== undefined && accountId !== path.accountId) {
    throw new ValidationError(`account_id ${String(accountId)} is not the account in the path (${path.accountId})`, 'account_id');
  }
  const rest: T = { ...input };
  for (const field of [...Object.keys(answeredFields), ...alsoReadOnly] as (keyof T)[]) delete rest[field];
  return rest;
}
