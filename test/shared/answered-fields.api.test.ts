import { adminApi } from '../support/admin-api';
import { withTestAccount, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';

let ctx: TestContext;
let account: TestAccount;

withTestAccount((c, a) => {
  ctx = c;
  account = a;
});

const api = () => adminApi(ctx, account);

const cityIsPresent = { payload: [{ attribute_key: 'city', filter_operator: 'is_present', values: [] }] };

// Chatwoot's dashboard edits a segment by sending it back whole; the id and timestamps it read
// were 422s as unknown keys.
describe('a record sent back as it was read, with a change', () => {
  it('when a segment read with its counts is sent back renamed, then it is renamed; another id is a 422 naming id', async () => {
    const created = await api().post('/custom_filters', { name: 'Has a city', filter_type: 'contact', query: cityIsPresent });
    const read = (await api().get('/custom_filters?filter_type=contact&with_counts=true')).body.find((s: { id: number }) => s.id === created.body.id);
    expect(read).toHaveProperty('count');
    const renamed = await api().patch(`/custom_filters/${read.id}`, { ...read, name: 'Renamed' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: read.id, name: 'Renamed', query: cityIsPresent });
    expect(renamed.body.created_at).toBe(read.created_at);

    const moved = await api().patch(`/custom_filters/${read.id}`, { ...read, id: read.id + 1, name: 'Elsewhere' });
    expect(moved.status).toBe(422);
    expect(moved.body.field).toBe('id');
    expect((await api().get(`/custom_filters/${read.id}`)).body.name).toBe('Renamed');
  });

  it('when a label is sent back with a new colour, then it changes; another account_id is a 422 naming it', async () => {
    const created = await api().post('/labels', { title: 'sent-back', color: '#000000' });
    const changed = await api().patch(`/labels/${created.body.id}`, { ...created.body, color: '#ff0000', created_at: 1, updated_at: null });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id: created.body.id, title: 'sent-back', color: '#ff0000' });
    const foreign = await api().patch(`/labels/${created.body.id}`, { ...created.body, account_id: account.id + 1, color: '#00ff00' });
    expect(foreign.status).toBe(422);
    expect(foreign.body.field).toBe('account_id');
    expect((await api().get(`/labels/${created.body.id}`)).body.color).toBe('#ff0000');
  });

  it('when a custom attribute definition is sent back with a new display name, then it changes and keeps its timestamps', async () => {
    const created = await api().post('/custom_attribute_definitions', { attribute_key: 'sent_back', attribute_display_name: 'Sent back', attribute_display_type: 'text', attribute_model: 'contact_attribute' });
    expect(created.status).toBe(200);
    const changed = await api().patch(`/custom_attribute_definitions/${created.body.id}`, { ...created.body, attribute_display_name: 'Sent back twice' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id: created.body.id, attribute_key: 'sent_back', attribute_display_name: 'Sent back twice', created_at: created.body.created_at });
  });

  it('when a note is sent back with new content, then it changes; another contact_id is a 422 naming it', async () => {
    const contact = await createContact(ctx, account, { name: 'Noted' });
    const other = await createContact(ctx, account, { name: 'Other' });
    const note = (await api().post(`/contacts/${contact.id}/notes`, { content: 'first' })).body;
    expect(note.user).toBeTruthy();
    const edited = await api().patch(`/contacts/${contact.id}/notes/${note.id}`, { ...note, content: 'second' });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ id: note.id, content: 'second', contact_id: contact.id, created_at: note.created_at });
    const moved = await api().patch(`/contacts/${contact.id}/notes/${note.id}`, { ...note, contact_id: other.id, content: 'third' });
    expect(moved.status).toBe(422);
    expect(moved.body.field).toBe('contact_id');
    expect((await api().get(`/contacts/${contact.id}/notes/${note.id}`)).body.content).toBe('second');
    // Found by a black-box tester: another author was dropped without a word (a 200, the author unchanged).
    for (const user of [{ ...note.user, id: note.user.id + 1000 }, null]) {
      const reauthored = await api().patch(`/contacts/${contact.id}/notes/${note.id}`, { ...note, user, content: 'fourth' });
      expect(reauthored.status).toBe(422);
      expect(reauthored.body).toMatchObject({
        field: 'user',
        error: `user ${user ? user.id : 'null'} is not the note's author (the note is by user ${note.user.id}); a note's author cannot change: send it as answered or leave it out`,
      });
    }
    const kept = (await api().get(`/contacts/${contact.id}/notes/${note.id}`)).body;
    expect(kept).toMatchObject({ content: 'second', user: { id: note.user.id } });
  });
});
