import type { TestAccount, TestContext } from './context';

export async function createInbox(ctx: TestContext, account: TestAccount, channel: Record<string, unknown>, name = `${channel.type} inbox`) {
  const res = await ctx.http.post(account.path('/inboxes')).set('api_access_token', account.adminToken).send({ name, channel });
  if (res.status !== 200) throw new Error(`inbox not created: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: number; inbox_identifier: string; hmac_token?: string } & Record<string, unknown>;
}

export const websiteChannel = (overrides: Record<string, unknown> = {}) => ({ type: 'web_widget', website_url: 'https://shop.example', ...overrides });

/** The website widget's public visitor routes of an inbox. */
export const visitorsPath = (inbox: { inbox_identifier: string }, suffix = '') => `/public/api/v1/inboxes/${inbox.inbox_identifier}/contacts${suffix}`;

/** A new website visitor of the inbox, through the public API. */
export async function createVisitor(ctx: TestContext, inbox: { inbox_identifier: string }, body: object = {}) {
  const res = await ctx.http.post(visitorsPath(inbox)).send(body);
  if (res.status !== 200) throw new Error(`visitor not created: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: number; source_id: string; pubsub_token: string; name: string | null; email: string | null };
}
