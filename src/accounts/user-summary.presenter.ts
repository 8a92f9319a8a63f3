import { z } from 'zod';
import { AVAILABILITIES, ROLES, type Availability, type Role } from './account.model';
import { agentPayloadSchema, userFieldsOf } from './agent.presenter';
import type { User } from './user.model';

/**
 * A note's author, a conversation's assignee: Chatwoot renders both with its agent partial
 * (`api/v1/models/_agent`), so they carry the agent's fields (GET /agents), with the role null
 * for a user who is no longer a member.
 */
export const userSummarySchema = agentPayloadSchema
  .extend({
    role: z.enum(ROLES).nullable().describe('the role in the account; null for a user who is no longer a member'),
    availability_status: z.enum(AVAILABILITIES).describe('the availability set for the member in this account; offline for a user who is no longer a member'),
  })
  .meta({ id: 'UserSummary' });

export type UserSummary = z.infer<typeof userSummarySchema>;

/** A user as an account sees them: their membership's role and availability, none for a former member. */
export interface UserInAccount {
  user: Pick<User, '_id' | 'name' | 'display_name' | 'email'>;
  role: Role | null;
  availability: Availability | null;
  autoOffline: boolean | null;
}

export function toUserSummary(accountId: number, { user, role, availability, autoOffline }: UserInAccount): UserSummary {
  return { ...userFieldsOf(accountId, user), role, availability_status: availability ?? 'offline', auto_offline: autoOffline ?? true };
}
