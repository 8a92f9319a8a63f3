import { pathId } from '../shared/id-schema';
import { z } from 'zod';
import { emailKey, isEmailAddress } from '../shared/email-address';
import { ROLES } from './account.model';
import { refuseControlCharacters } from '../shared/control-characters';
import { bareOrWrappedIn } from '../shared/wrapped-body';

export const agentParams = z.object({
  account_id: z.string(),
  id: pathId('agent'),
});

// Chatwoot's agent fields that have no counterpart here (agents have no presence, nobody goes
// offline automatically). Its API document's SDKs send them unset (null) with every agent: taken
// so; a value would be dropped, so it is a 422 naming it.
const unset = (key: string) => z.null(`${key} is not kept here (agents have no presence status): leave it out or send null`).optional();
const chatwootUnsetFields = {
  availability_status: unset('availability_status'),
  availability: unset('availability'),
  auto_offline: unset('auto_offline'),
};

const agentName = z.string().trim().min(1, 'name must not be empty').max(255, 'name must be at most 255 characters').superRefine(refuseControlCharacters);

const newAgentFields = z.strictObject({
  name: agentName,
  // An address as a contact's may be (any script: ü@example.com), as Chatwoot takes for its agents too.
  email: z
    .string()
    .max(320)
    .refine((email) => isEmailAddress(emailKey(email)), 'must be an email address'),
  role: z.enum(ROLES).default('agent'),
  password: z.string().max(1024).optional().describe('for a new user; generated and answered once when left out'),
  ...chatwootUnsetFields,
});
// Chatwoot's controller reads `params.require(:agent)`: its clients may send the fields wrapped.
export const newAgentSchema = bareOrWrappedIn('agent', newAgentFields);
export type NewAgentInput = z.infer<typeof newAgentFields>;

// Chatwoot's dashboard sends the agent's name with its role; either may be left out.
const agentChangeFields = z.strictObject({
  role: z.enum(ROLES).optional(),
  name: agentName.optional().describe("the user's name; only for a user of this account alone (one of several accounts changes their own, through PATCH /api/v1/profile)"),
  ...chatwootUnsetFields,
});
export const agentChangeSchema = bareOrWrappedIn('agent', agentChangeFields);
export type AgentChangeInput = z.infer<typeof agentChangeFields>;
