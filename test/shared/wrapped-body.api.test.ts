import { randomUUID } from 'node:crypto';
import { adminApi } from '../support/admin-api';
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

const api = () => adminApi(ctx, account);
const cityIsPresent = { payload: [{ attribute_key: 'city', filter_operator: 'is_present', values: [] }] };

/** A 422 that names the fields beside the wrapper (the first as `field`), whatever the route. */
function expectRefusedBeside(res: { status: number; body: { error: string; field?: string } }, wrapper: string, beside: string[]) {
  expect(res.status).toBe(422);
  expect(res.body.error).toBe(`fields beside "${wrapper}" would not be read: ${beside.map((key) => `"${key}"`).join(', ')}; send every field inside "${wrapper}", or every field bare`);
  expect(res.body.field).toBe(beside[0]);
}

// Rails reads only the wrapper once it is there; the fields beside it were dropped with a 200 (a
// password change beside "profile" answered 200 and changed nothing).
describe('a body holding a Chatwoot wrapper and fields beside it', () => {
  it('when a profile update sends the password beside "profile", then it answers 422 naming them and neither the name nor the password changes', async () => {
    const email = `wrapped-${randomUUID()}@people.test`;
    const password = `pw-${randomUUID()}`;
    const user = await ctx.deps.services.accounts.createUser({ accountId: account.id, role: 'agent', name: 'Before', email, password });
    const patch = (body: object) => ctx.http.patch('/api/v1/profile').set('api_access_token', user.accessToken).send(body);
    const res = await patch({ profile: { name: 'After' }, password: 'new-password-1', password_confirmation: 'new-password-1', current_password: password });
    expectRefusedBeside(res, 'profile', ['password', 'password_confirmation', 'current_password']);
    expectRefusedBeside(await patch({ name: 'Bare', profile: {} }), 'profile', ['name']);
    expectRefusedBeside(await patch({ bogus: 1, profile: { name: 'W2' } }), 'profile', ['bogus']);
    expect((await ctx.http.get('/api/v1/profile').set('api_access_token', user.accessToken)).body.name).toBe('Before');
    expect((await ctx.http.post('/auth/sign_in').send({ email, password })).status).toBe(200);
    expect((await ctx.http.post('/auth/sign_in').send({ email, password: 'new-password-1' })).status).toBe(401);
    const wrapped = await patch({ profile: { name: 'After' } });
    expect(wrapped.status).toBe(200);
    expect(wrapped.body.name).toBe('After');
  });

  it('when a custom attribute definition is created or updated with fields beside "custom_attribute_definition", then it answers 422 naming them and nothing is written', async () => {
    const before = (await api().get('/custom_attribute_definitions')).body.length;
    const created = await api().post('/custom_attribute_definitions', {
      attribute_key: 'bare_x',
      attribute_display_type: 'text',
      attribute_display_name: 'Bare',
      custom_attribute_definition: { attribute_key: 'wrap_x', attribute_display_type: 'number', attribute_display_name: 'Wrapped' },
    });
    expectRefusedBeside(created, 'custom_attribute_definition', ['attribute_key', 'attribute_display_type', 'attribute_display_name']);
    expectRefusedBeside(
      await api().post('/custom_attribute_definitions', { bogus_field: 1, custom_attribute_definition: { attribute_key: 'wrap_y', attribute_display_type: 'text', attribute_display_name: 'Y' } }),
      'custom_attribute_definition',
      ['bogus_field'],
    );
    expect((await api().get('/custom_attribute_definitions')).body).toHaveLength(before);
    const definition = await api().post('/custom_attribute_definitions', { custom_attribute_definition: { attribute_key: 'wrap_z', attribute_display_type: 'text', attribute_display_name: 'Z' } });
    expect(definition.status).toBe(200);
    const updated = await api().patch(`/custom_attribute_definitions/${definition.body.id}`, { attribute_display_name: 'BareName', custom_attribute_definition: { attribute_description: 'wrapped desc' } });
    expectRefusedBeside(updated, 'custom_attribute_definition', ['attribute_display_name']);
    expect((await api().get(`/custom_attribute_definitions/${definition.body.id}`)).body).toMatchObject({ attribute_display_name: 'Z', attribute_description: null });
  });

  it('when a segment is created or updated with fields beside "custom_filter", then it answers 422 naming them and nothing is written', async () => {
    const before = (await api().get('/custom_filters')).body.length;
    expectRefusedBeside(await api().post('/custom_filters', { name: 'bare', custom_filter: { name: 'wrap', filter_type: 'contact', query: cityIsPresent } }), 'custom_filter', ['name']);
    expect((await api().get('/custom_filters')).body).toHaveLength(before);
    const segment = await api().post('/custom_filters', { custom_filter: { name: 'wrap', filter_type: 'contact', query: cityIsPresent } });
    expect(segment.status).toBe(200);
    expectRefusedBeside(await api().patch(`/custom_filters/${segment.body.id}`, { name: 'bare2', custom_filter: {} }), 'custom_filter', ['name']);
    expect((await api().get(`/custom_filters/${segment.body.id}`)).body.name).toBe('wrap');
  });

  it('when a label or a note is sent with fields beside its wrapper, then it answers the same 422', async () => {
    expectRefusedBeside(await api().post('/labels', { title: 'mixed', label: { color: '#000000' } }), 'label', ['title']);
    const contact = await createContact(ctx, account);
    expectRefusedBeside(await api().post(`/contacts/${contact.id}/notes`, { note: { content: 'a' }, content: 'b' }), 'note', ['content']);
  });
});
