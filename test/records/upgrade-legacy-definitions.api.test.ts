import { LEGACY_COLLECTION, upgradeLegacyDefinitions } from '../../src/records/upgrade-legacy-definitions';
import { startTestContextOnOwnDatabase, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';

// A database written when each definition was its own document, found by account_id. Its own
// database, so that the migration's full read sees only this test's records, and its own index,
// because this database hands out account and contact ids that the shared test index holds already.
const index = `${process.env.TEST_CONTACTS_INDEX ?? 'contacts_test'}_definitions_migration`;

let ctx: TestContext;
let account: TestAccount;
let moved: TestAccount;

beforeAll(async () => {
  ctx = await startTestContextOnOwnDatabase('definitions_migration', { config: { CONTACTS_INDEX: index } });
  account = await ctx.createAccount();
  moved = await ctx.createAccount();
});
afterAll(async () => {
  if (!ctx) return;
  await ctx.deps.es.indices.delete({ index: Object.keys(await ctx.deps.es.indices.getAlias({ name: index })) });
  await ctx.close();
});

const db = () => ctx.deps.conn.db!;

async function legacyDefinition(accountId: number, key: string, type: string, slot: number, values: string[] = []) {
  const [id] = await ctx.deps.nextIds('custom_attribute_definitions');
  const now = new Date();
  await db().collection(LEGACY_COLLECTION).insertOne({
    _id: id as never, account_id: accountId, attribute_key: key, attribute_display_name: key.toUpperCase(), attribute_display_type: type,
    attribute_description: null, attribute_values: values, attribute_model: 'contact_attribute', slot, created_at: now, updated_at: now,
  });
  return id;
}

describe('the one-time move of custom attribute definitions to one document per account', () => {
  it('when a database holds definitions from before, then they answer, compile and index as before, and the old collection goes', async () => {
    const plan = await legacyDefinition(account.id, 'plan', 'list', 2, ['free', 'pro']);
    const seats = await legacyDefinition(account.id, 'seats', 'number', 1);
    // An account whose set exists already (an earlier run moved it, and it changed since) is left alone.
    await ctx.http.post(moved.path('/custom_attribute_definitions')).set('api_access_token', moved.adminToken).send({ attribute_key: 'tier', attribute_display_type: 'text' });
    await legacyDefinition(moved.id, 'stale', 'text', 1);
    await db().collection('migrations').deleteOne({ _id: 'custom-attribute-sets' as never });

    expect(await upgradeLegacyDefinitions(ctx.deps.models.customAttributeSets, ctx.deps.logger)).toEqual({ accounts: 1, definitions: 2 });

    const list = await ctx.http.get(account.path('/custom_attribute_definitions')).set('api_access_token', account.adminToken);
    expect(list.body.map((d: { id: number; attribute_key: string }) => [d.id, d.attribute_key])).toEqual([[plan, 'plan'], [seats, 'seats']]);
    expect(list.body[0]).toMatchObject({ attribute_display_name: 'PLAN', attribute_display_type: 'list', attribute_values: ['free', 'pro'] });
    expect((await ctx.deps.definitions.of(account.id)).map((d) => d.slot)).toEqual([2, 1]);
    expect((await ctx.deps.definitions.of(moved.id)).map((d) => d.attribute_key)).toEqual(['tier']);
    expect(await db().listCollections({ name: LEGACY_COLLECTION }).toArray()).toEqual([]);

    // The moved definitions still check values, fill their slots and compile filters.
    const api = (method: 'post', path: string, body: object) => ctx.http[method](account.path(path)).set('api_access_token', account.adminToken).send(body);
    expect((await api('post', '/contacts', { name: 'x', custom_attributes: { plan: 'gold' } })).status).toBe(422);
    const ana = await createContact(ctx, account, { name: 'Ana', custom_attributes: { plan: 'pro', seats: 12 } });
    await createContact(ctx, account, { name: 'Bea', custom_attributes: { plan: 'free', seats: 3 } });
    await ctx.settle(account.id);
    expect(await ctx.deps.search.count(account.id, { term: { cf_text_2: 'pro' } })).toBe(1);
    const filtered = await api('post', '/contacts/filter', {
      payload: [{ attribute_key: 'seats', filter_operator: 'is_greater_than', values: [10], query_operator: null }],
    });
    expect(filtered.status).toBe(200);
    expect(filtered.body.payload.map((c: { id: number }) => c.id)).toEqual([ana.id]);

    // Run again (a restart): nothing to do.
    expect(await upgradeLegacyDefinitions(ctx.deps.models.customAttributeSets, ctx.deps.logger)).toEqual({ accounts: 0, definitions: 0 });
  });
});
