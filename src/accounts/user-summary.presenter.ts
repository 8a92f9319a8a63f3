import { z } from 'zod';
import { AVAILABILITIES, ROLES } from './account.model';
import type { UserInAccount } from './accounts.service';
import { agentPayloadSchema, userFieldsOf } from './agent.presenter';

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

export function toUserSummary(accountId: number, { user, role, availability, autoOffline }: UserInAccount): UserSummary {
  return { ...userFieldsOf(accountId, user), role, availability_status: availability ?? 'offline', auto_offline: autoOffline ?? true };
}
