import { isDuplicateKey } from '../shared/duplicate-key';
import type { Logger } from '../shared/logger';
import { runOnce } from '../shared/run-once';
import type { AccountModel, Role } from './account.model';
import { hashToken, normalizeEmail } from './credentials';
import type { AccessTokenModel, UserEmailModel, UserModel } from './user.model';

interface LegacyUser {
  _id: number;
  email: string;
  access_token?: string;
  accounts?: { account_id: number; role: Role }[];
}

const ignoreDuplicate = (err: unknown) => {
  if (!isDuplicateKey(err)) throw err;
};

const MIGRATION_ID = 'users-hashed-tokens';

/**
 * Databases written before tokens were hashed hold each user's token in plain text and the
 * memberships on the user. Moves them, once: the token's hash becomes an API token document (the
 * same token keeps working), the email its key document, the memberships the accounts' members;
 * then the plain token is removed, with its unique index (which would refuse a second user
 * without one). Finding them filters users and accounts by other fields than _id (collections
 * that grow with people, not contacts), so it runs until a marker in `migrations` says it is
 * done; after that a start costs one read by _id.
 */
export async function upgradeLegacyUsers(
  models: { accounts: AccountModel; users: UserModel; emails: UserEmailModel; tokens: AccessTokenModel },
  logger: Logger,
): Promise<number> {
  const { accounts, users, emails, tokens } = models;
  return runOnce(users.db, MIGRATION_ID, 0, async () => {
    await accounts.collection.updateMany({ version: { $exists: false } }, { $set: { version: 0 } });
    await accounts.collection.updateMany({ members: { $exists: false } }, { $set: { members: [] } });
    const legacy = (await users.collection.find({ access_token: { $exists: true } }).toArray()) as unknown as LegacyUser[];
    for (const user of legacy) {
      const now = new Date();
      await emails.create({ _id: normalizeEmail(user.email), user_id: user._id, created_at: now }).catch(ignoreDuplicate);
      const tokenId = user.access_token ? hashToken(user.access_token) : null;
      if (tokenId) await tokens.create({ _id: tokenId, user_id: user._id, kind: 'api', created_at: now, expires_at: null }).catch(ignoreDuplicate);
      for (const m of user.accounts ?? []) {
        await accounts.collection.updateOne(
          { _id: m.account_id, 'members.user_id': { $ne: user._id } } as never,
          { $push: { members: { user_id: user._id, role: m.role } }, $inc: { version: 1 } } as never,
        );
      }
      await users.collection.updateOne(
        { _id: user._id } as never,
        {
          $set: { api_token_id: tokenId, account_ids: (user.accounts ?? []).map((m) => m.account_id), password_hash: null, sessions_valid_after: null, updated_at: now },
          $unset: { access_token: '', accounts: '' },
        } as never,
      );
    }
    const indexes = await users.collection.indexes().catch(() => []);
    if (indexes.some((index) => index.name === 'access_token_1')) await users.collection.dropIndex('access_token_1');
    if (legacy.length) logger.info({ users: legacy.length }, 'users moved to hashed tokens and account members');
    return legacy.length;
  });
}
