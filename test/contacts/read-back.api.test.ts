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
