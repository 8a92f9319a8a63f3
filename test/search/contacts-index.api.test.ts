import { autoCreatesIndices, ensureContactsIndex, MAPPING_VERSION } from '../../src/search/contacts-index';
import { createElasticsearchClient } from '../../src/shared/elasticsearch';
import { testConfig } from '../support/context';

// An alias of its own, behind which the test places indices of older and current mappings.
const ALIAS = 'contacts_test_ensure_index';
const es = createElasticsearchClient(testConfig().ELASTICSEARCH_URL);
const options = { alias: ALIAS, shards: 1, replicas: 0 };

async function dropAll() {
  const stale = await es.indices.get({ index: `${ALIAS}_*` });
  if (Object.keys(stale).length) await es.indices.delete({ index: Object.keys(stale) });
}
beforeEach(dropAll);
afterAll(async () => {
  await dropAll();
  await es.close();
});

describe('ensuring the contacts index', () => {
  it('when Elasticsearch is the one the project starts, then a write to a missing index fails instead of creating it, and the service sees so', async () => {
    expect(await autoCreatesIndices(es)).toBe(false);
    const missing = `${ALIAS}_missing`;
    await expect(es.index({ index: missing, id: '1', document: { a: 1 } })).rejects.toThrow(/index_not_found_exception/);
    // A delete with an external version would create the index too, were creation on.
    const res = await es.bulk({ operations: [{ delete: { _index: missing, _id: '1', version: 2, version_type: 'external' } }] });
    expect(res.items[0].delete!.error?.type).toBe('index_not_found_exception');
    expect(await es.indices.exists({ index: missing })).toBe(false);
  });

  it('when a cluster creates indices on a write, then the service sees it (and warns at start); a list of patterns is the operator\'s choice', async () => {
    const set = (value: string | null) => es.cluster.putSettings({ persistent: { 'action.auto_create_index': value } });
    try {
      await set('true');
      expect(await autoCreatesIndices(es)).toBe(true);
      await set('-contacts*,+*');
      expect(await autoCreatesIndices(es)).toBe(false);
    } finally {
      await set(null);
    }
    expect(await autoCreatesIndices(es)).toBe(false);
  });

  it('when the alias is missing, then it creates the current version behind it, and a second call finds it up to date', async () => {
    expect(await ensureContactsIndex(es, options)).toEqual({ outdated: [], newer: [] });
    expect(Object.keys(await es.indices.getAlias({ name: ALIAS }))).toEqual([`${ALIAS}_v${MAPPING_VERSION}`]);
    expect(await ensureContactsIndex(es, options)).toEqual({ outdated: [], newer: [] });
  });

  it('when the alias points at an index an older mapping built, then it is left serving and named as outdated', async () => {
    const old = `${ALIAS}_v${MAPPING_VERSION - 1}-20260101000000000`;
    await es.indices.create({ index: old, aliases: { [ALIAS]: { is_write_index: true } } });
    expect(await ensureContactsIndex(es, options)).toEqual({ outdated: [old], newer: [] });
    expect(Object.keys(await es.indices.getAlias({ name: ALIAS }))).toEqual([old]);
  });

  it('when the alias points at an index a newer release built (a rollback), then it is left serving and named as newer, its mapping untouched', async () => {
    const newer = `${ALIAS}_v${MAPPING_VERSION + 1}-20270101000000000`;
    await es.indices.create({ index: newer, mappings: { dynamic: 'strict', properties: { id: { type: 'long' } } }, aliases: { [ALIAS]: { is_write_index: true } } });
    expect(await ensureContactsIndex(es, options)).toEqual({ outdated: [], newer: [newer] });
    expect(Object.keys((await es.indices.getMapping({ index: newer }))[newer].mappings.properties!)).toEqual(['id']);
  });

  it('when the older index has a strict mapping without the newest fields, then they are added so that it keeps taking documents', async () => {
    const old = `${ALIAS}_v4`;
    const v4 = (await import('../../mappings/contacts.v4.json')).default;
    await es.indices.create({ index: old, mappings: v4.mappings as never, aliases: { [ALIAS]: { is_write_index: true } } });
    const doc = { account_id: '1', id: 7, email: 'ana@example.com', email_sort: 1, blocked: false, labels: [], custom_keys: [], created_at: 1, updated_at: 1, search_suffixes: [], payload: {} };
    await expect(es.index({ index: ALIAS, id: '7', routing: '1', document: doc })).rejects.toThrow(/strict_dynamic_mapping_exception/);

    expect(await ensureContactsIndex(es, options)).toEqual({ outdated: [old], newer: [] });
    expect((await es.index({ index: ALIAS, id: '7', routing: '1', document: doc })).result).toBe('created');
  });

  it('when a field of the current mapping cannot be added to the older index, then it says why and the index keeps serving', async () => {
    const old = `${ALIAS}_v4`;
    await es.indices.create({ index: old, mappings: { properties: { email_sort: { type: 'keyword' } } }, aliases: { [ALIAS]: { is_write_index: true } } });
    const result = await ensureContactsIndex(es, options);
    expect(result.outdated).toEqual([old]);
    expect(result.unmerged).toMatch(/email_sort/);
  });
});
