import { randomUUID } from 'node:crypto';
import { startTestContext, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';
import { createInbox, websiteChannel } from '../support/inboxes';

// Rails reads form fields on every route, and Chatwoot's request specs and Rails scripts post
// them (`post url, params: {...}`): the merge, a bulk action, a sign-in and the widget's calls
// answered 415 to those clients. Each is read as its JSON body would be (rails-form.ts); the
// contacts' and conversations' own form tests are in contact-form-body.api.test.ts.
let ctx: TestContext;
let account: TestAccount;
let site: { inbox_identifier: string };

beforeAll(async () => {
  ctx = await startTestContext();
  account = await ctx.createAccount();
  site = await createInbox(ctx, account, websiteChannel(), 'Form shop');
  // A visitor fills only defined keys (README, Website capture).
  await ctx.http
    .post(account.path('/custom_attribute_definitions'))
    .set(auth())
    .send({ attribute_display_name: 'Plan', attribute_key: 'plan', attribute_display_type: 'text', attribute_model: 'contact_attribute' })
    .expect(200);
});
afterAll(() => ctx.close());

const auth = () => ({ api_access_token: account.adminToken });
const show = async (id: number) => ctx.http.get(account.path(`/contacts/${id}`)).set(auth());
const publicPath = (suffix = '') => `/public/api/v1/inboxes/${site.inbox_identifier}/contacts${suffix}`;

describe('Chatwoot form bodies beyond contacts and conversations', () => {
  it('when a merge is posted as form fields, then the mergee goes into the base', async () => {
    const base = await createContact(ctx, account, { name: 'Form Base', email: `base-${randomUUID()}@form.test` });
    const mergee = await createContact(ctx, account, { name: 'Form Mergee', phone_number: '+14155550142' });
    const res = await ctx.http.post(account.path('/actions/contact_merge')).set(auth()).type('form').send(`base_contact_id=${base.id}&mergee_contact_id=${mergee.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: base.id, phone_number: '+14155550142' });
    expect((await show(mergee.id)).status).toBe(404);
  });

  it('when a merge form leaves an id empty, then it is the 422 naming it, and nothing is merged', async () => {
    const base = await createContact(ctx, account, { name: 'Kept Base' });
    const res = await ctx.http.post(account.path('/actions/contact_merge')).set(auth()).type('form').send(`base_contact_id=${base.id}&mergee_contact_id=`);
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('mergee_contact_id is required');
  });

  it('when a bulk action is posted as form fields with bracketed lists, then its labels are added to the contacts named', async () => {
    const [one, two] = [await createContact(ctx, account, { name: 'Bulk One' }), await createContact(ctx, account, { name: 'Bulk Two' })];
    const res = await ctx.http.post(account.path('/bulk_actions')).set(auth()).type('form').send(`type=Contact&ids[]=${one.id}&ids[]=${two.id}&labels[add][]=formbulk`);
    expect(res.status).toBe(200);
    for (const contact of [one, two]) expect((await show(contact.id)).body.payload.labels).toEqual(['formbulk']);
  });

  it('when a bulk delete is posted as multipart fields, then the contact is deleted', async () => {
    const doomed = await createContact(ctx, account, { name: 'Bulk Doomed' });
    const res = await ctx.http.post(account.path('/bulk_actions')).set(auth()).field('type', 'Contact').field('ids[]', String(doomed.id)).field('action_name', 'delete');
    expect(res.status).toBe(200);
    expect((await show(doomed.id)).status).toBe(404);
  });

  it('when a sign-in is posted as form fields, then it answers the session as for JSON; a wrong password is still a 401', async () => {
    const email = `form-${randomUUID()}@people.test`;
    const password = `pw-${randomUUID()}`;
    await ctx.deps.services.accounts.createUser({ accountId: account.id, role: 'agent', name: 'Form Agent', email, password });
    const res = await ctx.http.post('/auth/sign_in').type('form').send(`email=${encodeURIComponent(email)}&password=${encodeURIComponent(password)}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ email });
    expect(typeof res.body.data.access_token).toBe('string');
    expect((await ctx.http.post('/auth/sign_in').type('form').send(`email=${encodeURIComponent(email)}&password=wrong`)).status).toBe(401);
  });

  it('when the widget creates a visitor, collects its email and updates it with form fields, then each is read as its JSON would be', async () => {
    const created = await ctx.http.post(publicPath()).type('form').send('name=Form+Visitor&custom_attributes[plan]=pro');
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ name: 'Form Visitor' });
    const sourceId = created.body.source_id as string;
    const email = `visitor-${randomUUID()}@form.test`;
    const collected = await ctx.http.post(publicPath(`/${sourceId}/email_collect`)).type('form').send(`email=${encodeURIComponent(email)}`);
    expect(collected.status).toBe(200);
    expect(collected.body.email).toBe(email);
    const updated = await ctx.http.patch(publicPath(`/${sourceId}`)).field('phone_number', '+51 987 654 001');
    expect(updated.status).toBe(200);
    expect((await show(created.body.id)).body.payload).toMatchObject({ name: 'Form Visitor', email, phone_number: '+51987654001', custom_attributes: { plan: 'pro' } });
  });

  it('when a form sends a wrong value to the widget, then it is the 422 its JSON gets, naming the field', async () => {
    const created = await ctx.http.post(publicPath()).send({ name: 'Json Visitor' }).expect(200);
    const res = await ctx.http.post(publicPath(`/${created.body.source_id}/email_collect`)).type('form').send('email=not-an-email');
    expect(res.status).toBe(422);
    expect(res.body.attributes).toEqual(['email']);
  });
});
