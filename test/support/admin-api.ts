import type { TestAccount, TestContext } from './context';

/** The account's API as its administrator: paths under the account's root, the administrator's token. */
export const adminApi = (ctx: TestContext, account: TestAccount) => ({
  get: (path: string) => ctx.http.get(account.path(path)).set('api_access_token', account.adminToken),
  post: (path: string, body: object) => ctx.http.post(account.path(path)).set('api_access_token', account.adminToken).send(body),
  patch: (path: string, body: object) => ctx.http.patch(account.path(path)).set('api_access_token', account.adminToken).send(body),
});
