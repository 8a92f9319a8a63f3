import { randomBytes } from 'node:crypto';
import { UnauthorizedError, ValidationError } from '../shared/errors';
import type { IdAllocator } from '../shared/id-allocator';
import type { AccountModel } from './account.model';
import type { Role, UserModel } from './user.model';

export interface Caller {
  userId: number;
  accountId: number;
  role: Role;
}

export interface AccountsServiceDeps {
  accounts: AccountModel;
  users: UserModel;
  nextIds: IdAllocator;
}

export function createAccountsService({ accounts, users, nextIds }: AccountsServiceDeps) {
  return {
    async createAccount(name: string): Promise<{ id: number; name: string }> {
      if (!name.trim()) throw new ValidationError('name must not be empty', 'name');
      const [id] = await nextIds('accounts');
      await accounts.create({ _id: id, name: name.trim() });
      return { id, name: name.trim() };
    },

    /** Creates a user of one account and returns its access token. */
    async createUser(input: { accountId: number; role: Role; name: string; email: string }) {
      const [id] = await nextIds('users');
      const accessToken = randomBytes(24).toString('base64url');
      await users.create({
        _id: id,
        name: input.name,
        email: input.email,
        access_token: accessToken,
        accounts: [{ account_id: input.accountId, role: input.role }],
      });
      return { id, accessToken };
    },

    async authenticate(token: string | undefined, accountId: number): Promise<Caller> {
      if (!token) throw new UnauthorizedError('missing api_access_token header');
      const user = await users.findOne({ access_token: token }).lean();
      if (!user) throw new UnauthorizedError('invalid api_access_token');
      const membership = user.accounts.find((m) => m.account_id === accountId);
      if (!membership) throw new UnauthorizedError('this token does not belong to a user of that account');
      return { userId: user._id, accountId, role: membership.role };
    },
  };
}

export type AccountsService = ReturnType<typeof createAccountsService>;
