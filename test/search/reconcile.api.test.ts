import { toContactSearchDoc } from '../../src/search/contact-search-doc';
import type { Contact } from '../../src/records/contact.model';
import { startTestContext, type TestAccount, type TestContext } from '../support/context';
import { accountRouting } from '../../src/search/contacts-index';
import { createContact } from '../support/factories';
import { contactKeyId } from '../../src/records/contact-key.model';

// No sync worker: the drift made here must stay until reconcile repairs it (a sweep would race it).
let ctx: TestContext;
let account: TestAccount;
let other: TestAccount;

beforeAll(async () => {
  ctx = await startTestContext({ worker: false });
  account = await ctx.createAccount();
  other = await ctx.createAccount();
});
afterAll(() => ctx.close());

const reconcile = (accountId: number, dryRun = false) => ctx.deps.reconcile(accountId, { dryRun });

/** The index document of a contact of the account (documents are routed by account). */
const indexed = async (id: number, accountId = account.id) => {
  const res = await ctx.deps.es.get({ index: ctx.deps.index, id: String(id), routing: accountRouting(accountId) }, { ignore: [404] });
  return res.found ? { version: res._version, name: (res._source as { payload: { name: string } }).payload.name } : null;
};

/** An index document for a contact MongoDB never had (as a restored snapshot could hold). */
async function indexOrphan(accountId: number, id: number) {
  const ghost = { _id: String(id), account_id: accountId, name: 'Ghost', email: null, phone_number: null, identifier: null, thumbnail: null, blocked: false, additional_attributes: {}, custom_attributes: {}, labels: [], created_at: new Date(), last_activity_at: null, updated_at: new Date(), version: 1, deleted: false } as unknown as Contact;
  await ctx.deps.es.index({ index: ctx.deps.index, id: String(id), routing: accountRouting(accountId), version: 1, version_type: 'external', document: toContactSearchDoc(ghost) });
}

/**
 * Reconcile of an account with something done around the first call of one Elasticsearch
 * method it makes (`before` it, or `after` it answers): a write landing at that very moment.
 */
async function reconcileWhile(accountId: number, method: 'mget' | 'bulk', when: 'before' | 'after', act: () => Promise<unknown>) {
  const es = ctx.deps.es as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const original = es[method].bind(ctx.deps.es);
  const spy = jest.spyOn(es, method).mockImplementationOnce(async (...args: unknown[]) => {
    if (when === 'before') await act();
    const res = await original(...args);
    if (when === 'after') await act();
    return res;
  });
  try {
    return await reconcile(accountId);
  } finally {
    spy.mockRestore();
  }
}

describe('reconcile', () => {
  it('when the index lacks a contact, holds an old version or a ghost, then a dry run counts them and reconcile repairs exactly those', async () => {
    const [missing, stale, fine] = [
      await createContact(ctx, account, { name: 'Missing from the index' }),
      await createContact(ctx, account, { name: 'Stale in the index' }),
      await createContact(ctx, account, { name: 'In step' }),
    ];
    const otherContact = await createContact(ctx, other, { name: 'Other account' });
    // The drift: a contact whose sync job was lost (never indexed), a MongoDB write whose sync job
    // was lost, and index documents with no contact behind them.
    await ctx.deps.indexer.indexContacts([stale.id, fine.id, otherContact.id]);
    await ctx.deps.models.contacts.updateOne({ _id: String(stale.id) }, { $set: { name: 'Renamed while Redis was down' }, $inc: { version: 1 } });
    const ghostId = 900_000_000 + account.id;
    const otherGhostId = 900_000_000 + other.id;
    await indexOrphan(account.id, ghostId);
    await indexOrphan(other.id, otherGhostId);
    await ctx.deps.es.indices.refresh({ index: ctx.deps.index });

    const dry = await reconcile(account.id, true);
    expect(dry).toEqual({ checked: 3, behind: 2, indexed: 3, orphans: 1, unkeyed: 0, failed: [] });
    expect(await indexed(missing.id)).toBeNull();
    expect(await indexed(ghostId)).not.toBeNull();

    const report = await reconcile(account.id);
    expect(report).toEqual({ checked: 3, behind: 2, indexed: expect.any(Number), orphans: 1, unkeyed: 0, failed: [] });
    expect(await indexed(missing.id)).toEqual({ version: 1, name: 'Missing from the index' });
    expect(await indexed(stale.id)).toEqual({ version: 2, name: 'Renamed while Redis was down' });
    expect(await indexed(fine.id)).toEqual({ version: 1, name: 'In step' });
    expect(await indexed(ghostId)).toBeNull();
    // Another account's ghost is that account's business.
    expect(await indexed(otherGhostId, other.id)).not.toBeNull();

    await ctx.deps.es.indices.refresh({ index: ctx.deps.index });
    expect(await reconcile(account.id)).toEqual({ checked: 3, behind: 0, indexed: 3, orphans: 0, unkeyed: 0, failed: [] });
    const list = await ctx.http.get(account.path('/contacts')).query({ sort: 'name' }).set('api_access_token', account.adminToken).expect(200);
    expect(list.body.payload.map((c: { name: string }) => c.name)).toEqual(['In step', 'Missing from the index', 'Renamed while Redis was down']);
  });

  it('when a live contact\'s keys are missing or name another id, then a dry run counts them and reconcile takes them again', async () => {
    const own = await ctx.createAccount();
    const contact = await createContact(ctx, own, { name: 'Lost its keys', email: 'lost-keys@example.com', phone_number: '+14155550142', identifier: 'lost-keys' });
    await ctx.deps.indexer.indexContacts([contact.id]);
    const keyOf = (field: 'email' | 'phone_number' | 'identifier', value: string) => contactKeyId(own.id, field, value);
    // A key lost (as a FerretDB kill mid-create once left it), and one left an hour ago to a contact id never written (its writer died).
    await ctx.deps.models.contactKeys.deleteOne({ _id: keyOf('email', 'lost-keys@example.com') });
    await ctx.deps.models.contactKeys.updateOne({ _id: keyOf('phone_number', '+14155550142') }, { $set: { contact_id: 999_999_999, claimed_at: new Date(Date.now() - 3600_000) } });
    await ctx.deps.es.indices.refresh({ index: ctx.deps.index });

    expect(await reconcile(own.id, true)).toEqual({ checked: 1, behind: 0, indexed: 1, orphans: 0, unkeyed: 2, failed: [] });
    expect(await ctx.deps.models.contactKeys.findById(keyOf('email', 'lost-keys@example.com')).lean()).toBeNull();

    expect(await reconcile(own.id)).toEqual({ checked: 1, behind: 0, indexed: 1, orphans: 0, unkeyed: 2, failed: [] });
    for (const [field, value] of [['email', 'lost-keys@example.com'], ['phone_number', '+14155550142'], ['identifier', 'lost-keys']] as const) {
      expect(await ctx.deps.models.contactKeys.findById(keyOf(field, value)).lean()).toMatchObject({ contact_id: contact.id });
    }
    expect(await reconcile(own.id)).toEqual({ checked: 1, behind: 0, indexed: 1, orphans: 0, unkeyed: 0, failed: [] });
    // The value is the contact's again: another contact cannot take it.
    await ctx.http.post(own.path('/contacts')).set('api_access_token', own.adminToken).send({ name: 'Second', email: 'lost-keys@example.com' }).expect(422);
  });

  it('when a document was deleted by hand from the index, then reconcile indexes the contact again past the tombstone', async () => {
    const own = await ctx.createAccount();
    const contact = await createContact(ctx, own, { name: 'Deleted by hand from the index' });
    await ctx.deps.indexer.indexContacts([contact.id]);
    // A delete made outside the service leaves a tombstone newer than the contact's version,
    // which refuses the contact's own version: MongoDB's version is moved past it.
    await ctx.deps.es.delete({ index: ctx.deps.index, id: String(contact.id), routing: accountRouting(own.id) });

    const report = await reconcile(own.id);
    expect(report).toMatchObject({ checked: 1, behind: 1, failed: [] });
    const version = (await ctx.deps.models.contacts.findById(String(contact.id)).lean())!.version;
    expect(version).toBeGreaterThan(2);
    expect(await indexed(contact.id, own.id)).toEqual({ version, name: 'Deleted by hand from the index' });
    expect(await ctx.deps.models.pendingSync.exists({ _id: String(contact.id) })).toBeNull();
    await ctx.deps.es.indices.refresh({ index: ctx.deps.index });
    expect(await reconcile(own.id)).toEqual({ checked: 1, behind: 0, indexed: 1, orphans: 0, unkeyed: 0, failed: [] });
  });

  it('when a document was changed by hand in the index (a version MongoDB never had), then reconcile finds it and puts MongoDB\'s contact back', async () => {
    const own = await ctx.createAccount();
    const contact = await createContact(ctx, own, { name: 'Changed by hand in the index' });
    await ctx.deps.indexer.indexContacts([contact.id]);
    // An update made outside the service: internal versioning raises the document's version.
    await ctx.deps.es.update({ index: ctx.deps.index, id: String(contact.id), routing: accountRouting(own.id), doc: { name: 'tampered' }, refresh: true });

    const dry = await reconcile(own.id, true);
    expect(dry).toEqual({ checked: 1, behind: 1, indexed: 1, orphans: 0, unkeyed: 0, failed: [] });
    const report = await reconcile(own.id);
    expect(report).toMatchObject({ checked: 1, behind: 1, failed: [] });
    const version = (await ctx.deps.models.contacts.findById(String(contact.id)).lean())!.version;
    expect(version).toBe(3);
    expect(await indexed(contact.id, own.id)).toEqual({ version, name: 'Changed by hand in the index' });
    await ctx.deps.es.indices.refresh({ index: ctx.deps.index });
    const found = await ctx.http
      .post(own.path('/contacts/filter'))
      .set('api_access_token', own.adminToken)
      .send({ payload: [{ attribute_key: 'name', filter_operator: 'equal_to', values: ['Changed by hand in the index'] }] })
      .expect(200);
    expect(found.body.payload.map((c: { id: number }) => c.id)).toEqual([contact.id]);
    expect(await reconcile(own.id)).toEqual({ checked: 1, behind: 0, indexed: 1, orphans: 0, unkeyed: 0, failed: [] });
  });

  it('when a deleted contact is still in the index, then reconcile removes it and purges the tombstone', async () => {
    const own = await ctx.createAccount();
    const gone = await createContact(ctx, own, { name: 'Deleted while Elasticsearch was down' });
    await ctx.deps.indexer.indexContacts([gone.id]);
    await ctx.http.delete(own.path(`/contacts/${gone.id}`)).set('api_access_token', own.adminToken).expect(200);
    expect(await indexed(gone.id, own.id)).not.toBeNull();

    const report = await reconcile(own.id);
    expect(report.behind).toBe(1);
    expect(report.failed).toEqual([]);
    expect(await indexed(gone.id, own.id)).toBeNull();
    expect(await ctx.deps.models.contacts.findById(String(gone.id)).lean()).toBeNull();
  });

  it('when a contact is written and indexed between reconcile reading it and reading the index, then it is in step, not ahead of MongoDB', async () => {
    const own = await ctx.createAccount();
    const contact = await createContact(ctx, own, { name: 'Before' });
    await ctx.deps.indexer.indexContacts([contact.id]);
    // The write lands right before reconcile asks the index which versions it holds.
    const report = await reconcileWhile(own.id, 'mget', 'before', async () => {
      await ctx.http.patch(own.path(`/contacts/${contact.id}`)).send({ name: 'Written meanwhile' }).set('api_access_token', own.adminToken).expect(200);
      await ctx.deps.indexer.indexContacts([contact.id]);
    });
    expect(report).toMatchObject({ checked: 1, behind: 0, failed: [] });
    expect(await indexed(contact.id, own.id)).toEqual({ version: 2, name: 'Written meanwhile' });
    expect((await ctx.deps.models.contacts.findById(String(contact.id)).lean())!.version).toBe(2);
  });

  it('when a contact the index lacks is deleted between reconcile reading it and indexing it, then its delete settles it, not a failure', async () => {
    const own = await ctx.createAccount();
    const contact = await createContact(ctx, own, { name: 'Deleted meanwhile' });
    // The delete lands right before reconcile asks the index which versions it holds.
    const report = await reconcileWhile(own.id, 'mget', 'before', () =>
      ctx.http.delete(own.path(`/contacts/${contact.id}`)).set('api_access_token', own.adminToken).expect(200),
    );
    expect(report).toMatchObject({ checked: 1, behind: 1, failed: [] });
    expect(await indexed(contact.id, own.id)).toBeNull();
    expect(await ctx.deps.models.contacts.findById(String(contact.id)).lean()).toBeNull();
  });

  it('when a contact is written right after reconcile moved its version past the index and indexed it, then that write is its own sync\'s, not a failure', async () => {
    const own = await ctx.createAccount();
    const contact = await createContact(ctx, own, { name: 'Changed by hand in the index' });
    await ctx.deps.indexer.indexContacts([contact.id]);
    await ctx.deps.es.update({ index: ctx.deps.index, id: String(contact.id), routing: accountRouting(own.id), doc: { name: 'tampered' }, refresh: true });
    // The write lands right after the overtake's bulk (the first of this reconcile), before its check.
    const report = await reconcileWhile(own.id, 'bulk', 'after', () =>
      ctx.http.patch(own.path(`/contacts/${contact.id}`)).send({ name: 'Written meanwhile' }).set('api_access_token', own.adminToken).expect(200),
    );
    expect(report).toMatchObject({ checked: 1, behind: 1, failed: [] });
    expect(await indexed(contact.id, own.id)).toEqual({ version: 3, name: 'Changed by hand in the index' });
    expect((await ctx.deps.models.contacts.findById(String(contact.id)).lean())!.version).toBe(4);
  });
});
