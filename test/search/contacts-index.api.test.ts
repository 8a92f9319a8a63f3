import { ensureContactsIndex, MAPPING_VERSION } from '../../src/search/contacts-index';
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
  it('when the alias is missing, then it creates the current version behind it, and a second call finds it up to date', async () => {
    expect(await ensureContactsIndex(es, options)).toEqual({ outdated: [] });
    expect(Object.keys(await es.indices.getAlias({ name: ALIAS }))).toEqual([`${ALIAS}_v${MAPPING_VERSION}`]);
    expect(await ensureContactsIndex(es, options)).toEqual({ outdated: [] });
  });

  it('when the alias points at an index an older mapping built, then it is left serving and named as outdated', async () => {
    const old = `${ALIAS}_v${MAPPING_VERSION - 1}-20260101000000000`;
    await es.indices.create({ index: old, aliases: { [ALIAS]: { is_write_index: true } } });
    expect(await ensureContactsIndex(es, options)).toEqual({ outdated: [old] });
    expect(Object.keys(await es.indices.getAlias({ name: ALIAS }))).toEqual([old]);
  });

  it('when the older index has a strict mapping without the newest fields, then they are added so that it keeps taking documents', async () => {
    const old = `${ALIAS}_v4`;
    const v4 = (await import('../../mappings/contacts.v4.json')).default;
    await es.indices.create({ index: old, mappings: v4.mappings as never, aliases: { [ALIAS]: { is_write_index: true } } });
    const doc = { account_id: '1', id: 7, email: 'ana@example.com', email_sort: 1, blocked: false, labels: [], custom_keys: [], created_at: 1, updated_at: 1, search_suffixes: [], payload: {} };
    await expect(es.index({ index: ALIAS, id: '7', routing: '1', document: doc })).rejects.toThrow(/strict_dynamic_mapping_exception/);

    expect(await ensureContactsIndex(es, options)).toEqual({ outdated: [old] });
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
