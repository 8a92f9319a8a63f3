import { randomInt } from 'node:crypto';
import { newContact } from '../../src/contacts/new-contact';
import { markPending } from '../../src/records/pending-writes';
import { waitUntilIndexed } from '../../src/search/wait-until-indexed';
import { startTestContext, type TestContext } from '../support/context';

let ctx: TestContext;

beforeAll(async () => {
  // No worker: nothing clears the marks these tests make.
  ctx = await startTestContext({ worker: false });
});
const made: string[] = [];
afterAll(async () => {
  await ctx.deps.models.pendingSync.deleteMany({ _id: { $in: made } });
  await ctx.deps.models.contacts.deleteMany({ _id: { $in: made } });
  await ctx.close();
});

// Ids far above the contacts the other tests make, of an account no test has.
const freshId = () => {
  const id = 910_000_000 + randomInt(1_000_000);
  made.push(String(id));
  return id;
};

describe('waiting until written contacts are indexed', () => {
  // A bulk label job racing a bulk delete of part of its selection waited its whole timeout
  // (30 s) for marks its write made on contacts purged meanwhile: nothing could clear them.
  it('when a marked contact is no longer in MongoDB, then it is not waited for; one still there is, until the timeout', async () => {
    const { pendingSync, contacts } = ctx.deps.models;
    const gone = freshId();
    const there = freshId();
    await contacts.collection.insertOne(newContact(there, 0, { name: 'Still here' }, [], new Date()) as never);
    await markPending(pendingSync, [{ id: String(gone), accountId: 0, version: 2 }, { id: String(there), accountId: 0, version: 2 }]);

    // True is not a timeout, which answers false.
    expect(await waitUntilIndexed(pendingSync, contacts, [gone], { timeoutMs: 20_000, pollMs: 50 })).toBe(true);
    expect(await waitUntilIndexed(pendingSync, contacts, [gone, there], { timeoutMs: 300, pollMs: 50 })).toBe(false);
    await pendingSync.deleteOne({ _id: String(there) });
    expect(await waitUntilIndexed(pendingSync, contacts, [gone, there], { timeoutMs: 20_000, pollMs: 50 })).toBe(true);
  });
});
