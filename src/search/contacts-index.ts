import type { Client } from '@elastic/elasticsearch';
import mappingV8 from '../../mappings/contacts.v8.json';

// The newest mapping; a new file in mappings/ and a line here make the next version. v8 holds the
// same fields as v7: its documents fold without invisible format characters (soft hyphens,
// direction marks, zero-width joiners) and with Greek final sigma as sigma (src/shared/text.ts),
// so an index of v7 is reindexed and segments compiled for v7 recompile. v7's documents fold compatibility characters (fullwidth Ｊｏｓｅ → jose, ﬁ → fi)
// and typographic apostrophes and dashes (O’Brien → o'brien, Jean‐Pierre → jean-pierre;
// src/shared/text.ts), so an index of v6 is reindexed and segments compiled for v6 recompile. v6
// folded letters that carry their mark inside them (Ł → l, ß → ss) with v5's fields. v5 adds
// email_sort, a numeric key a sort by email runs on first (text-sort-key.ts); v4 places an
// account's contacts on one shard (routing by account, required on every write and read by id;
// README, "Routing by account"); v3 added the social profile fields and last_seen_at. An index of
// an older version is moved with `npm run reindex`.
export const CURRENT_MAPPING = mappingV8;
export const MAPPING_VERSION = CURRENT_MAPPING.version;

/**
 * The routing of an account's documents: every contact of an account sits on one shard, so a
 * search of the account asks that shard alone (measured: README, "Routing by account"). Every
 * request that names a document (index, delete, get, mget) and every search scoped to one
 * account passes it; the mapping requires it on the former.
 */
export const accountRouting = (accountId: number | string) => String(accountId);

export interface IndexOptions {
  alias: string;
  shards: number;
  replicas: number;
}

export const versionedIndexName = (alias: string, version: number) => `${alias}_v${version}`;

/** The mapping version in a name versionedIndexName (or a reindex, which adds `-<timestamp>`) gave; 0 for any other name. */
export const versionOfIndexName = (name: string) => Number(/_v(\d+)(-\d+)?$/.exec(name)?.[1] ?? 0);

/** Creates an index with the current mapping; with `alias`, as that alias's write index. */
export async function createContactsIndex(es: Client, index: string, options: Omit<IndexOptions, 'alias'> & { alias?: string }): Promise<void> {
  await es.indices.create({
    index,
    settings: {
      ...CURRENT_MAPPING.settings,
      index: { ...CURRENT_MAPPING.settings.index, number_of_shards: options.shards, number_of_replicas: options.replicas },
    },
    mappings: CURRENT_MAPPING.mappings as never,
    ...(options.alias ? { aliases: { [options.alias]: { is_write_index: true } } } : {}),
  });
  await es.cluster.health({ index, wait_for_status: 'yellow', timeout: '30s' });
}

/**
 * Of these indices, those an older mapping built, with the fields the current mapping adds added
 * to them: their strict mappings would refuse every document that carries one. Documents written
 * before stay without those fields until they are copied again (`unmerged` says why a field
 * could not be added).
 */
export async function addCurrentFields(es: Client, indices: string[]): Promise<IndexAges> {
  const outdated = indices.filter((name) => versionOfIndexName(name) < MAPPING_VERSION);
  const newer = indices.filter((name) => versionOfIndexName(name) > MAPPING_VERSION);
  if (!outdated.length) return { outdated, newer };
  try {
    await es.indices.putMapping({ index: outdated, properties: CURRENT_MAPPING.mappings.properties as never });
    return { outdated, newer };
  } catch (err) {
    return { outdated, newer, unmerged: (err as Error).message };
  }
}

/**
 * Indices behind an alias built by an older mapping (`outdated`, with why the current fields could
 * not be added to them), or by a newer one (`newer`: this release was rolled back to, and what it
 * writes there is folded its older way, which the newer release does not find until a reindex).
 */
export interface IndexAges {
  outdated: string[];
  newer: string[];
  unmerged?: string;
}

/**
 * Whether the cluster creates an index when a document is written to one that does not exist
 * (Elasticsearch's default). The service creates its indices itself, with their mapping; with
 * automatic creation on, a late write aimed at an index that was deleted (an account's old own
 * index, or the shared index deleted by hand) would bring it back with a mapping guessed from the
 * document. A list of patterns is taken as the operator's choice.
 */
export async function autoCreatesIndices(es: Client): Promise<boolean> {
  // Only the one setting comes back, not the cluster's hundreds of defaults.
  type Level = { action?: { auto_create_index?: string | boolean } } | undefined;
  const res = await es.cluster.getSettings({ include_defaults: true, filter_path: '*.action.auto_create_index' });
  const value = [res.transient, res.persistent, res.defaults].map((level) => (level as Level)?.action?.auto_create_index).find((v) => v !== undefined);
  return String(value ?? 'true') === 'true';
}

/**
 * Creates the current versioned index behind the alias when the alias is missing. Idempotent.
 * Answers the indices already behind the alias that an older mapping built: they keep serving
 * until `npm run reindex` moves them. The fields the current mapping adds are added to them, since
 * their strict mappings would refuse every document that carries one; documents written before
 * stay without those fields until the reindex (`unmerged` says why a field could not be added).
 */
export async function ensureContactsIndex(es: Client, options: IndexOptions): Promise<IndexAges> {
  if (await es.indices.existsAlias({ name: options.alias })) {
    return addCurrentFields(es, Object.keys(await es.indices.getAlias({ name: options.alias })));
  }
  const index = versionedIndexName(options.alias, MAPPING_VERSION);
  try {
    await createContactsIndex(es, index, options);
  } catch (err) {
    // Another process (API and worker start together) may have created it first.
    if ((err as { meta?: { body?: { error?: { type?: string } } } }).meta?.body?.error?.type !== 'resource_already_exists_exception') throw err;
    await es.cluster.health({ index, wait_for_status: 'yellow', timeout: '30s' });
  }
  return { outdated: [], newer: [] };
}
