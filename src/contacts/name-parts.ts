import { z } from 'zod';
import { ValidationError } from '../shared/errors';

/*
 * Chatwoot's contact form (ContactsForm.vue) edits a name as a first and a last name and sends
 * `name` joined from them; on some changes (a country picked, a social profile typed) it sends the
 * two parts beside it, as `first_name` and `last_name`. Chatwoot drops them unread; here unknown
 * fields are a 422, which failed those saves. They are taken as the parts of `name`: beside it
 * they must join to it, and without it they make it.
 */
const part = (field: string) =>
  z
    .string()
    .max(255, `${field} must be at most 255 characters`)
    .nullable()
    .optional()
    .describe(`a part of name, as Chatwoot's contact form sends it: beside name, "first_name last_name" must be name; without name, they make it`);

export const namePartsFields = { first_name: part('first_name'), last_name: part('last_name') };

type WithNameParts = { name?: string | null; first_name?: string | null; last_name?: string | null };

const spaced = (text: string) => text.trim().replace(/\s+/g, ' ');

/** The input with its name parts read into `name` (refused when they do not join to the name given). */
export function nameFromParts<T extends WithNameParts>(input: T): Omit<T, 'first_name' | 'last_name'> {
  const { first_name, last_name, ...rest } = input;
  if (first_name === undefined && last_name === undefined) return rest;
  const joined = spaced(`${first_name ?? ''} ${last_name ?? ''}`);
  if (rest.name === undefined) return joined ? { ...rest, name: joined } : rest;
  if (joined !== spaced(rest.name ?? '')) {
    throw new ValidationError(
      `first_name and last_name are the parts of name: "${joined}" is not name ${JSON.stringify(rest.name)}; send them as name's parts, or leave them out`,
      first_name !== undefined ? 'first_name' : 'last_name',
    );
  }
  return rest;
}
