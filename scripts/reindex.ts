// Builds a new contacts index with the current mapping (mappings/) from MongoDB and moves the
// alias to it without downtime (see src/search/reindex.ts). The API and the sync worker keep
// running. Prints progress on stderr and a JSON report on stdout; exit code 1 when a contact
// could not be indexed (run `npm run reconcile` for its account afterwards).
//
//   npm run reindex [-- --delete-old]
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config';
import { createDependencies } from '../src/dependencies';
import { reindexContacts } from '../src/search/reindex';
import { createLogger } from '../src/shared/logger';

async function main() {
  const { values } = parseArgs({ options: { 'delete-old': { type: 'boolean', default: false } } });
  const config = loadConfig();
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', 'reindex');
  const deps = await createDependencies(config, logger);
  try {
    let lastPrint = 0;
    const report = await reindexContacts(
      {
        contacts: deps.models.contacts,
        definitions: deps.definitions,
        es: deps.es,
        alias: deps.index,
        shards: config.INDEX_SHARDS,
        replicas: config.INDEX_REPLICAS,
        logger,
        placements: deps.placements,
        indexContacts: deps.indexer.indexContacts,
      },
      {
        deleteOld: values['delete-old'],
        onProgress(phase, r) {
          if (phase !== 'done' && phase !== 'swap' && Date.now() - lastPrint < 2000) return;
          lastPrint = Date.now();
          process.stderr.write(`${phase}: copied ${r.copied}, caught up ${r.caughtUp}, orphans ${r.orphans}, failed ${r.failed.length}\n`);
        },
      },
    );
    console.log(JSON.stringify(report, null, 2));
    process.exitCode = report.failed.length ? 1 : 0;
  } finally {
    await deps.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
