import pino from 'pino';
import { createDependencies } from '../../src/dependencies';
import { MAPPING_VERSION, versionedIndexName } from '../../src/search/contacts-index';
import { testConfig } from '../support/context';

// Found by a black-box operator: a new CONTACTS_INDEX (or an Elasticsearch that lost its data)
// was created empty and served, every list answering none of the 5,628 contacts MongoDB held.
it('when the index is missing at start while contacts were made, then it is created and every start warns to reindex until it holds something', async () => {
  const lines: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
  const alias = `contacts_test_missing_${Date.now()}`;
  const deps = await createDependencies(testConfig({ CONTACTS_INDEX: alias }), logger);
  try {
    await deps.nextIds('contacts', 1);
    await deps.startIndex();
    const warnings = () => lines.map((line) => JSON.parse(line)).filter((entry) => /index is empty while MongoDB has contacts: run `npm run reindex`/.test(entry.msg));
    expect(warnings()).toEqual([expect.objectContaining({ level: 40, alias, highestContactId: expect.any(Number) })]);
    expect(warnings()[0].highestContactId).toBeGreaterThan(0);
    // The next start finds the index still empty: it says so again.
    lines.length = 0;
    await deps.startIndex();
    expect(warnings()).toHaveLength(1);
    // Once it holds a contact, nothing to say.
    await deps.es.index({ index: alias, id: '1', routing: '1', document: { account_id: 1 }, refresh: true });
    expect((await deps.es.count({ index: alias })).count).toBe(1);
    lines.length = 0;
    await deps.startIndex();
    expect(warnings()).toEqual([]);
  } finally {
    await deps.es.indices.delete({ index: versionedIndexName(alias, MAPPING_VERSION) }).finally(() => deps.close());
  }
});
