import { startTestContext, type TestAccount, type TestContext } from '../support/context';

let ctx: TestContext;
let account: TestAccount;
const auth = () => ({ api_access_token: account.adminToken });

beforeAll(async () => {
  ctx = await startTestContext({ worker: false });
  account = await ctx.createAccount();
});
afterAll(() => ctx.close());

async function labelledContact(email: string) {
  const created = await ctx.http.post(account.path('/contacts')).set(auth()).send({ name: 'Ana', email, city: 'Lima' });
  const id = created.body.payload.contact.id as number;
  expect((await ctx.http.post(account.path(`/contacts/${id}/labels`)).set(auth()).send({ labels: ['vip'] })).status).toBe(200);
  const read = await ctx.http.get(account.path(`/contacts/${id}`)).set(auth());
  return { id, read: read.body.payload as Record<string, unknown> };
}

describe('sending a contact back as it was read', () => {
  it.each([['put'], ['patch']] as const)('when the whole payload a GET answered is sent back with %s and one field changed, then the field changes and nothing else', async (method) => {
    const { id, read } = await labelledContact(`read-back-${method}@example.com`);
    const res = await ctx.http[method](account.path(`/contacts/${id}`)).set(auth()).send({ ...read, name: 'Ana María' });
    expect(res.status).toBe(200);
    expect(res.body.payload).toMatchObject({ id, name: 'Ana María', email: `read-back-${method}@example.com`, labels: ['vip'] });
    expect(res.body.payload.additional_attributes).toMatchObject({ city: 'Lima' });
  });

  it('when a read-only field is sent with another value, then 422 names it and says how to change it, and nothing is written', async () => {
    const { id, read } = await labelledContact('read-back-changed@example.com');
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ labels: ['vip', 'lead'] }, 'labels', /labels is read-only here \(labels are set with POST \/contacts\/\{id\}\/labels\)/],
      [{ id: id + 1 }, 'id', /is not the contact in the path/],
      [{ thumbnail: 'https://example.com/a.png' }, 'thumbnail', /set avatar_url instead/],
      [{ last_seen_at: 1700000000 }, 'last_seen_at', /read-only/],
    ];
    for (const [change, field, message] of cases) {
      const res = await ctx.http.put(account.path(`/contacts/${id}`)).set(auth()).send({ ...read, name: 'Changed', ...change });
      expect({ status: res.status, field: res.body.field, error: res.body.error }).toEqual({ status: 422, field, error: expect.stringMatching(message) });
    }
    const after = await ctx.http.get(account.path(`/contacts/${id}`)).set(auth());
    expect(after.body.payload).toMatchObject({ name: 'Ana', labels: ['vip'] });
  });

  // From a black-box read: a form sends every value as text, and the contact's own id was a 422.
  it("when the contact's id is sent as its digits, in JSON or a form, then it is taken; another id's digits are a 422", async () => {
    const { id } = await labelledContact('read-back-text-id@example.com');
    const json = await ctx.http.patch(account.path(`/contacts/${id}`)).set(auth()).send({ id: String(id), name: 'Ana Texto' });
    expect(json.status).toBe(200);
    const form = await ctx.http.patch(account.path(`/contacts/${id}`)).set(auth()).type('form').send(`id=${id}&name=Ana+Form`);
    expect([form.status, form.body.payload?.name]).toEqual([200, 'Ana Form']);
    const other = await ctx.http.patch(account.path(`/contacts/${id}`)).set(auth()).send({ id: String(id + 1), name: 'No' });
    expect([other.status, other.body.field]).toEqual([422, 'id']);
  });

  it('when availability_status is sent, then it is taken and sets nothing (it is computed when answered); a made-up field is still a 422', async () => {
    const { id, read } = await labelledContact('read-back-status@example.com');
    const res = await ctx.http.patch(account.path(`/contacts/${id}`)).set(auth()).send({ ...read, availability_status: 'online' });
    expect(res.status).toBe(200);
    expect(res.body.payload.availability_status).toBe('offline');
    const unknown = await ctx.http.patch(account.path(`/contacts/${id}`)).set(auth()).send({ ...read, favourite_colour: 'blue' });
    expect(unknown.status).toBe(422);
  });
});

// Found replaying Chatwoot's dashboard: its contact page keeps the contact's contactable_inboxes on
// the record it sends back, and its form sends the name's parts beside name on some changes.
describe("what Chatwoot's dashboard sends back", () => {
  it('when the contactable_inboxes a read answered are sent back, then they are taken and set nothing', async () => {
    const { id, read } = await labelledContact('read-back-contactable@example.com');
    const contactable = await ctx.http.get(account.path(`/contacts/${id}/contactable_inboxes`)).set(auth());
    expect(contactable.status).toBe(200);
    const res = await ctx.http.patch(account.path(`/contacts/${id}?include_contact_inboxes=false`)).set(auth())
      .send({ ...read, contactable_inboxes: [...contactable.body.payload, { source_id: 'x', inbox: { id: 1 } }], name: 'Ana Lucía' });
    expect([res.status, res.body.payload?.name]).toEqual([200, 'Ana Lucía']);
    const notAList = await ctx.http.patch(account.path(`/contacts/${id}`)).set(auth()).send({ contactable_inboxes: 'all' });
    expect([notAList.status, notAList.body.field]).toEqual([422, 'contactable_inboxes']);
  });

  it('when first_name and last_name come beside name, then they are taken when they join to it and refused naming them when not; without name they make it', async () => {
    const created = await ctx.http.post(account.path('/contacts')).set(auth())
      .send({ id: 0, name: 'Carla  Ruiz', first_name: 'Carla', last_name: 'Ruiz', email: 'carla-parts@example.com', additional_attributes: { country_code: 'PE', country: 'Peru' } });
    expect([created.status, created.body.payload?.contact?.name]).toEqual([200, 'Carla  Ruiz']);
    const id = created.body.payload.contact.id as number;

    const update = await ctx.http.patch(account.path(`/contacts/${id}`)).set(auth()).send({ name: 'Carla María Ruiz', first_name: 'Carla María', last_name: 'Ruiz' });
    expect([update.status, update.body.payload?.name]).toEqual([200, 'Carla María Ruiz']);

    const differs = await ctx.http.patch(account.path(`/contacts/${id}`)).set(auth()).send({ name: 'Otra', first_name: 'Carla', last_name: 'Ruiz' });
    expect({ status: differs.status, field: differs.body.field }).toEqual({ status: 422, field: 'first_name' });
    expect(differs.body.error).toMatch(/first_name and last_name are the parts of name/);

    const partsOnly = await ctx.http.patch(account.path(`/contacts/${id}`)).set(auth()).send({ first_name: ' Carla ', last_name: 'Quispe' });
    expect([partsOnly.status, partsOnly.body.payload?.name]).toEqual([200, 'Carla Quispe']);
    const lastOnly = await ctx.http.post(account.path('/contacts')).set(auth()).send({ last_name: 'Solo' });
    expect([lastOnly.status, lastOnly.body.payload?.contact?.name]).toEqual([200, 'Solo']);
  });
});
