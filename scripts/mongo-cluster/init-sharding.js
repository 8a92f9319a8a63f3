// mongosh script, run against mongos by docker-compose's mongo-cluster-init (profile "cluster"):
// adds the two shards and shards the collections that grow with the contacts. Idempotent.
// Why these keys: README, "MongoDB sharded". test/deployment/docker-compose.test.ts checks that
// every collection named here is one the code defines.
/* global db, sh, print -- mongosh's own globals: this runs in mongosh, not Node */
const dbName = process.env.CONTACTS_DB || 'contacts';

// Every collection here is read and written by _id (or _id: {$in}) only, so a hashed _id sends
// each operation to the one shard that holds it and spreads any account, however large, evenly.
// It is also what keeps _id unique across shards: the same _id always lands on the same shard,
// whose _id index settles two inserts of one key (contact_keys depends on that).
// contact_inbox_keys holds the (inbox_id, source_id) uniqueness of a visitor as a key document,
// as contact_keys does for emails and phones; contact_links and inbox_links list a contact's or
// an inbox's records by _id; an import's rejected rows are read by _id over its row numbers.
// A cluster sharded before that (contact_import_rejections on {import_id: 1, row: 1}) keeps its
// key, as sharded() skips it: reads by _id then ask every shard; reshardCollection moves it.
const HASHED_ID = [
  'contacts', 'contact_keys', 'pending_sync', 'pending_deliveries', 'notes', 'contact_notes', 'conversations', 'messages',
  'contact_inboxes', 'contact_inbox_keys', 'contact_links', 'inbox_links', 'contact_import_rejections',
];

for (const [name, host] of [['shard-a', 'mongo-shard-a:27018'], ['shard-b', 'mongo-shard-b:27018']]) {
  if (!db.getSiblingDB('config').shards.findOne({ _id: name })) sh.addShard(`${name}/${host}`);
}
sh.enableSharding(dbName);

const sharded = (name) => !!db.getSiblingDB('config').collections.findOne({ _id: `${dbName}.${name}`, dropped: { $ne: true }, key: { $exists: true } });
// The shard key's index first: a collection that already holds documents (the application was
// started before this) can only be sharded on an existing index.
const contacts = db.getSiblingDB(dbName);
for (const name of HASHED_ID) {
  if (sharded(name)) continue;
  contacts[name].createIndex({ _id: 'hashed' });
  sh.shardCollection(`${dbName}.${name}`, { _id: 'hashed' });
}
// The rest (accounts, users, user_emails, access_tokens, inboxes, labels, segments,
// custom_attribute_sets, contact_imports, bulk_actions, id_blocks, migrations) grows with
// accounts and users, not contacts, and stays unsharded on the database's primary shard.
print(`sharded in ${dbName}: ${HASHED_ID.join(', ')}`);
