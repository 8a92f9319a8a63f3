#!/usr/bin/env node
// Probes whether single-document writes are atomic on a MongoDB-wire server (FerretDB or MongoDB).
//
//   node scripts/ferretdb/probe-atomic-updates.js mongodb://127.0.0.1:27017 [clients] [iterations]
//
// Works only in the database `atomicity_probe`, which it drops at the start and at the end.
// Prints, for each scenario, the updates the server acknowledged, the updates the document shows,
// the difference (lost updates) and the throughput. Exits 1 if any update was lost.
//
// 1. conditional: each client reads the document, then findOneAndUpdate({_id, version: v},
//    {$set, $inc: {version: 1, n: 1}}) and retries from the read when nothing matched;
//    afterwards n and version must both equal the acknowledged updates.
// 2. $inc: updateOne({_id}, {$inc: {n: 1}}) from every client; n must equal the acknowledged updates.
// 3. delete racing update: per trial, a fresh document {version: 0} is updated with
//    updateOne({_id, version: 0}, {$inc: {version: 1}}) and deleted with
//    deleteOne({_id, version: 0}) at the same time; exactly one of the two may succeed.
'use strict';

const path = require('path');
let mongodb;
try {
  mongodb = require('mongodb');
} catch {
  mongodb = require(path.join(__dirname, '..', '..', 'node_modules', 'mongodb'));
}
const { MongoClient } = mongodb;

const uri = process.argv[2];
const CLIENTS = Number(process.argv[3] || 8);
const ITERATIONS = Number(process.argv[4] || 200);
const DELETE_TRIALS = Number(process.argv[5] || 400);
const DB = 'atomicity_probe';

if (!uri) {
  console.error('usage: probe-atomic-updates.js <mongodb-uri> [clients=8] [iterations=200] [delete-trials=400]');
  process.exit(2);
}

async function connectAll(n) {
  // one client (hence one connection) per simulated writer, so that their commands really overlap
  return Promise.all(
    Array.from({ length: n }, () => new MongoClient(uri, { maxPoolSize: 1, serverSelectionTimeoutMS: 5000 }).connect()),
  );
}

function rate(count, ms) {
  return Math.round((count * 1000) / ms);
}

async function conditional(clients) {
  const coll = (c) => c.db(DB).collection('conditional');
  await coll(clients[0]).insertOne({ _id: 'doc', version: 0, n: 0 });
  let acknowledged = 0;
  let conflicts = 0;
  const start = Date.now();
  await Promise.all(
    clients.map(async (client, ci) => {
      const c = coll(client);
      for (let i = 0; i < ITERATIONS; i++) {
        for (;;) {
          const doc = await c.findOne({ _id: 'doc' });
          const res = await c.findOneAndUpdate(
            { _id: 'doc', version: doc.version },
            { $set: { ['f' + ci]: i }, $inc: { version: 1, n: 1 } },
            { returnDocument: 'after', includeResultMetadata: false },
          );
          if (res) {
            acknowledged++;
            break;
          }
          conflicts++;
        }
      }
    }),
  );
  const ms = Date.now() - start;
  const doc = await coll(clients[0]).findOne({ _id: 'doc' });
  return {
    scenario: 'conditional findOneAndUpdate {_id, version}',
    acknowledged,
    n: doc.n,
    version: doc.version,
    lost: acknowledged - doc.n,
    versionMismatch: doc.version !== doc.n,
    conflictsRetried: conflicts,
    ms,
    successfulUpdatesPerSec: rate(acknowledged, ms),
  };
}

async function unconditionalInc(clients) {
  const coll = (c) => c.db(DB).collection('inc');
  await coll(clients[0]).insertOne({ _id: 'doc', n: 0 });
  let acknowledged = 0;
  const start = Date.now();
  await Promise.all(
    clients.map(async (client) => {
      const c = coll(client);
      for (let i = 0; i < ITERATIONS; i++) {
        const res = await c.updateOne({ _id: 'doc' }, { $inc: { n: 1 } });
        acknowledged += res.modifiedCount;
      }
    }),
  );
  const ms = Date.now() - start;
  const doc = await coll(clients[0]).findOne({ _id: 'doc' });
  return {
    scenario: 'updateOne {_id} $inc, one document',
    acknowledged,
    n: doc.n,
    lost: acknowledged - doc.n,
    ms,
    updatesPerSec: rate(acknowledged, ms),
  };
}

// Throughput of updates by _id when every client updates its own documents (no contention on a document).
async function spreadUpdates(clients) {
  const coll = (c) => c.db(DB).collection('spread');
  await coll(clients[0]).insertMany(Array.from({ length: clients.length * 10 }, (_, i) => ({ _id: 'd' + i, n: 0 })));
  let acknowledged = 0;
  const start = Date.now();
  await Promise.all(
    clients.map(async (client, ci) => {
      const c = coll(client);
      for (let i = 0; i < ITERATIONS; i++) {
        const res = await c.updateOne({ _id: 'd' + (ci * 10 + (i % 10)) }, { $inc: { n: 1 } });
        acknowledged += res.modifiedCount;
      }
    }),
  );
  const ms = Date.now() - start;
  const [{ total }] = await coll(clients[0]).aggregate([{ $group: { _id: null, total: { $sum: '$n' } } }]).toArray();
  return {
    scenario: 'updateOne {_id} $inc, each client its own documents',
    acknowledged,
    n: total,
    lost: acknowledged - total,
    ms,
    updatesPerSec: rate(acknowledged, ms),
  };
}

async function deleteRacingUpdate(clients) {
  const coll = (c) => c.db(DB).collection('race');
  const pairs = Math.max(1, Math.floor(clients.length / 2));
  let both = 0;
  let onlyUpdate = 0;
  let onlyDelete = 0;
  let neither = 0;
  const start = Date.now();
  await Promise.all(
    Array.from({ length: pairs }, async (_, p) => {
      const updater = coll(clients[2 * p]);
      const deleter = coll(clients[(2 * p + 1) % clients.length]);
      for (let t = 0; t < Math.ceil(DELETE_TRIALS / pairs); t++) {
        const _id = `p${p}-t${t}`;
        await updater.insertOne({ _id, version: 0 });
        const [u, d] = await Promise.all([
          updater.updateOne({ _id, version: 0 }, { $inc: { version: 1 } }),
          deleter.deleteOne({ _id, version: 0 }),
        ]);
        const updated = u.modifiedCount === 1;
        const deleted = d.deletedCount === 1;
        if (updated && deleted) both++;
        else if (updated) onlyUpdate++;
        else if (deleted) onlyDelete++;
        else neither++;
      }
    }),
  );
  return {
    scenario: 'deleteOne {_id, version: 0} racing updateOne {_id, version: 0}',
    trials: both + onlyUpdate + onlyDelete + neither,
    onlyUpdate,
    onlyDelete,
    bothSucceeded: both,
    neither,
    lost: both + neither,
    ms: Date.now() - start,
  };
}

async function main() {
  const clients = await connectAll(Math.max(2, CLIENTS));
  const admin = clients[0];
  try {
    await admin.db(DB).dropDatabase();
    const version = await admin.db(DB).admin().command({ buildInfo: 1 });
    console.log(`server ${uri}: ${version.ferretdbVersion ? 'FerretDB ' + version.ferretdbVersion : 'MongoDB ' + version.version}; ${clients.length} clients, ${ITERATIONS} iterations each`);
    const results = [];
    for (const scenario of [conditional, unconditionalInc, spreadUpdates, deleteRacingUpdate]) {
      const r = await scenario(clients);
      results.push(r);
      console.log(JSON.stringify(r));
    }
    const lost = results.reduce((sum, r) => sum + r.lost, 0) + (results[0].versionMismatch ? 1 : 0);
    console.log(lost === 0 ? 'OK: no lost or conflicting write' : `FAIL: ${lost} lost or conflicting writes`);
    process.exitCode = lost === 0 ? 0 : 1;
  } finally {
    await admin.db(DB).dropDatabase().catch(() => {});
    await Promise.all(clients.map((c) => c.close()));
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
