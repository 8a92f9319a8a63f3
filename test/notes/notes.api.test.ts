import { randomUUID } from 'node:crypto';
import { startTestContext, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';

let ctx: TestContext;
let account: TestAccount;

beforeAll(async () => {
  ctx = await startTestContext();
  account = await ctx.createAccount();
});
afterAll(() => ctx.close());

const as = (token: string) => ({ api_access_token: token });

describe('notes on a contact', () => {
  it('when notes are created, edited and deleted, then the list shows them newest first in Chatwoot\'s shape', async () => {
    const contact = await createContact(ctx, account);
    const notesPath = account.path(`/contacts/${contact.id}/notes`);
    const markdown = '## Call\n\n- asked for **pricing**\n- follow up `next week`';

    const first = await ctx.http.post(notesPath).set(as(account.agentToken)).send({ content: markdown });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ content: markdown, account_id: account.id, contact_id: contact.id, user: { name: 'Agent' } });
    expect(typeof first.body.id).toBe('number');
    expect(typeof first.body.created_at).toBe('number');
    expect(typeof first.body.updated_at).toBe('number');
    const second = await ctx.http.post(notesPath).set(as(account.adminToken)).send({ content: 'second' });
    expect(second.body.user.name).toBe('Admin');

    const list = await ctx.http.get(notesPath).set(as(account.agentToken));
    expect(list.status).toBe(200);
    expect(list.body.map((n: { id: number }) => n.id)).toEqual([second.body.id, first.body.id]);

    const edited = await ctx.http.patch(`${notesPath}/${first.body.id}`).set(as(account.agentToken)).send({ content: 'edited' });
    expect(edited.status).toBe(200);
    expect(edited.body.content).toBe('edited');
    const shown = await ctx.http.get(`${notesPath}/${first.body.id}`).set(as(account.agentToken));
    expect(shown.body).toEqual(edited.body);

    expect((await ctx.http.delete(`${notesPath}/${first.body.id}`).set(as(account.agentToken))).status).toBe(200);
    const after = await ctx.http.get(notesPath).set(as(account.agentToken));
    expect(after.body.map((n: { id: number }) => n.id)).toEqual([second.body.id]);
    expect((await ctx.http.get(`${notesPath}/${first.body.id}`).set(as(account.agentToken))).status).toBe(404);
  });

  it.each([
    [{ content: '' }, 'content'],
    [{ content: '   \n ' }, 'content'],
    [{ content: 'x'.repeat(50001) }, 'content'],
    [{}, 'content'],
    [{ content: 5 }, 'content'],
  ])('when the body is %#, then it answers 422 naming content', async (body, field) => {
    const contact = await createContact(ctx, account);
    const res = await ctx.http.post(account.path(`/contacts/${contact.id}/notes`)).set(as(account.agentToken)).send(body);
    expect(res.status).toBe(422);
    expect(res.body.field).toBe(field);
  });

  it('when the content comes wrapped in note, as Chatwoot\'s controller reads it, then it is created and edited the same', async () => {
    const contact = await createContact(ctx, account);
    const notesPath = account.path(`/contacts/${contact.id}/notes`);
    const created = await ctx.http.post(notesPath).set(as(account.agentToken)).send({ note: { content: 'wrapped' } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ content: 'wrapped', contact_id: contact.id });
    const edited = await ctx.http.put(`${notesPath}/${created.body.id}`).set(as(account.agentToken)).send({ note: { content: 'edited' } });
    expect(edited.status).toBe(200);
    expect(edited.body.content).toBe('edited');
    // Bare fields beside the wrapper would be read by nobody: refused rather than dropped.
    const mixed = await ctx.http.post(notesPath).set(as(account.agentToken)).send({ note: { content: 'a' }, content: 'b' });
    expect(mixed.status).toBe(422);
    const empty = await ctx.http.post(notesPath).set(as(account.agentToken)).send({ note: { content: ' ' } });
    expect(empty.status).toBe(422);
    expect(empty.body.field).toBe('content');
  });

  // Text pasted from a web page carries zero-width spaces: a note of only those and spaces showed
  // as an empty note.
  it('when the content is only spaces and zero-width characters, then it answers 422 as empty content does; a note with text keeps them as given', async () => {
    const contact = await createContact(ctx, account);
    const notesPath = account.path(`/contacts/${contact.id}/notes`);
    const invisible = await ctx.http.post(notesPath).set(as(account.agentToken)).send({ content: '\u200b\u00a0 \u3000\u2060' });
    expect(invisible.status).toBe(422);
    expect(invisible.body.field).toBe('content');
    const kept = await ctx.http.post(notesPath).set(as(account.agentToken)).send({ content: '\u200bLlam\u00e9 \u{1F44D}\u{1F3FD}\u200b' });
    expect(kept.body.content).toBe('\u200bLlam\u00e9 \u{1F44D}\u{1F3FD}\u200b');
  });

  // The validator's words ("Invalid input: expected string, received undefined") said little (a black-box read, 2026-12-05).
  it('when the content is left out or is not text, then the 422 says so in words', async () => {
    const contact = await createContact(ctx, account);
    const notesPath = account.path(`/contacts/${contact.id}/notes`);
    const missing = await ctx.http.post(notesPath).set(as(account.agentToken)).send({});
    expect(missing.body).toMatchObject({ error: 'content is required', field: 'content' });
    const wrong = await ctx.http.post(notesPath).set(as(account.agentToken)).send({ content: null });
    expect(wrong.body).toMatchObject({ error: 'content must be a string, not null', field: 'content' });
  });

  // Two users editing one note: the second save wrote over the first's text without a word (black-box read of the console).
  it('when a note is edited with If-Match, then it is written only if nobody edited it since; a stale tag is a 412 that writes nothing', async () => {
    const contact = await createContact(ctx, account);
    const notesPath = account.path(`/contacts/${contact.id}/notes`);
    const created = await ctx.http.post(notesPath).set(as(account.agentToken)).send({ content: 'first' });
    const createdTag = created.headers.etag as string;
    expect(createdTag).toMatch(/^"\d+-[\w-]+"$/);
    const read = await ctx.http.get(`${notesPath}/${created.body.id}`).set(as(account.agentToken));
    expect(read.headers.etag).toBe(createdTag);

    // The administrator edits it meanwhile (no If-Match: written, as Chatwoot's).
    const theirs = await ctx.http.patch(`${notesPath}/${created.body.id}`).set(as(account.adminToken)).send({ content: 'ADMIN ADDED AN IMPORTANT FACT' });
    expect(theirs.status).toBe(200);
    expect(theirs.headers.etag).not.toBe(createdTag);
    const stale = await ctx.http.patch(`${notesPath}/${created.body.id}`).set(as(account.agentToken)).set('If-Match', createdTag).send({ content: 'mine' });
    expect(stale.status).toBe(412);
    expect(stale.body.error).toBe(`note ${created.body.id} was changed by someone else since it was read; read it again and reapply the change`);
    const foreign = await ctx.http.patch(`${notesPath}/${created.body.id}`).set(as(account.agentToken)).set('If-Match', '"bogus"').send({ content: 'mine' });
    expect(foreign.status).toBe(412);
    expect(foreign.body.error).toMatch(/^If-Match names no ETag of note \d+/);
    expect((await ctx.http.get(`${notesPath}/${created.body.id}`).set(as(account.agentToken))).body.content).toBe('ADMIN ADDED AN IMPORTANT FACT');

    // With the tag of the note as it is now, the edit is written and answers the next tag; * is any version.
    const current = await ctx.http.put(`${notesPath}/${created.body.id}`).set(as(account.agentToken)).set('If-Match', theirs.headers.etag).send({ content: 'both facts' });
    expect(current.status).toBe(200);
    expect((await ctx.http.patch(`${notesPath}/${created.body.id}`).set(as(account.agentToken)).set('If-Match', current.headers.etag).send({ content: 'again' })).status).toBe(200);
    expect((await ctx.http.patch(`${notesPath}/${created.body.id}`).set(as(account.agentToken)).set('If-Match', '*').send({ content: 'any' })).status).toBe(200);

    // Two edits at once with one tag: one wins.
    const tag = (await ctx.http.get(`${notesPath}/${created.body.id}`).set(as(account.agentToken))).headers.etag;
    const racing = await Promise.all(['a', 'b', 'c'].map((content) => ctx.http.patch(`${notesPath}/${created.body.id}`).set(as(account.adminToken)).set('If-Match', tag).send({ content })));
    expect(racing.map((r) => r.status).sort()).toEqual([200, 412, 412]);
  });

  // A colleague's Save without an edit moved the version, and the next conditional edit was
  // refused as "changed by someone else"; a delete ignored If-Match (black-box audit).
  it('when a note is saved unchanged, then its ETag and updated_at stay; a delete takes If-Match as an edit does; a read takes If-None-Match', async () => {
    const contact = await createContact(ctx, account);
    const notesPath = account.path(`/contacts/${contact.id}/notes`);
    const created = await ctx.http.post(notesPath).set(as(account.agentToken)).send({ content: 'same' });
    const notePath = `${notesPath}/${created.body.id}`;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const unchanged = await ctx.http.patch(notePath).set(as(account.adminToken)).send({ content: 'same' });
    expect(unchanged.status).toBe(200);
    expect(unchanged.headers.etag).toBe(created.headers.etag);
    expect(unchanged.body.updated_at).toBe(created.body.updated_at);
    const edited = await ctx.http.patch(notePath).set(as(account.agentToken)).set('If-Match', created.headers.etag).send({ content: 'edited' });
    expect(edited.status).toBe(200);

    expect((await ctx.http.get(notePath).set(as(account.agentToken)).set('If-None-Match', edited.headers.etag)).status).toBe(304);
    expect((await ctx.http.get(notePath).set(as(account.agentToken)).set('If-None-Match', created.headers.etag)).status).toBe(200);

    const stale = await ctx.http.delete(notePath).set(as(account.agentToken)).set('If-Match', created.headers.etag);
    expect(stale.status).toBe(412);
    expect(stale.body.error).toBe(`note ${created.body.id} was changed by someone else since it was read; read it again and reapply the change`);
    expect((await ctx.http.get(notePath).set(as(account.agentToken))).body.content).toBe('edited');
    expect((await ctx.http.delete(notePath).set(as(account.agentToken)).set('If-Match', edited.headers.etag)).status).toBe(200);
    expect((await ctx.http.get(notePath).set(as(account.agentToken))).status).toBe(404);
    expect((await ctx.http.get(notesPath).set(as(account.agentToken))).body).toEqual([]);
  });

  // Chatwoot renders a note's user with its agent partial: a client reading user.availability_status or account_id found nothing.
  it("when a note is answered, then its user is the author as GET /agents shows them (Chatwoot's agent partial); a former member keeps the name, with no role, offline", async () => {
    const acc = await ctx.createAccount();
    const contact = await createContact(ctx, acc);
    const notesPath = acc.path(`/contacts/${contact.id}/notes`);
    const author = await ctx.deps.services.accounts.createUser({ accountId: acc.id, role: 'agent', name: 'Busy Author', email: `busy-${randomUUID()}@test.local` });
    const asListed = (await ctx.http.patch(acc.path(`/agents/${author.id}`)).set(as(acc.adminToken)).send({ availability: 'busy', auto_offline: false }).expect(200)).body;
    const note = await ctx.http.post(notesPath).set(as(author.accessToken)).send({ content: 'by the busy author' }).expect(200);
    expect(note.body.user).toEqual(asListed);
    expect(note.body.user).toMatchObject({ account_id: acc.id, role: 'agent', availability_status: 'busy', auto_offline: false, confirmed: true, provider: 'email' });

    await ctx.http.delete(acc.path(`/agents/${author.id}`)).set(as(acc.adminToken)).expect(200);
    const [shown] = (await ctx.http.get(notesPath).set(as(acc.adminToken)).expect(200)).body;
    expect(shown.user).toEqual({ ...asListed, role: null, availability_status: 'offline', auto_offline: true });
  });

  it('when another agent edits or deletes a note, then it answers 403; an administrator may', async () => {
    const contact = await createContact(ctx, account);
    const notesPath = account.path(`/contacts/${contact.id}/notes`);
    const other = await ctx.deps.services.accounts.createUser({ accountId: account.id, role: 'agent', name: 'Other', email: `other-${randomUUID()}@test.local` });
    const note = await ctx.http.post(notesPath).set(as(account.agentToken)).send({ content: 'mine' });

    expect((await ctx.http.patch(`${notesPath}/${note.body.id}`).set(as(other.accessToken)).send({ content: 'hijack' })).status).toBe(403);
    expect((await ctx.http.delete(`${notesPath}/${note.body.id}`).set(as(other.accessToken))).status).toBe(403);
    expect((await ctx.http.get(`${notesPath}/${note.body.id}`).set(as(other.accessToken))).body.content).toBe('mine');
    expect((await ctx.http.patch(`${notesPath}/${note.body.id}`).set(as(account.adminToken)).send({ content: 'moderated' })).status).toBe(200);
    expect((await ctx.http.delete(`${notesPath}/${note.body.id}`).set(as(account.adminToken))).status).toBe(200);
  });

  it('when the contact is deleted, then its notes go with it', async () => {
    const contact = await createContact(ctx, account);
    const note = await ctx.http.post(account.path(`/contacts/${contact.id}/notes`)).set(as(account.agentToken)).send({ content: 'gone soon' }).expect(200);
    await ctx.http.delete(account.path(`/contacts/${contact.id}`)).set(as(account.adminToken)).expect(200);
    expect(await ctx.deps.models.notes.findById(note.body.id).lean()).toBeNull();
    expect(await ctx.deps.models.contactNotes.findById(String(contact.id)).lean()).toBeNull();
    expect((await ctx.http.get(account.path(`/contacts/${contact.id}/notes`)).set(as(account.adminToken))).status).toBe(404);
  });

  it('when the contact is deleted while a note is being written to it, then the write answers 404 and leaves no note behind', async () => {
    const contact = await createContact(ctx, account);
    const lists = ctx.deps.models.contactNotes;
    const original = lists.updateOne.bind(lists);
    let deleted = false;
    // The contact goes between the note's check of it and its listing (a DELETE or a merge that landed meanwhile).
    const spy = jest.spyOn(lists, 'updateOne').mockImplementation(((filter: { _id?: string }, ...rest: unknown[]) => {
      if (!deleted && filter._id === String(contact.id)) {
        deleted = true;
        return ctx.deps.services.contacts.remove(account.id, contact.id).then(() => (original as (...args: unknown[]) => unknown)(filter, ...rest));
      }
      return (original as (...args: unknown[]) => unknown)(filter, ...rest);
    }) as never);
    let res;
    try {
      res = await ctx.http.post(account.path(`/contacts/${contact.id}/notes`)).set(as(account.agentToken)).send({ content: 'too late' });
    } finally {
      spy.mockRestore();
    }
    expect(deleted).toBe(true);
    expect(res.status).toBe(404);
    const list = await ctx.deps.models.contactNotes.findById(String(contact.id)).lean();
    expect(list?.note_ids ?? []).toEqual([]);
  });

  it('when another account\'s contact or note ids are used, then they are 404 and untouched', async () => {
    const other = await ctx.createAccount();
    const theirs = await createContact(ctx, other);
    const theirNote = await ctx.http.post(other.path(`/contacts/${theirs.id}/notes`)).set(as(other.adminToken)).send({ content: 'private' });
    const mine = await createContact(ctx, account);
    const h = as(account.adminToken);

    expect((await ctx.http.get(account.path(`/contacts/${theirs.id}/notes`)).set(h)).status).toBe(404);
    expect((await ctx.http.post(account.path(`/contacts/${theirs.id}/notes`)).set(h).send({ content: 'x' })).status).toBe(404);
    expect((await ctx.http.get(account.path(`/contacts/${mine.id}/notes/${theirNote.body.id}`)).set(h)).status).toBe(404);
    expect((await ctx.http.patch(account.path(`/contacts/${theirs.id}/notes/${theirNote.body.id}`)).set(h).send({ content: 'x' })).status).toBe(404);
    expect((await ctx.http.delete(account.path(`/contacts/${theirs.id}/notes/${theirNote.body.id}`)).set(h)).status).toBe(404);
    const still = await ctx.http.get(other.path(`/contacts/${theirs.id}/notes`)).set(as(other.adminToken));
    expect(still.body.map((n: { content: string }) => n.content)).toEqual(['private']);
  });
});

// Found by the hostile-input probe (2026-12-01): the list was built whole in memory and sent with
// res.json. 200 notes of 50,000 control characters (escaped, 6 bytes each) made a 60 MB answer and
// raised the API's RSS by 220 MB; nothing bounds how many notes a contact holds. The list now
// streams, reading the notes a page at a time.
describe('a contact with many notes', () => {
  it('when listed, then the answer streams (no Content-Length) with every note newest first across read pages', async () => {
    const contact = await createContact(ctx, account, { name: 'Chatty' });
    const made: number[] = [];
    for (let i = 0; i < 230; i++) {
      const res = await ctx.http.post(account.path(`/contacts/${contact.id}/notes`)).set('api_access_token', account.agentToken).send({ content: `note ${i}` });
      made.push(res.body.id);
    }
    const res = await ctx.http.get(account.path(`/contacts/${contact.id}/notes`)).set('api_access_token', account.agentToken);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.body.map((n: { content: string }) => n.content)).toEqual(made.map((_, i) => `note ${i}`).reverse());
    expect(res.body[0]).toMatchObject({ contact_id: contact.id, account_id: account.id, user: expect.objectContaining({ id: expect.any(Number) }) });
  });

  it('when the contact has no notes, then the answer is []', async () => {
    const contact = await createContact(ctx, account, { name: 'Quiet' });
    const res = await ctx.http.get(account.path(`/contacts/${contact.id}/notes`)).set('api_access_token', account.agentToken);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });
});
