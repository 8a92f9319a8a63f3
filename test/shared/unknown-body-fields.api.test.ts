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

// A misspelt field answered 200 with the field dropped: a client never learnt its typo did nothing.
describe('a body field the route does not know', () => {
  it('when a segment update misspells a field, then it answers 422 naming it and the segment is unchanged', async () => {
    const segment = await api().post('/custom_filters', { name: 'Has a city', query: cityIsPresent });
    expect(segment.status).toBe(200);
    for (const body of [{ nmae: 'typo' }, { name: 'Renamed', querry: cityIsPresent }]) {
      const res = await api().patch(`/custom_filters/${segment.body.id}`, body);
      expect(res.status).toBe(422);
      expect(res.body.error).toMatch(/nmae|querry/);
    }
    expect((await api().get(`/custom_filters/${segment.body.id}`)).body).toMatchObject({ name: 'Has a city', query: cityIsPresent });
  });

  it('when a segment is created with an unknown field, then it answers 422 naming it (field and attributes too) and none is made', async () => {
    const before = (await api().get('/custom_filters')).body.length;
    const res = await api().post('/custom_filters', { name: 'x', query: cityIsPresent, queryy: 1 });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/queryy/);
    // The field was left out (only the message named the key), so a client could not point at it.
    expect(res.body).toMatchObject({ field: 'queryy', attributes: ['queryy'] });
    const nested = await api().post('/inboxes', { name: 'Mail', channel: { type: 'email', email: 'a@b.co', smtp_address: 'smtp.b.co', smtp_port: 25, smtp_domian: 'b.co' } });
    expect(nested.status).toBe(422);
    expect(nested.body).toMatchObject({ field: 'channel.smtp_domian', attributes: ['channel'] });
    // A misspelt required field: the typo is named, not the field it left missing ("name: expected string").
    const misspelt = await api().post('/custom_filters', { nmae: 'x', query: cityIsPresent });
    expect(misspelt.status).toBe(422);
    expect(misspelt.body).toMatchObject({ field: 'nmae' });
    expect((await api().get('/custom_filters')).body).toHaveLength(before);
  });

  // Found by the security review (2026-12-05): a key beside the payload (`query.compiled`) was
  // dropped with a 200, where the same key beside `query` is a 422.
  it('when a segment query holds a key besides payload, then it answers 422 naming query.<key>, on create and update', async () => {
    const created = await api().post('/custom_filters', { name: 'x', query: { ...cityIsPresent, compiled: { match_all: {} } } });
    expect(created.status).toBe(422);
    expect(created.body).toMatchObject({ field: 'query.compiled', error: expect.stringMatching(/compiled/) });
    const segment = await api().post('/custom_filters', { name: 'Has a city too', query: cityIsPresent });
    const updated = await api().patch(`/custom_filters/${segment.body.id}`, { query: { ...cityIsPresent, zzz: 1 } });
    expect(updated.status).toBe(422);
    expect(updated.body).toMatchObject({ field: 'query.zzz' });
  });

  it("when a segment names its type as Chatwoot's API document does (type), then contact is taken and another type refused", async () => {
    const taken = await api().post('/custom_filters', { custom_filter: { name: 'Typed', type: 'contact', query: cityIsPresent } });
    expect(taken.status).toBe(200);
    expect(taken.body.filter_type).toBe('contact');
    const refused = await api().post('/custom_filters', { name: 'Typed', type: 'conversation', query: cityIsPresent });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatch(/only type "contact"/);
  });

  it.each([[{ ...cityIsPresent, sortt: 'name' }, /sortt/], [{ ...cityIsPresent, per_pag: 1 }, /per_pag/]])(
    'when a filter body holds %j, then it answers 422 naming the field',
    async (body, named) => {
      const res = await api().post('/contacts/filter', body);
      expect(res.status).toBe(422);
      expect(res.body.error).toMatch(named);
    },
  );

  it('when a bulk action or a merge holds an unknown field, then it answers 422 and nothing is done', async () => {
    const a = await createContact(ctx, account, { name: 'Bulk a' });
    const b = await createContact(ctx, account, { name: 'Bulk b' });
    const bulk = await api().post('/bulk_actions', { type: 'Contact', ids: [a.id], labels: { add: ['vip'] }, action: 'delete' });
    expect(bulk.status).toBe(422);
    expect(bulk.body.error).toMatch(/"action"/);
    const merge = await api().post('/actions/contact_merge', { base_contact_id: a.id, mergee_contact_id: b.id, keep: 'mergee' });
    expect(merge.status).toBe(422);
    expect(merge.body.error).toMatch(/keep/);
    expect((await api().get(`/contacts/${b.id}`)).status).toBe(200);
    expect((await api().get(`/contacts/${a.id}`)).body.payload.labels).toEqual([]);
  });
});

// Found by a black-box read of bounded cost: zod's message lists every unknown key, so a body of
// 80,000 of them (868 KB) was answered a 1.9 MB 422, the list once in `error` and again in `message`.
describe('many body fields the route does not know', () => {
  it('when a body holds thousands of unknown keys, then the 422 names the first five and counts the rest', async () => {
    const body = { name: 'Ana', ...Object.fromEntries(Array.from({ length: 20000 }, (_, i) => [`k${i}`, 1])) };
    const res = await api().post('/contacts', body);
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('Unrecognized keys: "k0", "k1", "k2", "k3", "k4" and 19995 more');
    expect(res.body.field).toBe('k0');
    expect(JSON.stringify(res.body).length).toBeLessThan(1000);
  });
});
