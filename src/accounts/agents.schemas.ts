import { pathId } from '../shared/id-schema';
import { z } from 'zod';
import { emailKey, isEmailAddress } from '../shared/email-address';
import { AVAILABILITIES, ROLES, type Availability } from './account.model';
import { refuseControlCharacters } from '../shared/control-characters';
import { bareOrWrappedIn } from '../shared/wrapped-body';
import { ValidationError } from '../shared/errors';

export const agentParams = z.object({
  account_id: z.string(),
  id: pathId('agent'),
});

// Chatwoot's agent availability: its dashboard sends `availability` with every edit of an agent,
// its API document names the field `availability_status` and its value `available`, and its SDKs
// send both unset (null). Kept per account; null is absent.
const availabilityValue = (key: string) =>
  z
    .enum([...AVAILABILITIES, 'available'], `${key} must be one of online (or available), busy, offline`)
    .transform((value): Availability => (value === 'available' ? 'online' : value))
    .nullable()
    .optional();
const availabilityFields = {
  availability_status: availabilityValue('availability_status'),
  availability: availabilityValue('availability'),
  auto_offline: z.boolean('auto_offline must be true or false').nullable().optional(),
};

/** The availability an agent body sets, from either of Chatwoot's names for it; two different values are a 422. */
export function availabilityOf(body: { availability_status?: Availability | null; availability?: Availability | null; auto_offline?: boolean | null }) {
  const { availability_status: status, availability } = body;
  if (status && availability && status !== availability) {
    throw new ValidationError(`availability is given twice with two values (availability ${availability}, availability_status ${status}); send one`, 'availability');
  }
  return { availability: availability ?? status ?? undefined, auto_offline: body.auto_offline ?? undefined };
}

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
  ...availabilityFields,
});
// Chatwoot's controller reads `params.require(:agent)`: its clients may send the fields wrapped.
export const newAgentSchema = bareOrWrappedIn('agent', newAgentFields);
export type NewAgentInput = z.infer<typeof newAgentFields>;

// Chatwoot's dashboard sends the agent's name with its role; either may be left out.
const agentChangeFields = z.strictObject({
  role: z.enum(ROLES).optional(),
  name: agentName.optional().describe("the user's name; only for a user of this account alone (one of several accounts changes their own, through PATCH /api/v1/profile)"),
  ...availabilityFields,
});
export const agentChangeSchema = bareOrWrappedIn('agent', agentChangeFields);
export type AgentChangeInput = z.infer<typeof agentChangeFields>;
