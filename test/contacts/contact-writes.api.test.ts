import mongoose from 'mongoose';
import { IdOnlyViolation, exemptBecause, isByIdFilter } from '../../src/shared/id-only-guard';
import { startTestContext, testConfig, waitFor, type TestAccount, type TestContext } from '../support/context';
import { accountRouting } from '../../src/search/contacts-index';
import { createContact } from '../support/factories';
import { importCsv } from '../import/import-support';
import { createContactKeys, identityClaims } from '../../src/records/contact-keys';
import type { ContactModel } from '../../src/records/contact.model';

// The default grace (a minute): a loaded machine may stall a write for longer than a short one,
// and the races below must be settled by the keys, not by a takeover.
let ctx: TestContext;
let account: TestAccount;

beforeAll(async () => {
  ctx = await startTestContext();
  account = await ctx.createAccount();
});
afterAll(() => ctx.close());

const as = (token: string) => ({ api_access_token: token });
const keyOf = (field: 'email' | 'phone' | 'identifier', value: string) => ctx.deps.models.contactKeys.findById(`${account.id}:${field}:${value}`).lean();
const post = (body: object) => ctx.http.post(account.path('/contacts')).set(as(account.adminToken)).send(body);
const patch = (id: number, body: object) => ctx.http.patch(account.path(`/contacts/${id}`)).set(as(account.adminToken)).send(body);
const show = async (id: number) => (await ctx.http.get(account.path(`/contacts/${id}`)).set(as(account.adminToken)).expect(200)).body.payload;

describe('identity keys', () => {
  it('when a contact is created, then its email, phone and identifier are key documents pointing at it', async () => {
    const contact = await createContact(ctx, account, { email: 'keys@example.com', phone_number: '+51 999 111 222', identifier: 'crm-keys' });
    for (const [kind, value] of [['email', 'keys@example.com'], ['phone', '+51999111222'], ['identifier', 'crm-keys']] as const) {
      expect(await keyOf(kind, value)).toMatchObject({ account_id: account.id, contact_id: contact.id });
    }
  });

  it('when many creates race for one email, then exactly one wins and the others answer 422 naming it', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => post({ name: `Racer ${i}`, email: 'race@example.com' })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 200)) expect(r).toMatchObject({ status: 422, body: { field: 'email' } });
  });

  // The driver reports a connection refused or reset in the middle of an insertMany (the server
  // restarting) as a MongoBulkWriteError with no write errors: read as "no duplicates", the claim
  // believed the key taken, and the create, its next steps reaching the server once it was back,
  // answered 200 with a contact whose email had no key; a second create of that email won too
  // (a fault audit killing FerretDB during creates). The error is the one the driver builds.
  it('when the connection fails while a create takes its keys, then it answers 503, writes no contact, and the email stays free for one contact', async () => {
    const email = 'keys-connection-lost@example.com';
    const { MongoBulkWriteError, MongoNetworkError } = mongoose.mongo;
    const insertMany = jest
      .spyOn(ctx.deps.models.contactKeys.collection, 'insertMany')
      .mockRejectedValueOnce(new MongoBulkWriteError(new MongoNetworkError('connect ECONNREFUSED 127.0.0.1:27017') as never, {} as never));
    try {
      const lost = await post({ name: 'Lost answer', email });
      expect(lost.status).toBe(503);
    } finally {
      insertMany.mockRestore();
    }
    const withEmail = () => ctx.deps.models.contacts.find({ account_id: account.id, email, deleted: false }).comment(exemptBecause('the test looks for every contact with the email')).lean();
    expect(await withEmail()).toHaveLength(0);
    const created = await post({ name: 'Second try', email });
    expect(created.status).toBe(200);
    expect(await keyOf('email', email)).toMatchObject({ contact_id: created.body.payload.contact.id });
    expect((await post({ name: 'Third', email })).status).toBe(422);
    expect(await withEmail()).toHaveLength(1);
  });

  // A create whose insert lost its connection gave its keys back at once, without looking: with
  // the database away that one attempt failed and the client's retry of the same email was told
  // for a minute that it belonged to a contact that never existed; with the insert landed (the
  // answer lost, not the write) the contact was left without its keys.
  it.each([
    ['did not land', false],
    ['landed', true],
  ] as const)('when the connection fails as a create writes its contact and the write %s, then the keys follow what the database holds', async (_, landed) => {
    // An account of its own: a create that did not land leaves its mark to the sweep, and the
    // file's account is settled by later tests.
    const account = await ctx.createAccount();
    const keyOf = (field: 'email', value: string) => ctx.deps.models.contactKeys.findById(`${account.id}:${field}:${value}`).lean();
    const post = (body: object) => ctx.http.post(account.path('/contacts')).set(as(account.adminToken)).send(body);
    const email = `insert-connection-lost-${landed}@example.com`;
    const { MongoNetworkError } = mongoose.mongo;
    const collection = ctx.deps.models.contacts.collection;
    const original = collection.insertOne.bind(collection);
    const insertOne = jest.spyOn(collection, 'insertOne').mockImplementationOnce((async (doc: Parameters<typeof original>[0]) => {
      if (landed) await original(doc);
      throw new MongoNetworkError('read ECONNRESET');
    }) as never);
    // Not landed: the database still away at the give-back's first attempt.
    const release = landed ? undefined : jest.spyOn(ctx.deps.models.contactKeys, 'deleteMany').mockRejectedValueOnce(new MongoNetworkError('connect ECONNREFUSED 127.0.0.1:27017'));
    let lostId: number;
    try {
      const lost = await post({ name: 'Connection lost', email });
      expect(lost.status).toBe(503);
      lostId = (await keyOf('email', email))!.contact_id;
      if (release) await waitFor(async () => release.mock.calls.length > 0, 'the first give-back');
    } finally {
      insertOne.mockRestore();
      release?.mockRestore();
    }
    if (!landed) {
      // Given back once the database answers and the contact is found missing: a retry takes the email.
      await waitFor(async () => !(await keyOf('email', email)), 'the key to be given back');
      const retried = await post({ name: 'Retried', email });
      expect(retried.status).toBe(200);
      expect(await keyOf('email', email)).toMatchObject({ contact_id: retried.body.payload.contact.id });
      return;
    }
    // Landed: the contact keeps its key, past the give-back's first attempt.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await keyOf('email', email)).toMatchObject({ contact_id: lostId });
    const retried = await post({ name: 'Retried', email });
    expect(retried).toMatchObject({ status: 422, body: { error: `email "${email}" already belongs to contact ${lostId}` } });
    // And it is indexed without waiting for the sweep.
    await ctx.settle(account.id);
    const found = await ctx.http.get(account.path('/contacts/search')).query({ q: email }).set(as(account.adminToken)).expect(200);
    expect(found.body.payload.map((c: { id: number }) => c.id)).toEqual([lostId]);
  });

  it('when the connection fails as a PATCH writes a new email and the write landed, then the contact keeps the new email\'s key', async () => {
    const contact = await createContact(ctx, account, { email: 'patch-lost-before@example.com' });
    const model = ctx.deps.models.contacts;
    const original = model.findOneAndUpdate.bind(model);
    const update = jest.spyOn(model, 'findOneAndUpdate').mockImplementationOnce(((...args: Parameters<typeof model.findOneAndUpdate>) => {
      const query = original(...args);
      return { lean: async () => { await query.lean(); throw new mongoose.mongo.MongoNetworkError('read ECONNRESET'); } };
    }) as never);
    try {
      expect((await patch(contact.id, { email: 'patch-lost-after@example.com' })).status).toBe(503);
    } finally {
      update.mockRestore();
    }
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await show(contact.id)).email).toBe('patch-lost-after@example.com');
    expect(await keyOf('email', 'patch-lost-after@example.com')).toMatchObject({ contact_id: contact.id });
    expect((await post({ email: 'patch-lost-after@example.com' })).status).toBe(422);
  });

  it('when a contact changes its email, then the old one is released at once and the new one is taken', async () => {
    const contact = await createContact(ctx, account, { email: 'before@example.com' });
    await patch(contact.id, { email: 'after@example.com' }).expect(200);
    expect(await keyOf('email', 'before@example.com')).toBeNull();
    expect(await keyOf('email', 'after@example.com')).toMatchObject({ contact_id: contact.id });
    expect((await post({ email: 'before@example.com' })).status).toBe(200);
  });

  it('when a process died after taking a key and before writing its contact, then the value is free once the grace time has passed', async () => {
    // A short grace, so that a key left behind by a "dead" writer can be seen to free up; longer
    // than the second that a claim waits on a write in flight, so the early claim is refused.
    const GRACE_MS = 2000;
    const short = await startTestContext({ worker: false, config: testConfig({ KEY_CLAIM_GRACE_MS: String(GRACE_MS) }) });
    try {
      const a = await short.createAccount();
      const postTo = (body: object) => short.http.post(a.path('/contacts')).set(as(a.adminToken)).send(body);
      // The first step of a create whose process then died: the key is taken, no contact holds it.
      const [ghostId] = await short.deps.nextIds('contacts');
      await short.deps.keys.claim(a.id, ghostId, { email: 'orphan-key@example.com' });
      const early = await postTo({ email: 'orphan-key@example.com' });
      expect(early.status).toBe(422);
      await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 100));
      const later = await postTo({ email: 'orphan-key@example.com' });
      expect(later.status).toBe(200);
      const key = await short.deps.models.contactKeys.findById(`${a.id}:email:orphan-key@example.com`).lean();
      expect(key).toMatchObject({ contact_id: later.body.payload.contact.id });
    } finally {
      await short.close();
    }
  });

  // A create whose identifier is taken held its email for a few milliseconds: a create of that
  // email then was told it belonged to a contact that never existed (found by a black-box race).
  it('when a write that took an email fails on another value, then a write of that email racing it succeeds', async () => {
    await createContact(ctx, account, { identifier: 'held-by-another' });
    for (let i = 0; i < 10; i++) {
      const email = `given-back-${i}@example.com`;
      const [failing, rival] = await Promise.all([post({ email, identifier: 'held-by-another' }), post({ email })]);
      expect(failing.status).toBe(422);
      expect(rival.status).toBe(200);
    }
  });

  it('when a claim meets a key whose write is in flight, then it waits for it: the value given back is taken, the value written is refused', async () => {
    const [inFlight] = await ctx.deps.nextIds('contacts');
    await ctx.deps.keys.claim(account.id, inFlight, { email: 'in-flight-back@example.com', identifier: 'in-flight-kept' });
    const given = post({ email: 'in-flight-back@example.com' }).then((r) => r);
    const kept = post({ identifier: 'in-flight-kept' }).then((r) => r);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await ctx.deps.keys.release(identityClaims(account.id, inFlight, { email: 'in-flight-back@example.com' }));
    await ctx.deps.models.contacts.create({ _id: String(inFlight), account_id: account.id, identifier: 'in-flight-kept', version: 1, created_at: new Date(), updated_at: new Date() });
    expect((await given).status).toBe(200);
    expect(await kept).toMatchObject({ status: 422, body: { error: `identifier "in-flight-kept" already belongs to contact ${inFlight}` } });
  });

  it('when a process died after writing a new email but before releasing the old one, then the old email can be taken at once', async () => {
    const contact = await createContact(ctx, account, { email: 'left-behind@example.com' });
    // The first two steps of a change of email, then the process died: new key taken, contact written, old key kept.
    await ctx.deps.keys.claim(account.id, contact.id, { email: 'moved-on@example.com' });
    await ctx.deps.models.contacts.updateOne({ _id: String(contact.id) }, { $set: { email: 'moved-on@example.com' }, $inc: { version: 1 } });
    expect(await keyOf('email', 'left-behind@example.com')).toMatchObject({ contact_id: contact.id });

    const other = await post({ email: 'left-behind@example.com' });
    expect(other.status).toBe(200);
    expect(await keyOf('email', 'left-behind@example.com')).toMatchObject({ contact_id: other.body.payload.contact.id });
    // And the contact that moved on keeps its new email.
    expect((await post({ email: 'moved-on@example.com' })).status).toBe(422);
  });

  it('when a contact is deleted while a PATCH gives it a new email, then the PATCH lands first or answers 404, and the email is free afterwards', async () => {
    for (let i = 0; i < 5; i++) {
      const contact = await createContact(ctx, account);
      const email = `during-delete-${i}@example.com`;
      const [patched, deleted] = await Promise.all([patch(contact.id, { email }), ctx.http.delete(account.path(`/contacts/${contact.id}`)).set(as(account.adminToken))]);
      expect(deleted.status).toBe(200);
      expect([200, 404]).toContain(patched.status);
      // Whichever came first, nobody holds the email now.
      expect((await post({ email })).status).toBe(200);
    }
  });

  // Found by a black-box race of two API processes: a refused write gave back the key another
  // write of the same contact relied on, and a new contact then took the value that contact held.
  it('when two writes of one contact claim one value and the one that took its key is refused, then the key stays for the other', async () => {
    const contact = await createContact(ctx, account);
    const first = await ctx.deps.keys.claim(account.id, contact.id, { phone_number: '+51900111222' }, 2);
    expect(first).toHaveLength(1);
    // The second write finds the contact's own key, not yet backed by a landed write: it stamps it and takes nothing to give back.
    expect(await ctx.deps.keys.claim(account.id, contact.id, { phone_number: '+51900111222' }, 2)).toEqual([]);
    await ctx.deps.keys.giveBack(first);
    expect(await keyOf('phone', '+51900111222')).toMatchObject({ contact_id: contact.id });
    // The other order: the first write stamped a key the second took; the second, refused, gives back nothing of it.
    const second = await ctx.deps.keys.claim(account.id, contact.id, { phone_number: '+51900111333' }, 2);
    await ctx.deps.keys.claim(account.id, contact.id, { phone_number: '+51900111333' }, 2);
    await ctx.deps.keys.giveBack(second);
    expect(await keyOf('phone', '+51900111333')).toMatchObject({ contact_id: contact.id });
  });

  it('when a PATCH of a value races a PATCH of the same value refused for another field, then the contact that holds the value is its only holder', async () => {
    const owner = await createContact(ctx, account, { email: 'race-owner@example.com' });
    for (let i = 0; i < 10; i++) {
      const phone = `+5190022${String(i).padStart(4, '0')}`;
      const contact = await createContact(ctx, account);
      const [kept, refused] = await Promise.all([patch(contact.id, { phone_number: phone }), patch(contact.id, { phone_number: phone, email: 'race-owner@example.com' })]);
      expect([kept.status, refused.status, refused.body.field]).toEqual([200, 422, 'email']);
      expect(refused.body.error).toContain(`contact ${owner.id}`);
      expect(await keyOf('phone', phone)).toMatchObject({ contact_id: contact.id });
      expect((await post({ phone_number: phone })).status).toBe(422);
    }
  });

  it('when the sync worker purges a deleted contact between a claim reading its key and reading its contact, then the value is taken at once', async () => {
    const gone = await createContact(ctx, account, { email: 'purged-meanwhile@example.com' });
    const keyId = `${account.id}:email:purged-meanwhile@example.com`;
    const real = ctx.deps.models;
    // The purge's two steps (release the keys, remove the contact) land just before the claim reads the contact.
    let purged = false;
    const contacts = {
      find: (filter: object) => ({
        lean: async () => {
          if (!purged) {
            purged = true;
            await real.contactKeys.deleteOne({ _id: keyId });
            await real.contacts.deleteOne({ _id: String(gone.id) });
          }
          return real.contacts.find(filter).lean();
        },
      }),
    } as unknown as ContactModel;
    const keys = createContactKeys({ keys: real.contactKeys, contacts, graceMs: 60_000 });
    const [newcomer] = await ctx.deps.nextIds('contacts');

    await keys.claim(account.id, newcomer, { email: 'purged-meanwhile@example.com' });
    expect(purged).toBe(true);
    expect(await keyOf('email', 'purged-meanwhile@example.com')).toMatchObject({ contact_id: newcomer });
  });
});

describe('no lost updates', () => {
  it('when PATCHes, label changes, a merge and an import row hit one contact at once, then every change is kept', async () => {
    const contact = await createContact(ctx, account, { name: 'Busy', identifier: 'busy-1' });
    const mergee = await createContact(ctx, account, { phone_number: '+51988777666' });
    await ctx.http.post(account.path(`/contacts/${mergee.id}/labels`)).set(as(account.adminToken)).send({ labels: ['from-mergee'] }).expect(200);
    const before = (await ctx.deps.models.contacts.findById(String(contact.id)).lean())!.version;

    const patches = Array.from({ length: 6 }, (_, i) => patch(contact.id, { custom_attributes: { [`k${i}`]: `v${i}` } }));
    const labels = Array.from({ length: 4 }, (_, i) =>
      ctx.http.post(account.path('/bulk_actions')).set(as(account.adminToken)).send({ type: 'Contact', ids: [contact.id], labels: { add: [`tag-${i}`] } }),
    );
    const merged = ctx.http.post(account.path('/actions/contact_merge')).set(as(account.adminToken)).send({ base_contact_id: contact.id, mergee_contact_id: mergee.id });
    const imported = importCsv(ctx, account, 'identifier,company_name\nbusy-1,Imported Co\n');
    const results = await Promise.all([...patches, ...labels, merged]);
    for (const r of results) expect(r.status).toBe(200);
    expect(await imported).toMatchObject({ status: 'completed', updated: 1, rejected: 0 });

    const after = await show(contact.id);
    expect(after.custom_attributes).toMatchObject(Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`k${i}`, `v${i}`])));
    expect(after.labels.sort()).toEqual(['from-mergee', 'tag-0', 'tag-1', 'tag-2', 'tag-3']);
    expect(after.phone_number).toBe('+51988777666');
    expect(after.additional_attributes.company_name).toBe('Imported Co');
    // Every write bumped the version once: 6 patches, 4 label adds, the merge and the import row.
    const stored = (await ctx.deps.models.contacts.findById(String(contact.id)).lean())!;
    expect(stored.version).toBe(before + 12);

    await ctx.settle(account.id);
    const indexed = await ctx.deps.es.get({ index: ctx.deps.index, id: String(contact.id), routing: accountRouting(account.id) });
    expect(indexed._version).toBe(stored.version);
  });
});

describe('many writers on one contact', () => {
  it('when 40 PATCHes of different custom attributes hit one contact at once, then every one succeeds and every key is kept', async () => {
    const contact = await createContact(ctx, account, { name: 'Crowded' });
    const keys = Array.from({ length: 40 }, (_, i) => `crowd_${i}`);
    const results = await Promise.all(keys.map((key, i) => patch(contact.id, { custom_attributes: { [key]: `v${i}` } })));
    expect(results.filter((r) => r.status !== 200).map((r) => `${r.status} ${JSON.stringify(r.body)}`)).toEqual([]);
    const after = await show(contact.id);
    expect(Object.keys(after.custom_attributes).filter((k) => k.startsWith('crowd_')).sort()).toEqual([...keys].sort());
  });
});

describe('the _id-only rule', () => {
  it('when a filter pins _id, then it is by id; anything else is not', () => {
    expect(isByIdFilter({ _id: '1' })).toBe(true);
    expect(isByIdFilter({ _id: { $in: ['1', '2'] }, version: 3 })).toBe(true);
    expect(isByIdFilter({ _id: 7, account_id: 1, deleted: false })).toBe(true);
    expect(isByIdFilter({ account_id: 1, email: 'a@x.com' })).toBe(false);
    expect(isByIdFilter({ _id: { $gt: '1' } })).toBe(false);
    // An empty list is a scan of the whole collection on the local server.
    expect(isByIdFilter({ _id: { $in: [] } })).toBe(false);
    expect(isByIdFilter({ $or: [{ _id: '1' }] })).toBe(false);
    expect(isByIdFilter({})).toBe(false);
  });

  it('when code asks a contact-sized collection for anything but _id, then it throws; an exemption needs a reason', async () => {
    await expect(ctx.deps.models.contacts.find({ account_id: account.id }).lean()).rejects.toBeInstanceOf(IdOnlyViolation);
    await expect(ctx.deps.models.contactKeys.deleteMany({ account_id: account.id })).rejects.toBeInstanceOf(IdOnlyViolation);
    await expect(ctx.deps.models.notes.countDocuments({ contact_id: 1 })).rejects.toBeInstanceOf(IdOnlyViolation);
    await expect(ctx.deps.models.contacts.bulkWrite([{ updateOne: { filter: { account_id: account.id }, update: { $set: { name: 'x' } } } }])).rejects.toBeInstanceOf(IdOnlyViolation);
    expect(() => exemptBecause(' ')).toThrow();
    const found = await ctx.deps.models.contacts.find({ account_id: account.id }).comment(exemptBecause('a test inspects an account')).limit(1).lean();
    expect(found).toHaveLength(1);
  });
});

describe('the sweep', () => {
  it('when a write is marked pending and its sync job is lost, then the sweep queues it and clears the marker once indexed', async () => {
    const contact = await createContact(ctx, account, { name: 'Lost job' });
    await ctx.settle(account.id);
    // A write whose sync job was lost: marked, written, never queued.
    const current = (await ctx.deps.models.contacts.findById(String(contact.id)).lean())!;
    await ctx.deps.writer.markPending([{ id: current._id, accountId: account.id, version: current.version + 1 }]);
    await ctx.deps.models.contacts.updateOne({ _id: current._id, version: current.version }, { $set: { name: 'Found by the sweep' }, $inc: { version: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 600));
    const queued = await ctx.deps.sweep();
    expect(queued).toBeGreaterThanOrEqual(1);
    await waitFor(async () => !(await ctx.deps.models.pendingSync.findById(current._id).lean()), 'the marker to clear');
    await ctx.deps.es.indices.refresh({ index: ctx.deps.index });
    expect((await ctx.deps.es.get<{ payload: { name: string } }>({ index: ctx.deps.index, id: current._id, routing: accountRouting(account.id) }))._source!.payload.name).toBe('Found by the sweep');
  });
});
