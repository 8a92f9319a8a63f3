import { ConflictError, UnauthorizedError } from '../shared/errors';
import { hashToken, newToken } from './credentials';
import type { AccessToken, AccessTokenModel, User, UserModel } from './user.model';

export interface TokensDeps {
  tokens: AccessTokenModel;
  users: UserModel;
  sessionTtlMs: number;
  /** Told after a token stops being valid (answers about tokens may be cached: caller-cache.ts). */
  accessChanged?: () => Promise<void>;
}

/**
 * Access tokens, kept only as sha256 hashes (the token document's _id). A token is shown once,
 * when it is made. The user document names its current API token: rotating or revoking it
 * changes that name first, so the old token is refused at once, then deletes the old document.
 */
export function createTokens({ tokens, users, sessionTtlMs, accessChanged = async () => undefined }: TokensDeps) {
  async function insert(userId: number, kind: AccessToken['kind']): Promise<{ token: string; id: string; expiresAt: Date | null }> {
    const token = newToken();
    const now = new Date();
    const expiresAt = kind === 'session' ? new Date(now.getTime() + sessionTtlMs) : null;
    const id = hashToken(token);
    await tokens.create({ _id: id, user_id: userId, kind, created_at: now, expires_at: expiresAt });
    return { token, id, expiresAt };
  }

  /**
   * Points the user at `next` (a token id or null) and deletes the token it named before; with
   * `expected`, only while the user still names that token (answers false otherwise).
   */
  async function replaceApiToken(userId: number, next: string | null, expected?: string | null): Promise<boolean> {
    const filter = expected === undefined ? { _id: userId } : { _id: userId, api_token_id: expected };
    const before = await users.findOneAndUpdate(filter, { $set: { api_token_id: next, updated_at: new Date() } }).lean();
    await accessChanged();
    if (before?.api_token_id) await tokens.deleteOne({ _id: before.api_token_id });
    return before !== null;
  }

  /** The token's user, or a 401: unknown, expired, rotated away, or a session older than the last password change. */
  async function resolve(token: string | undefined): Promise<{ user: User; token: AccessToken }> {
    if (!token) throw new UnauthorizedError('missing api_access_token header');
    const found = await tokens.findById(hashToken(token)).lean();
    if (!found) throw new UnauthorizedError('invalid api_access_token');
    const user = await users.findById(found.user_id).lean();
    const expired = found.expires_at !== null && found.expires_at.getTime() <= Date.now();
    const current =
      user !== null &&
      (found.kind === 'api' ? user.api_token_id === found._id : !user.sessions_valid_after || found.created_at.getTime() >= user.sessions_valid_after.getTime());
    if (expired || !current) {
      await tokens.deleteOne({ _id: found._id });
      throw new UnauthorizedError(expired ? 'this session has expired; sign in again' : 'invalid api_access_token');
    }
    return { user: user!, token: found };
  }

  return {
    resolve,

    /**
     * A new API token for the user (the old one stops working at once); answers the token, shown
     * this once. With `replacing` (the token the caller saw), two rotations at once do not both
     * answer 200: the later one found its token replaced already, and its caller was left holding
     * a token the other had deleted. It answers 409 instead.
     */
    async rotateApiToken(userId: number, replacing?: string | null): Promise<string> {
      const { token, id } = await insert(userId, 'api');
      if (!(await replaceApiToken(userId, id, replacing))) {
        await tokens.deleteOne({ _id: id });
        if (replacing !== undefined && (await users.exists({ _id: userId }))) {
          throw new ConflictError('the API token was rotated by another request meanwhile: use the token that request answered, or rotate again');
        }
        throw new UnauthorizedError('no such user');
      }
      return token;
    },

    async revokeApiToken(userId: number): Promise<void> {
      await replaceApiToken(userId, null);
    },

    /** A sign-in's token: valid for the session lifetime, until signed out or a password change. */
    startSession: (userId: number) => insert(userId, 'session'),

    /** Ends the token a request was made with: a session, or the API token itself. */
    async revoke(token: AccessToken): Promise<void> {
      if (token.kind === 'api') await users.updateOne({ _id: token.user_id, api_token_id: token._id }, { $set: { api_token_id: null, updated_at: new Date() } });
      await tokens.deleteOne({ _id: token._id });
      await accessChanged();
    },
  };
}

export type Tokens = ReturnType<typeof createTokens>;
