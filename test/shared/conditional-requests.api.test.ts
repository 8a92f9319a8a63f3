import { withTestAccount, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';

let ctx: TestContext;
let account: TestAccount;
withTestAccount(
  (c, a) => {
    ctx = c;
    account = a;
  },
  { worker: false },
);

const token = () => ({ api_access_token: account.adminToken });
const aSecond = () => new Promise((resolve) => setTimeout(resolve, 1100));

// A black-box audit sent preconditions everywhere: a stale If-Match on a segment or a label was
// written over whatever it named, and If-None-Match: * on a contact's PATCH or DELETE went ahead.
describe('preconditions a write cannot honour', () => {
  it('when If-Match names a tag on a record that keeps none, then the write is a 412 that changes nothing; * goes ahead', async () => {
    const segment = await ctx.http.post(account.path('/custom_filters')).set(token()).send({ name: 'seg', query: { payload: [{ attribute_key: 'name', filter_operator: 'is_present' }] } });
    const label = await ctx.http.post(account.path('/labels')).set(token()).send({ title: 'kept' });
    for (const [path, body] of [
      [`/custom_filters/${segment.body.id}`, { name: 'renamed' }],
      [`/labels/${label.body.id}`, { description: 'changed' }],
    ] as const) {
      const stale = await ctx.http.patch(account.path(path)).set(token()).set('If-Match', '"1-stale"').send(body);
      expect(stale.status).toBe(412);
      expect(stale.body.error).toBe('If-Match cannot match here: only a contact and a note answer an ETag to compare it with; send this request without it');
      const deleted = await ctx.http.delete(account.path(path)).set(token()).set('If-Match', 'W/"abc"');
      expect(deleted.status).toBe(412);
    }
    expect((await ctx.http.get(account.path(`/custom_filters/${segment.body.id}`)).set(token())).body.name).toBe('seg');
    expect((await ctx.http.get(account.path(`/labels/${label.body.id}`)).set(token())).body.description).toBeFalsy();
    expect((await ctx.http.patch(account.path(`/custom_filters/${segment.body.id}`)).set(token()).set('If-Match', '*').send({ name: 'renamed' })).status).toBe(200);
  });

  it('when If-None-Match: * comes with a change or delete of a record, then it is a 412 (the record exists); a create goes ahead', async () => {
    const contact = await createContact(ctx, account, { name: 'Here' });
    const patched = await ctx.http.patch(account.path(`/contacts/${contact.id}`)).set(token()).set('If-None-Match', '*').send({ name: 'Changed' });
    expect(patched.status).toBe(412);
    expect(patched.body.error).toMatch(/^If-None-Match: \* asks to write only if the record does not exist/);
    expect((await ctx.http.delete(account.path(`/contacts/${contact.id}`)).set(token()).set('If-None-Match', '*')).status).toBe(412);
    expect((await ctx.http.get(account.path(`/contacts/${contact.id}`)).set(token())).body.payload.name).toBe('Here');
    const created = await ctx.http.post(account.path('/contacts')).set(token()).set('If-None-Match', '*').send({ name: 'New' });
    expect(created.status).toBe(200);
  });

  // Express's own weak ETag made every GET answer a 304 the API document did not declare.
  it('when a list is read, then it carries no ETag of a hash of its body, and If-None-Match does not turn it into a 304', async () => {
    const first = await ctx.http.get(account.path('/labels')).set(token());
    expect(first.headers.etag).toBeUndefined();
    expect((await ctx.http.get(account.path('/labels')).set(token()).set('If-None-Match', 'W/"x", "y"')).status).toBe(200);
    const contact = await createContact(ctx, account);
    const labels = await ctx.http.get(account.path(`/contacts/${contact.id}/labels`)).set(token());
    expect(labels.headers.etag).toMatch(/^"\d+-/);
    expect((await ctx.http.get(account.path(`/contacts/${contact.id}/labels`)).set(token()).set('If-None-Match', labels.headers.etag)).status).toBe(304);
  });
});

// Rails saves no record without changes: updated_at moved on a PATCH that changed nothing.
describe('an update that changes nothing', () => {
  it('when a segment, a custom attribute definition or an inbox is saved as it is, then its updated_at stays', async () => {
    const segment = await ctx.http.post(account.path('/custom_filters')).set(token()).send({ name: 'same', query: { payload: [{ attribute_key: 'city', filter_operator: 'equal_to', values: ['Lima'] }] } });
    const definition = await ctx.http.post(account.path('/custom_attribute_definitions')).set(token()).send({ attribute_key: 'plan_same', attribute_display_name: 'Plan', attribute_display_type: 'text', attribute_model: 'contact_attribute' });
    const inbox = await ctx.http.post(account.path('/inboxes')).set(token()).send({ name: 'Web', channel: { type: 'web_widget', website_url: 'https://example.com' } });
    expect([segment.status, definition.status, inbox.status]).toEqual([200, 200, 200]);
    await aSecond();
    const again = [
      await ctx.http.patch(account.path(`/custom_filters/${segment.body.id}`)).set(token()).send({ name: 'same', query: segment.body.query }),
      await ctx.http.patch(account.path(`/custom_attribute_definitions/${definition.body.id}`)).set(token()).send({ attribute_display_name: 'Plan' }),
      await ctx.http.patch(account.path(`/inboxes/${inbox.body.id}`)).set(token()).send({ name: 'Web', channel: { website_url: 'https://example.com' } }),
    ];
    expect(again.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(again.map((r) => r.body.updated_at)).toEqual([segment.body.updated_at, definition.body.updated_at, inbox.body.updated_at]);
    // A change still moves it.
    const renamed = await ctx.http.patch(account.path(`/custom_filters/${segment.body.id}`)).set(token()).send({ name: 'other' });
    expect(renamed.body.updated_at).toBeGreaterThan(segment.body.updated_at);
    const redefined = await ctx.http.patch(account.path(`/custom_attribute_definitions/${definition.body.id}`)).set(token()).send({ attribute_display_name: 'Plan B' });
    expect(redefined.body.updated_at).toBeGreaterThan(definition.body.updated_at);
  });
});
