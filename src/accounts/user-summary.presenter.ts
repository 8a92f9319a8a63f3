import { z } from 'zod';
import type { Role } from './account.model';
import { availableNameOf, type User } from './user.model';

/** Chatwoot's short user JSON: a note's author, a conversation's assignee. */
export const userSummarySchema = z
  .object({
    id: z.int(),
    name: z.string(),
    available_name: z.string(),
    email: z.string(),
    thumbnail: z.string(),
    role: z.string().nullable().describe('the role in the account; null for a user who is no longer a member'),
  })
  .meta({ id: 'UserSummary' });

export type UserSummary = z.infer<typeof userSummarySchema>;

export function toUserSummary({ user, role }: { user: Pick<User, '_id' | 'name' | 'email'>; role: Role | null }): UserSummary {
  return {
    id: user._id,
    name: user.name,
    available_name: availableNameOf(user),
    email: user.email,
    thumbnail: '',
    role,
  };
}
