import v4 from '../../mappings/contacts.v4.json';
import { parseSort } from '../../src/search/contact-sort';
import { ensureContactsIndex } from '../../src/search/contacts-index';
import { sharedView } from '../../src/search/index-placements';
import { createContactSearch } from '../../src/search/search-contacts';
import { textSortKey } from '../../src/search/text-sort-key';
import { createElasticsearchClient } from '../../src/shared/elasticsearch';
import { testConfig } from '../support/context';

// After deploying mapping v5 and before `npm run reindex`, the index behind the alias is a v4 one
// whose older documents lack email_sort while the ones written since carry it.
const ALIAS = 'contacts_test_outdated_sort';
const es = createElasticsearchClient(testConfig().ELASTICSEARCH_URL);
const search = createContactSearch({ es, index: ALIAS, placements: { current: async () => sharedView(ALIAS) }, cursorSecret: 'a-test-secret-of-at-least-32-characters!', timeoutMs: 5000 });

const ACCOUNT = 1;
const emails: [number, string | undefined, 'old' | 'new'][] = [
  [1, 'carla@x.com', 'old'],
  [2, 'ana@x.com', 'new'],
  [3, undefined, 'old'],
  [4, 'bea@x.com', 'old'],
  [5, 'dora@x.com', 'new'],
  [6, 'ana@x.com', 'old'],
  [7, undefined, 'new'],
  [8, 'eva@x.com', 'old'],
];

async function dropAll() {
  const stale = await es.indices.get({ index: `${ALIAS}_*` });
  if (Object.keys(stale).length) await es.indices.delete({ index: Object.keys(stale) });
}

beforeAll(async () => {
  await dropAll();
  await es.indices.create({ index: `${ALIAS}_v4`, mappings: v4.mappings as never, aliases: { [ALIAS]: { is_write_index: true } } });
  await ensureContactsIndex(es, { alias: ALIAS, shards: 1, replicas: 0 });
  await es.bulk({
    refresh: true,
    operations: emails.flatMap(([id, email, written]) => [
      { index: { _index: ALIAS, _id: String(id), routing: String(ACCOUNT) } },
      {
        account_id: String(ACCOUNT), id, email, blocked: false, labels: [], custom_keys: [], created_at: id, updated_at: id, search_suffixes: [],
        payload: { id, email: email ?? null },
        ...(written === 'new' && email ? { email_sort: textSortKey(email) } : {}),
      },
    ]),
  });
});
afterAll(async () => {
  await dropAll();
  await es.close();
});

async function walk(sort: string): Promise<number[]> {
  const ids: number[] = [];
  let after: string | undefined;
  do {
    const page = await search.page(ACCOUNT, undefined, { sort: parseSort(sort), perPage: 2, after });
    ids.push(...page.contacts.map((c) => c.id));
    after = page.nextCursor ?? undefined;
  } while (after && ids.length < 100);
  return ids;
}

describe('sorting by email on an index of the mapping before the email key', () => {
  it('when walked by cursor ascending, then the contacts written since come first, each part in email order, and each contact once', async () => {
    expect(await walk('email')).toEqual([2, 5, 6, 4, 1, 8, 3, 7]);
  });

  it('when walked by cursor descending, then the same parts reversed within, missing emails last', async () => {
    expect(await walk('-email')).toEqual([5, 2, 8, 1, 4, 6, 7, 3]);
  });
});
