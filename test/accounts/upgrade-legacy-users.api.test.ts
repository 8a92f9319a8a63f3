import { upgradeLegacyUsers } from '../../src/accounts/upgrade-legacy-users';
import { hashToken } from '../../src/accounts/credentials';
import { startTestContext, type TestContext } from '../support/context';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await startTestContext({ worker: false });
});
afterAll(() => ctx.close());

describe('users written before tokens were hashed', () => {
  it('when a plain-token user is found, then it is moved once, its token keeps working, and later starts skip the scan', async () => {
    const { models, logger } = ctx.deps;
    const account = await ctx.deps.services.accounts.createAccount('legacy');
    const token = 'legacy-plain-token-0123456789';
    await models.users.collection.insertOne({ _id: 900_001, name: 'Old', email: 'Old@Legacy.test', access_token: token, accounts: [{ account_id: account.id, role: 'administrator' }] } as never);
    await models.users.db.collection('migrations').deleteOne({ _id: 'users-hashed-tokens' } as never);
    const upgrade = () => upgradeLegacyUsers({ accounts: models.accounts, users: models.users, emails: models.userEmails, tokens: models.accessTokens }, logger);

    expect(await upgrade()).toBe(1);
    expect(await models.accessTokens.findById(hashToken(token)).lean()).toMatchObject({ user_id: 900_001, kind: 'api' });
    expect((await models.users.collection.findOne({ _id: 900_001 } as never))?.access_token).toBeUndefined();
    const res = await ctx.http.get(`/api/v1/accounts/${account.id}/contacts`).set('api_access_token', token);
    expect(res.status).toBe(200);

    // Another plain-token user appearing now is not looked for: the marker says the move is done.
    await models.users.collection.insertOne({ _id: 900_002, name: 'Late', email: 'late@legacy.test', access_token: 'x', accounts: [] } as never);
    expect(await upgrade()).toBe(0);
  });
});
