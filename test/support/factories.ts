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

/**
 * Stores a custom attribute definition as given (its slot, a key the API would refuse), past the
 * service: for data an older version or another writer left behind.
 */
export async function storeDefinition(
  ctx: TestContext,
  accountId: number,
  fields: { attribute_key: string; attribute_display_type: 'text' | 'number' | 'date' | 'checkbox'; slot: number; attribute_display_name?: string },
) {
  const [id] = await ctx.deps.nextIds('custom_attribute_definitions');
  const now = new Date();
  const def = {
    _id: id,
    account_id: accountId,
    attribute_display_name: fields.attribute_key,
    attribute_description: null,
    attribute_values: [],
    attribute_model: 'contact_attribute' as const,
    created_at: now,
    updated_at: now,
    ...fields,
  };
  await ctx.deps.definitions.change(accountId, (current) => ({ items: [...current, def], result: def }));
}
