import { z } from 'zod';
import { unixSeconds } from '../shared/response-fields';
import { toUnixSeconds } from '../shared/time';
import { ROLES, type Role } from './account.model';
import { availableNameOf, type User } from './user.model';

export const userAccountSchema = z.object({ id: z.int(), name: z.string(), role: z.enum(ROLES) }).meta({ id: 'UserAccount' });

const profileFields = {
  id: z.int(),
  name: z.string(),
  display_name: z.string().nullable().describe('the name shown to customers; available_name is it, else name'),
  available_name: z.string(),
  email: z.string(),
  uid: z.string().describe('the email, as devise_token_auth names it'),
  provider: z.literal('email'),
  account_id: z.int().nullable().describe("the first of the user's accounts"),
  role: z.enum(ROLES).nullable().describe('the role in account_id'),
  accounts: z.array(userAccountSchema),
  has_api_token: z.boolean().describe('whether an API token exists; it is shown only when made'),
};

/** Chatwoot's profile JSON, without the access token: tokens are stored as hashes and shown only when made. */
export const profilePayloadSchema = z.object(profileFields).meta({ id: 'Profile' });
export type ProfilePayload = z.infer<typeof profilePayloadSchema>;

export const profileWithTokenSchema = z
  .object({ ...profileFields, access_token: z.string().describe('the new API token, shown this once') })
  .meta({ id: 'ProfileWithToken' });

/** devise_token_auth's sign-in answer as Chatwoot renders it: `{data: user}`, with a session token as access_token. */
export const signInPayloadSchema = z
  .object({
    data: z.object({
      ...profileFields,
      access_token: z.string().describe('a session token: send it as api_access_token until it expires or you sign out'),
      expires_at: unixSeconds,
    }),
  })
  .meta({ id: 'SignIn' });
export type SignInPayload = z.infer<typeof signInPayloadSchema>;

/** devise_token_auth's sign-out answer. */
export const signOutSchema = z.object({ success: z.literal(true) }).meta({ id: 'SignOut' });

type UserAccount = z.infer<typeof userAccountSchema>;

export function toProfilePayload(user: User, accounts: UserAccount[]): ProfilePayload {
  const first: { id: number; role: Role } | undefined = accounts[0];
  return {
    id: user._id,
    name: user.name,
    display_name: user.display_name ?? null,
    available_name: availableNameOf(user),
    email: user.email,
    uid: user.email,
    provider: 'email',
    account_id: first?.id ?? null,
    role: first?.role ?? null,
    accounts,
    has_api_token: user.api_token_id !== null,
  };
}

export function toSignInPayload(user: User, accounts: UserAccount[], session: { token: string; expiresAt: Date | null }): SignInPayload {
  return { data: { ...toProfilePayload(user, accounts), access_token: session.token, expires_at: toUnixSeconds(session.expiresAt)! } };
}
