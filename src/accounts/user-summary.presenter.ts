import { z } from 'zod';
import { AVAILABILITIES, type Availability, type Role } from './account.model';
import { availableNameOf, type User } from './user.model';

/**
 * A note's author, a conversation's assignee: Chatwoot renders both with its agent partial
 * (`api/v1/models/_agent`), so they carry the agent's fields (GET /agents), with the role null
 * for a user who is no longer a member.
 */
export const userSummarySchema = z
  .object({
    id: z.int(),
    account_id: z.int(),
    name: z.string(),
    available_name: z.string(),
    email: z.string(),
    thumbnail: z.string(),
    role: z.string().nullable().describe('the role in the account; null for a user who is no longer a member'),
    confirmed: z.literal(true),
    provider: z.literal('email'),
    availability_status: z.enum(AVAILABILITIES).describe('the availability set for the member in this account; offline for a user who is no longer a member'),
    auto_offline: z.boolean(),
  })
  .meta({ id: 'UserSummary' });

export type UserSummary = z.infer<typeof userSummarySchema>;

/** A user as an account sees them: their membership's role and availability, none for a former member. */
export interface UserInAccount {
  user: Pick<User, '_id' | 'name' | 'email'>;
  role: Role | null;
  availability: Availability | null;
  autoOffline: boolean | null;
}

export function toUserSummary(accountId: number, { user, role, availability, autoOffline }: UserInAccount): UserSummary {
  return {
    id: user._id,
    account_id: accountId,
    name: user.name,
    available_name: availableNameOf(user),
    email: user.email,
    thumbnail: '',
    role,
    confirmed: true,
    provider: 'email',
    availability_status: availability ?? 'offline',
    auto_offline: autoOffline ?? true,
  };
}
