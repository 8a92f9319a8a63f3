import { z } from 'zod';
import { AVAILABILITIES, ROLES } from './account.model';
import { availableNameOf, type User } from './user.model';
import type { MemberView } from './accounts.service';

const agentFields = {
  id: z.int(),
  account_id: z.int(),
  name: z.string(),
  available_name: z.string(),
  email: z.string(),
  role: z.enum(ROLES),
  confirmed: z.literal(true),
  provider: z.literal('email'),
  thumbnail: z.string(),
  availability_status: z.enum(AVAILABILITIES).describe("the availability an administrator set for the agent in this account (no presence is tracked: it is not set to offline when they leave)"),
  auto_offline: z.boolean(),
};

/** Chatwoot's agent JSON (the fields this service has). */
export const agentPayloadSchema = z.object(agentFields).meta({ id: 'Agent' });
export type AgentPayload = z.infer<typeof agentPayloadSchema>;

export const newAgentPayloadSchema = z
  .object({ ...agentFields, password: z.string().nullable().describe('the generated password of a new user, shown this once; null otherwise') })
  .meta({ id: 'NewAgent' });

/** What the agent JSON shows of a user whatever their membership (a note's author may have left the account). */
export function userFieldsOf(accountId: number, user: Pick<User, '_id' | 'name' | 'display_name' | 'email'>) {
  return { id: user._id, account_id: accountId, name: user.name, available_name: availableNameOf(user), email: user.email, confirmed: true as const, provider: 'email' as const, thumbnail: '' };
}

export function toAgentPayload(accountId: number, { user, role, availability, autoOffline }: MemberView): AgentPayload {
  return { ...userFieldsOf(accountId, user), role, availability_status: availability, auto_offline: autoOffline };
}
