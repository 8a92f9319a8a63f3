import { randomUUID } from 'node:crypto';
import type { TestAccount, TestContext } from './context';

let sequence = 0;

/** A valid contact body, unique on every call; override any field. */
export function buildContact(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  sequence += 1;
  return {
    name: `Contact ${sequence}`,
    email: `contact-${sequence}-${randomUUID().slice(0, 8)}@example.com`,
    ...overrides,
  };
}

export async function createContact(ctx: TestContext, account: TestAccount, overrides: Record<string, unknown> = {}) {
  const res = await ctx.http.post(account.path('/contacts')).set('api_access_token', account.adminToken).send(buildContact(overrides));
  if (res.status !== 200) throw new Error(`contact not created: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.payload.contact as { id: number } & Record<string, unknown>;
}

/** Sets a contact's labels through the contact writer (conditional on the version, marked pending, then synced). */
export async function setLabels(ctx: TestContext, accountId: number, contactId: number, labels: string[]) {
  await ctx.deps.writer.modify(accountId, contactId, () => ({ set: { labels } }));
}
