import { initModels } from '../../src/shared/mongo';

// What the driver throws when a connection is not checked out within waitQueueTimeoutMS.
const waitQueueTimeout = () => Object.assign(new Error('Timed out while checking out a connection from connection pool'), { name: 'MongoWaitQueueTimeoutError' });

function model(name: string, calls: string[], { initFails = false, createFailsTimes = 0 } = {}) {
  let createFailures = createFailsTimes;
  return {
    init: async () => {
      calls.push(`${name}.init`);
      if (initFails) throw waitQueueTimeout();
    },
    createCollection: async () => {
      calls.push(`${name}.createCollection`);
      if (createFailures-- > 0) throw waitQueueTimeout();
    },
    ensureIndexes: async () => {
      calls.push(`${name}.ensureIndexes`);
    },
  };
}

describe('making the collections and indexes at start-up', () => {
  it('when every model is made at once, then nothing is done again', async () => {
    const calls: string[] = [];
    await initModels([model('a', calls), model('b', calls)]);
    expect(calls).toEqual(['a.init', 'b.init']);
  });

  // A busy machine: two dozen models at once waited for a connection past the pool's wait-queue timeout, and the start failed.
  it('when a model waited too long for a connection, then the models are made again one at a time, and again after a further wait', async () => {
    const calls: string[] = [];
    await initModels([model('a', calls), model('b', calls, { initFails: true, createFailsTimes: 1 })]);
    expect(calls).toEqual(['a.init', 'b.init', 'a.createCollection', 'a.ensureIndexes', 'b.createCollection', 'a.createCollection', 'a.ensureIndexes', 'b.createCollection', 'b.ensureIndexes']);
  });

  it('when the failure is not the database being away, or it stays away past the time given, then the start fails with it', async () => {
    const broken = { init: async () => Promise.reject(new Error('index options conflict')), createCollection: async () => undefined, ensureIndexes: async () => undefined };
    await expect(initModels([broken])).rejects.toThrow('index options conflict');
    const away = model('away', [], { initFails: true, createFailsTimes: 1000 });
    await expect(initModels([away], 300)).rejects.toThrow('Timed out while checking out a connection');
  });
});
