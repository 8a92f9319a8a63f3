import { isDuplicateKey } from '../shared/duplicate-key';
import { ConflictError, NotFoundError, UnauthorizedError, ValidationError } from '../shared/errors';
import type { IdAllocator } from '../shared/id-allocator';
import type { Account, AccountModel, Availability, Member, Role } from './account.model';
import { checkPassword, legacyEmailKey, newPassword, normalizeEmail, type PasswordHasher } from './credentials';
import { isEmailAddress } from '../shared/email-address';
import type { CallerCache } from './caller-cache';
import { hashToken } from './credentials';
import type { Tokens } from './tokens';
import type { AccessToken, User, UserEmailModel, UserModel } from './user.model';

export interface Caller {
  userId: number;
  accountId: number;
  role: Role;
}

/** Who a request is, without an account (profile, sign-out), and the token it came with. */
export interface UserCaller {
  user: User;
  token: AccessToken;
}

export interface AccountsServiceDeps {
  accounts: AccountModel;
  users: UserModel;
  emails: UserEmailModel;
  tokens: Tokens;
  passwords: PasswordHasher;
  nextIds: IdAllocator;
  /** Recent answers of authenticate; told of every change of membership or password. */
  callers?: Pick<CallerCache<Caller>, 'get' | 'changed'>;
}

/** A user as an account sees them: their membership's role and availability, none for a former member. */
export interface UserInAccount {
  user: Pick<User, '_id' | 'name' | 'display_name' | 'email'>;
  role: Role | null;
  availability: Availability | null;
  autoOffline: boolean | null;
}

export interface MemberView {
  user: User;
  role: Role;
  availability: Availability;
  autoOffline: boolean;
}

/** What an administrator sets of an agent's availability (Chatwoot's `availability` and `auto_offline`). */
export interface AvailabilityInput {
  availability?: Availability;
  auto_offline?: boolean;
}

export interface NewMemberInput extends AvailabilityInput {
  name: string;
  email: string;
  role: Role;
  /** For a new user; generated (and answered once) when left out. An existing user keeps theirs. */
  password?: string;
}

// A key whose user was never written (a process died between the two inserts) is taken over after this long.
const ABANDONED_EMAIL_MS = 60_000;
const MEMBER_WRITE_TRIES = 20;
// Adding a person whose email another request is making a user of at the same moment: they join that user.
const ADD_MEMBER_TRIES = 5;

const uncached: Pick<CallerCache<Caller>, 'get' | 'changed'> = { get: (_key, load) => load(), changed: async () => undefined };

export function createAccountsService({ accounts, users, emails, tokens, passwords, nextIds, callers = uncached }: AccountsServiceDeps) {
  async function findAccount(accountId: number): Promise<Account> {
    const account = await accounts.findById(accountId).lean();
    if (!account) throw new NotFoundError('account', accountId);
    return account;
  }

  async function userByEmail(email: string): Promise<User | null> {
    // A user made before keys were NFKC may hold a key of the older normalization (trimmed and
    // lowercased), kept where it was: the create-account script took any address then.
    const normalized = normalizeEmail(email);
    const legacy = legacyEmailKey(email);
    const key = (await emails.findById(normalized).lean()) ?? (legacy === normalized ? null : await emails.findById(legacy).lean());
    if (!key) return null;
    const user = await users.findById(key.user_id).lean();
    return user && user.email === key._id ? user : null;
  }

  /** Takes the email's key document (its _id is the email), then writes the user. */
  async function insertUser(input: { name: string; email: string; password: string | null }): Promise<User> {
    const email = normalizeEmail(input.email);
    const passwordHash = input.password === null ? null : await passwords.hash(input.password);
    const [id] = await nextIds('users');
    const now = new Date();
    try {
      await emails.create({ _id: email, user_id: id, created_at: now });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const key = await emails.findById(email).lean();
      if (key && (await users.exists({ _id: key.user_id }))) throw new ValidationError('a user with that email already exists', 'email');
      let taken = false;
      if (key && now.getTime() - key.created_at.getTime() > ABANDONED_EMAIL_MS) {
        taken = (await emails.updateOne({ _id: email, user_id: key.user_id }, { $set: { user_id: id, created_at: now } })).modifiedCount === 1;
      }
      if (!taken) throw new ConflictError('a user with that email is being created right now; try again');
    }
    const user: User = {
      _id: id,
      name: input.name.trim(),
      email,
      password_hash: passwordHash,
      account_ids: [],
      api_token_id: null,
      sessions_valid_after: null,
      created_at: now,
      updated_at: now,
    };
    await users.create(user);
    return user;
  }

  /**
   * Changes an account's members: a write conditional on the version read, retried on a race,
   * so two changes that would each leave another administrator cannot together leave none.
   */
  async function changeMembers(accountId: number, change: (members: Member[]) => Member[], { lastAdminField }: { lastAdminField?: string } = {}): Promise<void> {
    for (let attempt = 0; attempt < MEMBER_WRITE_TRIES; attempt += 1) {
      const account = await findAccount(accountId);
      const before = account.members ?? [];
      const after = change(before);
      const isAdmin = (m: Member) => m.role === 'administrator';
      if (before.some(isAdmin) && !after.some(isAdmin)) throw new ValidationError('an account needs at least one administrator', lastAdminField);
      const res = await accounts.updateOne({ _id: accountId, version: account.version ?? 0 }, { $set: { members: after }, $inc: { version: 1 } });
      if (res.matchedCount === 1) return callers.changed();
    }
    throw new ConflictError('the account was changed by other requests meanwhile; try again');
  }

  async function membersOf(accountId: number, userIds?: number[]): Promise<MemberView[]> {
    const account = await findAccount(accountId);
    const wanted = userIds ? new Set(userIds) : null;
    const members = (account.members ?? []).filter((m) => !wanted || wanted.has(m.user_id));
    if (!members.length) return [];
    const found = await users.find({ _id: { $in: members.map((m) => m.user_id) } }).lean();
    const byId = new Map(found.map((u) => [u._id, u]));
    return members.flatMap((m) => {
      const user = byId.get(m.user_id);
      return user ? [viewOf(user, m)] : [];
    });
  }

  const viewOf = (user: User, m: Member): MemberView => ({ user, role: m.role, availability: m.availability ?? 'online', autoOffline: m.auto_offline ?? true });
  /** What a member document stores of the availability given. */
  const storedAvailability = (input: AvailabilityInput): Partial<Member> => ({
    ...(input.availability !== undefined ? { availability: input.availability } : {}),
    ...(input.auto_offline !== undefined ? { auto_offline: input.auto_offline } : {}),
  });

  async function memberOf(accountId: number, userId: number): Promise<MemberView> {
    const [member] = await membersOf(accountId, [userId]);
    if (!member) throw new NotFoundError('agent', userId);
    return member;
  }

  /** Adds the person to the account: a new user, or an existing user (by email) who keeps their password (`created` says which). */
  async function addMember(accountId: number, input: NewMemberInput): Promise<{ member: MemberView; password: string | null; created: boolean }> {
    if (input.password !== undefined) checkPassword(input.password);
    // The API checks it at its edge; the create-account and agents scripts come through here only.
    if (!isEmailAddress(normalizeEmail(input.email))) throw new ValidationError(`${JSON.stringify(input.email)} is not an email address`, 'email');
    await findAccount(accountId);
    let user = await userByEmail(input.email);
    let generated: string | null = null;
    let created = false;
    for (let attempt = 1; !user; attempt++) {
      generated = input.password === undefined ? newPassword() : null;
      try {
        user = await insertUser({ name: input.name, email: input.email, password: input.password ?? generated });
        created = true;
      } catch (err) {
        // The email was taken after it was looked up: another request (adding the same person to
        // another account, most often) made the user, which then joins here as an existing user,
        // as it would have a moment later. One still being written is waited for.
        if (!(err instanceof ValidationError || err instanceof ConflictError) || attempt >= ADD_MEMBER_TRIES) throw err;
        if (err instanceof ConflictError) await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
        generated = null;
        user = await userByEmail(input.email);
      }
    }
    const userId = user._id;
    const member: Member = { user_id: userId, role: input.role, ...storedAvailability(input) };
    await changeMembers(accountId, (members) => {
      if (members.some((m) => m.user_id === userId)) throw new ValidationError('that user is already a member of this account', 'email');
      return [...members, member];
    });
    await users.updateOne({ _id: userId }, { $addToSet: { account_ids: accountId }, $set: { updated_at: new Date() } });
    return { member: viewOf({ ...user, account_ids: [...user.account_ids, accountId] }, member), password: generated, created };
  }

  const notAMember = (userId: number) => new NotFoundError('agent', userId);

  return {
    async createAccount(name: string): Promise<{ id: number; name: string }> {
      if (!name.trim()) throw new ValidationError('name must not be empty', 'name');
      const [id] = await nextIds('accounts');
      await accounts.create({ _id: id, name: name.trim(), members: [], version: 0 });
      return { id, name: name.trim() };
    },

    /**
     * A user of one account with an API token, for scripts and tests (create-account, the test
     * context). Answers the token and the password, each shown this once.
     */
    async createUser(input: { accountId: number; role: Role; name: string; email: string; password?: string }) {
      const { member, password } = await addMember(input.accountId, input);
      const accessToken = await tokens.rotateApiToken(member.user._id);
      return { id: member.user._id, accessToken, password: input.password ?? password };
    },

    addMember,
    membersOf,

    /** These users with their role in the account (null for one who is no longer a member, e.g. a note's author). */
    async usersIn(accountId: number, userIds: number[]): Promise<UserInAccount[]> {
      if (!userIds.length) return [];
      const [account, found] = await Promise.all([findAccount(accountId), users.find({ _id: { $in: userIds } }).lean()]);
      const members = new Map((account.members ?? []).map((m) => [m.user_id, m]));
      return found.map((user) => {
        const member = members.get(user._id);
        return member ? viewOf(user, member) : { user, role: null, availability: null, autoOffline: null };
      });
    },
    memberOf,

    /**
     * An administrator's change of an agent: their role and availability here, their name. A user is one person
     * across accounts, so the name is changed only for a user of this account alone: another
     * account's administrator would otherwise rename who a second account sees.
     */
    async changeAgent(accountId: number, userId: number, change: { role?: Role; name?: string } & AvailabilityInput): Promise<MemberView> {
      const { user } = await memberOf(accountId, userId);
      const rename = change.name !== undefined && change.name !== user.name;
      if (rename && user.account_ids.some((id) => id !== accountId)) {
        throw new ValidationError(`agent ${userId} is also a user of other accounts: their name is theirs to change (PATCH /api/v1/profile)`, 'name');
      }
      const set: Partial<Member> = { ...(change.role ? { role: change.role } : {}), ...storedAvailability(change) };
      if (Object.keys(set).length) {
        await changeMembers(accountId, (members) => {
          if (!members.some((m) => m.user_id === userId)) throw notAMember(userId);
          return members.map((m) => (m.user_id === userId ? { ...m, ...set } : m));
        }, { lastAdminField: 'role' });
      }
      if (rename) await users.updateOne({ _id: userId }, { $set: { name: change.name, updated_at: new Date() } });
      return memberOf(accountId, userId);
    },

    /** The user loses access to the account at once; the person (their sign-in, other accounts) stays. */
    async removeMember(accountId: number, userId: number): Promise<void> {
      await changeMembers(accountId, (members) => {
        if (!members.some((m) => m.user_id === userId)) throw notAMember(userId);
        return members.filter((m) => m.user_id !== userId);
      });
      await users.updateOne({ _id: userId }, { $pull: { account_ids: accountId }, $set: { updated_at: new Date() } });
    },

    /** The caller of an account route: the token's user must be a member of that account. */
    async authenticate(token: string | undefined, accountId: number): Promise<Caller> {
      if (!token) throw new UnauthorizedError('missing api_access_token header');
      let expires = Infinity;
      return callers.get(
        `${hashToken(token)}:${accountId}`,
        async () => {
          const [{ user, token: found }, account] = await Promise.all([tokens.resolve(token), accounts.findById(accountId, { members: 1 }).lean()]);
          const member = account?.members?.find((m) => m.user_id === user._id);
          if (!member) throw new UnauthorizedError('this token does not belong to a user of that account');
          expires = found.expires_at?.getTime() ?? Infinity;
          return { userId: user._id, accountId, role: member.role };
        },
        // A session's answer is not kept past the session.
        () => expires,
      );
    },

    /** The caller of a route outside any account (profile, sign-out). */
    authenticateUser: (token: string | undefined): Promise<UserCaller> => tokens.resolve(token),

    userByEmail,

    /** An operator's reset (the agents CLI): a new password, every session ended. */
    async setPassword(userId: number, password: string): Promise<void> {
      checkPassword(password);
      const now = new Date();
      const res = await users.updateOne({ _id: userId }, { $set: { password_hash: await passwords.hash(password), sessions_valid_after: now, updated_at: now } });
      if (!res.matchedCount) throw new NotFoundError('user', userId);
      await callers.changed();
    },

    rotateApiToken: (userId: number) => tokens.rotateApiToken(userId),

    /** The user's accounts with the role in each, confirmed by the accounts themselves. */
    async accountsOf(user: User): Promise<{ id: number; name: string; role: Role }[]> {
      if (!user.account_ids.length) return [];
      const list = await accounts.find({ _id: { $in: user.account_ids } }).sort({ _id: 1 }).lean();
      return list.flatMap((account) => {
        const member = (account.members ?? []).find((m) => m.user_id === user._id);
        return member ? [{ id: account._id, name: account.name, role: member.role }] : [];
      });
    },
  };
}

export type AccountsService = ReturnType<typeof createAccountsService>;
