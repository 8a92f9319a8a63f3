import { emailKey } from '../shared/email-address';
import { UnauthorizedError, ValidationError } from '../shared/errors';
import type { AccountsService, UserCaller } from './accounts.service';
import { checkPassword, type PasswordHasher } from './credentials';
import { toProfilePayload, toSignInPayload, type ProfilePayload, type SignInPayload } from './profile.presenter';
import type { ProfileUpdateInput, SignInInput } from './profile.schemas';
import type { Tokens } from './tokens';
import type { User, UserModel } from './user.model';

export interface ProfileServiceDeps {
  users: UserModel;
  accounts: Pick<AccountsService, 'userByEmail' | 'accountsOf'>;
  tokens: Tokens;
  passwords: PasswordHasher;
  /** Told when a password change ends the user's sessions (answers about tokens may be cached). */
  accessChanged?: () => Promise<void>;
}

/** A person's own side: sign-in and sign-out, their profile and password, their API token. */
export function createProfileService({ users, accounts, tokens, passwords, accessChanged = async () => undefined }: ProfileServiceDeps) {
  async function present(user: User): Promise<ProfilePayload> {
    return toProfilePayload(user, await accounts.accountsOf(user));
  }

  async function reload(userId: number): Promise<User> {
    const user = await users.findById(userId).lean();
    if (!user) throw new UnauthorizedError('no such user');
    return user;
  }

  return {
    /** An unknown email and a wrong password answer alike, and take as long (a decoy hash is compared). */
    async signIn({ email, password }: SignInInput): Promise<SignInPayload> {
      const user = await accounts.userByEmail(email);
      const valid = await passwords.verify(password, user?.password_hash ?? null);
      if (!user || !valid) throw new UnauthorizedError('invalid email or password');
      const session = await tokens.startSession(user._id);
      return toSignInPayload(user, await accounts.accountsOf(user), session);
    },

    signOut: (caller: UserCaller) => tokens.revoke(caller.token),

    show: (caller: UserCaller) => present(caller.user),

    /** A new password needs the current one (when there is one), and ends every session made before it. */
    async update(caller: UserCaller, input: ProfileUpdateInput): Promise<ProfilePayload> {
      const set: Partial<User> = { updated_at: new Date() };
      if (input.name !== undefined) set.name = input.name;
      if (input.display_name !== undefined) set.display_name = input.display_name || null;
      if (input.email !== undefined && emailKey(input.email.trim()) !== caller.user.email) {
        throw new ValidationError(`email cannot be changed here (the profile's is ${caller.user.email}); send it as answered or leave it out`, 'email');
      }
      if (input.password !== undefined) {
        checkPassword(input.password);
        if (input.password_confirmation !== undefined && input.password_confirmation !== input.password) {
          throw new ValidationError('password_confirmation does not match password', 'password_confirmation');
        }
        if (caller.user.password_hash) {
          if (input.current_password === undefined) throw new ValidationError('current_password is required to change the password', 'current_password');
          if (!(await passwords.verify(input.current_password, caller.user.password_hash))) throw new ValidationError('current_password is not correct', 'current_password');
        }
        set.password_hash = await passwords.hash(input.password);
        set.sessions_valid_after = new Date();
      }
      await users.updateOne({ _id: caller.user._id }, { $set: set });
      if (set.sessions_valid_after) await accessChanged();
      return present(await reload(caller.user._id));
    },

    /** A new API token, shown this once; the previous one is refused from now on. */
    async resetAccessToken(caller: UserCaller): Promise<ProfilePayload & { access_token: string }> {
      const token = await tokens.rotateApiToken(caller.user._id, caller.user.api_token_id ?? null);
      return { ...(await present(await reload(caller.user._id))), access_token: token };
    },

    revokeAccessToken: (caller: UserCaller) => tokens.revokeApiToken(caller.user._id),
  };
}

export type ProfileService = ReturnType<typeof createProfileService>;
