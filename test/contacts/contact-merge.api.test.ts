import { mergeLockId } from '../../src/contacts/merge-lock.model';
import { startTestContext, waitFor, type TestAccount, type TestContext } from '../support/context';
import { lapseMergeLocks, mergeThatDies } from '../support/dying-merge';
import { createContact, setLabels } from '../support/factories';
import { createInbox } from '../support/inboxes';

let ctx: TestContext;
let account: TestAccount;

beforeAll(async () => {
  ctx = await startTestContext();
  account = await ctx.createAccount();
});
afterAll(() => ctx.close());

const as = (token: string) => ({ api_access_token: token });
const merge = (acc: TestAccount, body: object) => ctx.http.post(acc.path('/actions/contact_merge')).set(as(acc.agentToken)).send(body);

describe('merging contacts', () => {
  it('when a contact is merged into another, then notes and labels move, the base\'s values win, gaps are filled and the index follows', async () => {
    const base = await createContact(ctx, account, { name: 'Base Name', email: 'base@example.com', phone_number: null, city: 'Lima', custom_attributes: { plan: 'pro' } });
    const mergee = await createContact(ctx, account, {
      name: 'Mergee Name', email: 'mergee@example.com', phone_number: '+51999000111', identifier: 'crm-9', city: 'Cusco', company_name: 'Acme', custom_attributes: { plan: 'free', seats: 3 },
    });
    await setLabels(ctx, account.id, base.id, ['vip', 'lead']);
    await setLabels(ctx, account.id, mergee.id, ['lead', 'churn-risk']);
    const note = await ctx.http.post(account.path(`/contacts/${mergee.id}/notes`)).set(as(account.agentToken)).send({ content: 'called them' });

    const res = await merge(account, { base_contact_id: base.id, mergee_contact_id: mergee.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: base.id,
      name: 'Base Name',
      email: 'base@example.com',
      phone_number: '+51999000111',
      identifier: 'crm-9',
      additional_attributes: { city: 'Lima', company_name: 'Acme' },
      custom_attributes: { plan: 'pro', seats: 3 },
    });
    expect(res.body.labels.sort()).toEqual(['churn-risk', 'lead', 'vip']);

    const notes = await ctx.http.get(account.path(`/contacts/${base.id}/notes`)).set(as(account.agentToken));
    expect(notes.body.map((n: { id: number }) => n.id)).toEqual([note.body.id]);
    expect((await ctx.http.get(account.path(`/contacts/${mergee.id}`)).set(as(account.agentToken))).status).toBe(404);

    await ctx.settle(account.id);
    const list = await ctx.http.get(account.path('/contacts')).set(as(account.agentToken));
    const ids = list.body.payload.map((c: { id: number }) => c.id);
    expect(ids).toContain(base.id);
    expect(ids).not.toContain(mergee.id);
    const indexed = list.body.payload.find((c: { id: number }) => c.id === base.id);
    expect(indexed.phone_number).toBe('+51999000111');
    expect(indexed.labels.sort()).toEqual(['churn-risk', 'lead', 'vip']);
    const labelled = await ctx.http.get(account.path('/contacts?labels[]=churn-risk')).set(as(account.agentToken));
    expect(labelled.body.payload.map((c: { id: number }) => c.id)).toEqual([base.id]);
  });

  it('when the mergee\'s email is taken over, then it no longer blocks the base from holding it', async () => {
    const base = await createContact(ctx, account, { name: 'No email', email: null });
    const mergee = await createContact(ctx, account, { email: 'moves@example.com' });
    const res = await merge(account, { base_contact_id: base.id, mergee_contact_id: mergee.id });
    expect(res.status).toBe(200);
    expect(res.body.email).toBe('moves@example.com');
    // The base now owns the email's key.
    const key = await ctx.deps.models.contactKeys.findById(`${account.id}:email:moves@example.com`).lean();
    expect(key!.contact_id).toBe(base.id);
  });

  it.each([
    [{ base_contact_id: 1 }, 'mergee_contact_id'],
    [{ base_contact_id: 'x', mergee_contact_id: 2 }, 'base_contact_id'],
    // Each of these once read as a contact id (true as 1, [2] as 2, "1e1" as 10) and merged.
    [{ base_contact_id: true, mergee_contact_id: 2 }, 'base_contact_id'],
    [{ base_contact_id: 1, mergee_contact_id: [2] }, 'mergee_contact_id'],
    [{ base_contact_id: '1e1', mergee_contact_id: 2 }, 'base_contact_id'],
    [{ base_contact_id: 1.5, mergee_contact_id: 2 }, 'base_contact_id'],
  ])('when the body is %j, then it answers 422 naming the field', async (body, field) => {
    const res = await merge(account, body);
    expect(res.status).toBe(422);
    expect(res.body.field).toBe(field);
  });

  // Rails reads parameters from the query string too; the ids there were "must be a contact id" though given.
  it('when the ids come in the query string, then they are read from there; missing or given twice with two values, it says so', async () => {
    const base = await createContact(ctx, account, { name: 'Query base', phone_number: null });
    const mergee = await createContact(ctx, account, { name: 'Query mergee', phone_number: null });
    const twice = await ctx.http.post(account.path(`/actions/contact_merge?base_contact_id=${base.id}`)).set(as(account.agentToken)).send({ base_contact_id: mergee.id, mergee_contact_id: mergee.id });
    expect([twice.status, twice.body.field]).toEqual([422, 'base_contact_id']);
    expect(twice.body.error).toBe(`base_contact_id is given twice, ${mergee.id} in the body and ${base.id} in the query string; send one`);
    const missing = await ctx.http.post(account.path(`/actions/contact_merge?base_contact_id=${base.id}`)).set(as(account.agentToken));
    expect([missing.status, missing.body.field, missing.body.error]).toEqual([422, 'mergee_contact_id', 'mergee_contact_id is required']);
    const res = await ctx.http.post(account.path(`/actions/contact_merge?base_contact_id=${base.id}&mergee_contact_id=${mergee.id}`)).set(as(account.agentToken));
    expect([res.status, res.body.id]).toEqual([200, base.id]);
  });

  it('when the mergee\'s notes were all deleted, then its empty list of notes goes with it', async () => {
    const base = await createContact(ctx, account, { email: null });
    const mergee = await createContact(ctx, account, {});
    const note = (await ctx.http.post(account.path(`/contacts/${mergee.id}/notes`)).set(as(account.agentToken)).send({ content: 'gone soon' }).expect(200)).body;
    await ctx.http.delete(account.path(`/contacts/${mergee.id}/notes/${note.id}`)).set(as(account.agentToken)).expect(200);
    expect(await ctx.deps.models.contactNotes.findById(String(mergee.id)).lean()).not.toBeNull();
    expect((await merge(account, { base_contact_id: base.id, mergee_contact_id: mergee.id })).status).toBe(200);
    expect(await ctx.deps.models.contactNotes.findById(String(mergee.id)).lean()).toBeNull();
  });

  it('when a contact is merged into itself, then it answers 422', async () => {
    const contact = await createContact(ctx, account);
    expect((await merge(account, { base_contact_id: contact.id, mergee_contact_id: contact.id })).status).toBe(422);
  });

  it('when either contact belongs to another account, then it answers 404 and nothing moves', async () => {
    const other = await ctx.createAccount();
    const theirs = await createContact(ctx, other);
    const mine = await createContact(ctx, account);
    expect((await merge(account, { base_contact_id: mine.id, mergee_contact_id: theirs.id })).status).toBe(404);
    expect((await merge(account, { base_contact_id: theirs.id, mergee_contact_id: mine.id })).status).toBe(404);
    expect((await ctx.http.get(other.path(`/contacts/${theirs.id}`)).set(as(other.adminToken))).status).toBe(200);
    expect((await ctx.http.get(account.path(`/contacts/${mine.id}`)).set(as(account.adminToken))).status).toBe(200);
  });

  it('when a blocked contact is merged into one that is not, then the merged contact is blocked: a merge does not shed a block', async () => {
    const base = await createContact(ctx, account, { name: 'Unblocked', phone_number: null });
    const blocked = await createContact(ctx, account, { name: 'Blocked', phone_number: '+15550007777', blocked: true });
    const res = await merge(account, { base_contact_id: base.id, mergee_contact_id: blocked.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: base.id, blocked: true, phone_number: '+15550007777' });
  });

  // An agent merging a known person into a website visitor's contact kept "Visitor 4e07c7" and lost the name (found by a black-box tester).
  it("when the base is a website visitor's contact with its placeholder name, then the mergee's real name replaces it; two placeholders keep the base's", async () => {
    const visitor = await createContact(ctx, account, { name: 'Visitor 4e07c7', email: null, phone_number: null, identifier: null });
    const known = await createContact(ctx, account, { name: 'Secret Person', email: 'secret-person@example.com', phone_number: null });
    const res = await merge(account, { base_contact_id: visitor.id, mergee_contact_id: known.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: visitor.id, name: 'Secret Person', email: 'secret-person@example.com' });
    const other = await createContact(ctx, account, { name: 'Visitor 00aa11', email: null, phone_number: null, identifier: null });
    const again = await createContact(ctx, account, { name: 'Visitor 22bb33', email: null, phone_number: null, identifier: 'v-22bb33' });
    expect((await merge(account, { base_contact_id: other.id, mergee_contact_id: again.id })).body.name).toBe('Visitor 00aa11');
  });

  // Chatwoot deep-merges them; the mergee's github and linkedin were lost beside the base's twitter.
  it('when both hold social profiles, then each network the base lacks is filled from the mergee, the base\'s own kept', async () => {
    const base = await createContact(ctx, account, { name: 'Social base', phone_number: null, additional_attributes: { social_profiles: { twitter: 'base_tw' } } });
    const mergee = await createContact(ctx, account, { name: 'Social mergee', phone_number: null, additional_attributes: { social_profiles: { twitter: 'mer_tw', github: 'gh-x', linkedin: 'in-mer' } } });
    const res = await merge(account, { base_contact_id: base.id, mergee_contact_id: mergee.id });
    expect(res.status).toBe(200);
    expect(res.body.additional_attributes.social_profiles).toEqual({ twitter: 'base_tw', github: 'gh-x', linkedin: 'in-mer' });
  });

  // Repeated merges grew a contact's attributes past the bounds a write keeps, and every later write of them was refused.
  it('when the merged contact would hold more attributes than a write may make, then the merge is a 422 and nothing moves; a contact already past them may still be written smaller', async () => {
    const big = (prefix: string) => Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`${prefix}${i}`, 'a'.repeat(900)]));
    const base = await createContact(ctx, account, { name: 'Big base', phone_number: null, custom_attributes: big('bk') });
    const mergee = await createContact(ctx, account, { name: 'Big mergee', phone_number: null, custom_attributes: big('mk') });
    const res = await merge(account, { base_contact_id: base.id, mergee_contact_id: mergee.id });
    expect([res.status, res.body.field]).toEqual([422, 'mergee_contact_id']);
    expect(res.body.error).toMatch(new RegExp(`^contact ${mergee.id} cannot be merged into contact ${base.id}: the merged custom_attributes would take [\\d,]+ bytes as JSON; a contact's custom_attributes may take at most 65,536$`));
    expect((await ctx.http.get(account.path(`/contacts/${mergee.id}`)).set(as(account.adminToken))).status).toBe(200);

    // As a merge left such a contact before merges were bounded.
    await ctx.deps.models.contacts.updateOne({ _id: base.id }, { $set: { custom_attributes: { ...big('bk'), ...big('mk') } } });
    const patch = (body: object) => ctx.http.patch(account.path(`/contacts/${base.id}`)).set(as(account.adminToken)).send(body);
    expect((await patch({ custom_attributes: { bk0: null } })).status).toBe(200);
    expect((await patch({ custom_attributes: { bk1: 'short' } })).status).toBe(200);
    const grown = await patch({ custom_attributes: { bk2: 'b'.repeat(950) } });
    expect([grown.status, grown.body.field]).toEqual([422, 'custom_attributes']);
  });
});

describe('merges racing other writes', () => {
  const show = (id: number) => ctx.http.get(account.path(`/contacts/${id}`)).set(as(account.adminToken));
  const live = async (ids: number[]) => (await Promise.all(ids.map(async (id) => ((await show(id)).status === 200 ? id : null)))).filter((id) => id !== null);

  it('when two contacts are merged into each other at once, then one merge wins and the other answers 404: one contact survives with both', async () => {
    for (let round = 0; round < 3; round++) {
      const p = await createContact(ctx, account, { name: null, email: `swap-p-${round}@example.com` });
      const q = await createContact(ctx, account, { name: null, email: null, phone_number: `+5199911${round}000` });
      const results = await Promise.all([
        merge(account, { base_contact_id: p.id, mergee_contact_id: q.id }),
        merge(account, { base_contact_id: q.id, mergee_contact_id: p.id }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 404]);
      const survivors = await live([p.id, q.id]);
      expect(survivors).toHaveLength(1);
      expect((await show(survivors[0]!)).body.payload).toMatchObject({ email: `swap-p-${round}@example.com`, phone_number: `+5199911${round}000` });
    }
  });

  it('when one contact is merged into two bases at once, then it lands in one of them and the other merge answers 404', async () => {
    for (let round = 0; round < 3; round++) {
      const mergee = await createContact(ctx, account, { email: `twice-${round}@example.com` });
      await ctx.http.post(account.path(`/contacts/${mergee.id}/notes`)).set(as(account.adminToken)).send({ content: 'kept once' }).expect(200);
      const x = await createContact(ctx, account, { email: null });
      const y = await createContact(ctx, account, { email: null });
      const results = await Promise.all([x, y].map((base) => merge(account, { base_contact_id: base.id, mergee_contact_id: mergee.id })));
      expect(results.map((r) => r.status).sort()).toEqual([200, 404]);
      const winner = results[0]!.status === 200 ? x : y;
      expect((await show(winner.id)).body.payload.email).toBe(`twice-${round}@example.com`);
      const notes = await Promise.all([x, y].map(async (c) => (await ctx.http.get(account.path(`/contacts/${c.id}/notes`)).set(as(account.adminToken))).body.length));
      expect(notes[0]! + notes[1]!).toBe(1);
    }
  });

  it('when a contact is merged away while it is itself the base of another merge, then no merged contact is lost', async () => {
    for (let round = 0; round < 3; round++) {
      const a = await createContact(ctx, account, { email: null });
      const b = await createContact(ctx, account, { email: null });
      const c = await createContact(ctx, account, { email: `chain-c-${round}@example.com`, custom_attributes: { chain_mark: `c${round}` } });
      const [ab, bc] = await Promise.all([
        merge(account, { base_contact_id: a.id, mergee_contact_id: b.id }),
        merge(account, { base_contact_id: b.id, mergee_contact_id: c.id }),
      ]);
      expect(ab.status).toBe(200);
      expect([200, 404]).toContain(bc.status);
      // c is either still itself (its merge found b gone) or in a, through b.
      const holder = bc.status === 200 ? a.id : c.id;
      expect((await show(holder)).body.payload).toMatchObject({ email: `chain-c-${round}@example.com`, custom_attributes: { chain_mark: `c${round}` } });
    }
  });

  // Found by a black-box race of two API processes: the merge read the mergee again after deleting
  // it, the sync worker had purged it by then, and the merge fell back to its first read: a PATCH
  // of the mergee answered 200 in between never reached the base.
  it('when the mergee is purged before the merge reads it again, then what was written to it before its delete still reaches the base', async () => {
    const base = await createContact(ctx, account, { name: 'Purged Base', email: null });
    const mergee = await createContact(ctx, account, { name: 'Purged Mergee', email: 'purged-mergee@example.com' });
    const { writer } = ctx.deps;
    const original = writer.removeAnswering.bind(writer);
    // A PATCH lands just before the delete, and the purge runs right after it, before anything reads the mergee again.
    const spy = jest.spyOn(writer, 'removeAnswering').mockImplementation(async (accountId, id) => {
      expect((await ctx.http.patch(account.path(`/contacts/${id}`)).set(as(account.adminToken)).send({ custom_attributes: { late_write: 'kept' } })).status).toBe(200);
      const removed = await original(accountId, id);
      await ctx.deps.models.contacts.deleteOne({ _id: String(id) });
      return removed;
    });
    try {
      const res = await merge(account, { base_contact_id: base.id, mergee_contact_id: mergee.id });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: base.id, email: 'purged-mergee@example.com', custom_attributes: { late_write: 'kept' } });
    } finally {
      spy.mockRestore();
    }
  });

  /** The merge, with somebody else's request `other` sent the moment the mergee is deleted, before the base is written. */
  async function mergeWithRequestAtDelete<T>(baseId: number, mergeeId: number, other: () => Promise<T>) {
    const { writer } = ctx.deps;
    const original = writer.removeAnswering.bind(writer);
    let answer: { value: T } | undefined;
    const spy = jest.spyOn(writer, 'removeAnswering').mockImplementation(async (accountId, id) => {
      const removed = await original(accountId, id);
      if (id === mergeeId && !answer) answer = { value: await other() };
      return removed;
    });
    try {
      const res = await merge(account, { base_contact_id: baseId, mergee_contact_id: mergeeId });
      return { res, other: answer!.value };
    } finally {
      spy.mockRestore();
    }
  }

  /** The merge, with somebody else creating a contact with `email` the moment the mergee is deleted. */
  async function mergeWithTakerAtDelete(baseId: number, mergeeId: number, email: string) {
    const { res, other: taker } = await mergeWithRequestAtDelete(baseId, mergeeId, () =>
      ctx.http.post(account.path('/contacts')).set(as(account.adminToken)).send({ name: 'Taker', email }),
    );
    return { res, taker };
  }

  // A label's job walks its carriers as the index and the pending writes show them: a deletion or
  // a rename between the mergee's delete and the base's write passed both (the mergee deleted, the
  // base without the label yet), and the base then took the mergee's label as it was (soak test:
  // merge bases kept a label the account no longer had, and a renamed label's old title).
  async function mergeCarryingLabel(title: string, change: (labelId: number) => Promise<unknown>) {
    const label = (await ctx.http.post(account.path('/labels')).set(as(account.adminToken)).send({ title }).expect(200)).body;
    const base = await createContact(ctx, account, { email: null, labels: ['kept-by-base'] });
    const mergee = await createContact(ctx, account, { labels: [title] });
    const { res } = await mergeWithRequestAtDelete(base.id, mergee.id, () => change(label.id));
    expect(res.status).toBe(200);
    const titles = (await ctx.http.get(account.path('/labels')).set(as(account.adminToken))).body.payload.map((l: { title: string }) => l.title);
    return { base, res, titles, shown: (await show(base.id)).body.payload };
  }

  it('when the label the mergee carries is deleted while the merge runs, then the base does not take it', async () => {
    const { res, titles, shown } = await mergeCarryingLabel('merge-deleted', (id) => ctx.http.delete(account.path(`/labels/${id}`)).set(as(account.adminToken)).expect(200));
    expect(titles).not.toContain('merge-deleted');
    expect(shown.labels).toEqual(['kept-by-base']);
    expect(res.body.labels).toEqual(['kept-by-base']);
  });

  it('when the label the mergee carries is renamed while the merge runs, then the base takes its new title', async () => {
    const { base, res, titles, shown } = await mergeCarryingLabel('merge-old-title', (id) =>
      ctx.http.patch(account.path(`/labels/${id}`)).set(as(account.adminToken)).send({ title: 'merge-new-title' }).expect(200),
    );
    expect(titles).toContain('merge-new-title');
    expect(titles).not.toContain('merge-old-title');
    expect(shown.labels.sort()).toEqual(['kept-by-base', 'merge-new-title']);
    expect(res.body.labels.sort()).toEqual(['kept-by-base', 'merge-new-title']);
    await waitFor(async () => {
      const listed = (await ctx.http.get(account.path('/contacts?labels[]=merge-new-title')).set(as(account.adminToken))).body.payload;
      return listed.length === 1 && listed[0].id === base.id;
    }, 'the base listed under the new title');
  });

  // The sweep that finishes a merge whose process died read the labels again: a label deleted
  // (its job done) in between was no longer known as one, and the base kept its title.
  it("when a merge's process dies before its base write and the mergee's label is deleted before the sweep finishes it, then the base does not take it", async () => {
    const title = 'merge-died-deleted';
    const label = (await ctx.http.post(account.path('/labels')).set(as(account.adminToken)).send({ title }).expect(200)).body;
    const base = await createContact(ctx, account, { email: null, labels: ['kept-by-base'] });
    const mergee = await createContact(ctx, account, { labels: [title] });
    mergeThatDies(ctx, account.id, base.id, mergee.id, 'base write');
    await waitFor(async () => (await show(mergee.id)).status === 404, 'the merge to delete its mergee');
    await ctx.http.delete(account.path(`/labels/${label.id}`)).set(as(account.adminToken)).expect(200);
    await waitFor(async () => !(await ctx.deps.mergeDeps.labels.labelIdsByTitle(account.id)).has(title), "the label's job to finish");

    await lapseMergeLocks(ctx, account.id, [base.id, mergee.id]);
    // The worker's own sweep may be the one to finish it: then this one finds it taken.
    await ctx.deps.finishAbandonedMerges();
    await waitFor(async () => !(await ctx.deps.models.mergeLocks.findById(mergeLockId(account.id, base.id)).lean()), 'the merge to finish');
    expect((await show(base.id)).body.payload.labels).toEqual(['kept-by-base']);
  });

  it("when a new contact is given the mergee's email between the mergee's delete and the base's write, then the base keeps it: the merge is not refused with the mergee already gone", async () => {
    const base = await createContact(ctx, account, { name: 'Handed Base', email: null, phone_number: null });
    const mergee = await createContact(ctx, account, { name: 'Handed Mergee', email: 'handed@example.com', phone_number: '+51999000222', custom_attributes: { crm: 'k2' } });
    const { res, taker } = await mergeWithTakerAtDelete(base.id, mergee.id, 'handed@example.com');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: base.id, email: 'handed@example.com', phone_number: '+51999000222', custom_attributes: { crm: 'k2' } });
    expect(taker.status).toBe(422);
    expect(taker.body.error).toContain(`already belongs to contact ${base.id}`);
  });

  it("when the mergee's email went to another contact after all, then the base takes everything else: the merge is not refused with the mergee already gone", async () => {
    const base = await createContact(ctx, account, { name: 'Lapsed Base', email: null, phone_number: null });
    const mergee = await createContact(ctx, account, { name: 'Lapsed Mergee', email: 'lapsed@example.com', phone_number: '+51999000333', custom_attributes: { crm: 'k3' } });
    // As if the hand-over had found the key taken: the email is free once the mergee is deleted.
    const handOver = jest.spyOn(ctx.deps.writer, 'handOverKeys').mockImplementation(async () => undefined);
    let outcome;
    try {
      outcome = await mergeWithTakerAtDelete(base.id, mergee.id, 'lapsed@example.com');
    } finally {
      handOver.mockRestore();
    }
    expect(outcome.taker.status).toBe(200);
    expect(outcome.res.status).toBe(200);
    expect(outcome.res.body).toMatchObject({ id: base.id, name: 'Lapsed Base', email: null, phone_number: '+51999000333', custom_attributes: { crm: 'k3' } });
  });

  it('when the mergee is written while the merge runs (after it was read, before it is deleted), then those writes reach the base', async () => {
    const base = await createContact(ctx, account, { email: null });
    const mergee = await createContact(ctx, account, {});
    const notes = ctx.deps.services.notes;
    const original = notes.moveToContact.bind(notes);
    let note: { id: number } | undefined;
    const spy = jest.spyOn(notes, 'moveToContact').mockImplementation(async (accountId, fromId, toId) => {
      await original(accountId, fromId, toId);
      if (fromId !== mergee.id || note) return;
      // Another agent, between the merge's read of the mergee and its deletion.
      await ctx.http.patch(account.path(`/contacts/${mergee.id}`)).set(as(account.adminToken)).send({ custom_attributes: { late_key: 'late' } }).expect(200);
      await ctx.http.post(account.path('/bulk_actions')).set(as(account.adminToken)).send({ type: 'Contact', ids: [mergee.id], labels: { add: ['late-label'] } }).expect(200);
      note = (await ctx.http.post(account.path(`/contacts/${mergee.id}/notes`)).set(as(account.adminToken)).send({ content: 'late note' }).expect(200)).body;
    });
    try {
      const res = await merge(account, { base_contact_id: base.id, mergee_contact_id: mergee.id });
      expect(res.status).toBe(200);
    } finally {
      spy.mockRestore();
    }
    const after = (await show(base.id)).body.payload;
    expect(after.custom_attributes).toMatchObject({ late_key: 'late' });
    expect(after.labels).toContain('late-label');
    const listed = (await ctx.http.get(account.path(`/contacts/${base.id}/notes`)).set(as(account.adminToken))).body;
    expect(listed.map((n: { id: number }) => n.id)).toContain(note!.id);
  });

  it('when a note and a conversation are written to the mergee while its records are being moved, then they are not dropped with its old lists', async () => {
    const inbox = await createInbox(ctx, account, { type: 'email', email: 'support@shop.example', smtp_address: 'smtp.shop.example', smtp_port: 587 });
    const base = await createContact(ctx, account, { email: null });
    const mergee = await createContact(ctx, account, {});
    await ctx.http.post(account.path(`/contacts/${mergee.id}/notes`)).set(as(account.adminToken)).send({ content: 'early note' }).expect(200);
    await ctx.http.post(account.path('/conversations')).set(as(account.adminToken)).send({ inbox_id: inbox.id, contact_id: mergee.id, message: { content: 'early' } }).expect(200);
    const { notes, conversations } = ctx.deps.models;
    const originalNotes = notes.updateMany.bind(notes);
    const originalConversations = conversations.updateMany.bind(conversations);
    let note: { id: number } | undefined;
    let conversation: { id: number } | undefined;
    // Each lands after the move read the mergee's list and before it dropped that list.
    const noteSpy = jest.spyOn(notes, 'updateMany').mockImplementation(((...args: unknown[]) => {
      const run = async () => {
        if (!note) note = (await ctx.http.post(account.path(`/contacts/${mergee.id}/notes`)).set(as(account.adminToken)).send({ content: 'late note' }).expect(200)).body;
        return (originalNotes as (...a: unknown[]) => unknown)(...args);
      };
      return run();
    }) as never);
    const conversationSpy = jest.spyOn(conversations, 'updateMany').mockImplementation(((...args: unknown[]) => {
      const run = async () => {
        if (!conversation) {
          conversation = (await ctx.http.post(account.path('/conversations')).set(as(account.adminToken)).send({ inbox_id: inbox.id, contact_id: mergee.id, message: { content: 'late' } }).expect(200)).body;
        }
        return (originalConversations as (...a: unknown[]) => unknown)(...args);
      };
      return run();
    }) as never);
    try {
      expect((await merge(account, { base_contact_id: base.id, mergee_contact_id: mergee.id })).status).toBe(200);
    } finally {
      noteSpy.mockRestore();
      conversationSpy.mockRestore();
    }
    const listedNotes = (await ctx.http.get(account.path(`/contacts/${base.id}/notes`)).set(as(account.adminToken))).body;
    expect(listedNotes.map((n: { content: string }) => n.content).sort()).toEqual(['early note', 'late note']);
    const listedConversations = (await ctx.http.get(account.path(`/contacts/${base.id}/conversations`)).set(as(account.adminToken))).body.payload;
    expect(listedConversations.map((c: { id: number }) => c.id)).toContain(conversation!.id);
    expect(listedConversations).toHaveLength(2);
  });

  it('when the base is deleted while the merge runs, then the delete waits for the merge: the merge is not answered 404 after deleting the mergee', async () => {
    const base = await createContact(ctx, account, { email: null });
    const mergee = await createContact(ctx, account, { email: 'kept-by-merge@example.com' });
    const notes = ctx.deps.services.notes;
    const original = notes.moveToContact.bind(notes);
    let deletion: Promise<{ status: number }> | undefined;
    const spy = jest.spyOn(notes, 'moveToContact').mockImplementation(async (accountId, fromId, toId) => {
      if (fromId === mergee.id && !deletion) {
        // An administrator deletes the base at this moment; the merge goes on meanwhile.
        deletion = ctx.http.delete(account.path(`/contacts/${base.id}`)).set(as(account.adminToken)).then((r) => r);
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      await original(accountId, fromId, toId);
    });
    let merged;
    try {
      merged = await merge(account, { base_contact_id: base.id, mergee_contact_id: mergee.id });
    } finally {
      spy.mockRestore();
    }
    expect((await deletion!).status).toBe(200);
    // The delete came second: the merge finished on a live base, which the delete then removed.
    expect(merged.status).toBe(200);
    expect(merged.body.email).toBe('kept-by-merge@example.com');
  });
});

