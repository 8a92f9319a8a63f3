import { startTestContext, type TestAccount, type TestContext } from '../support/context';

// The API answers times in whole seconds (Chatwoot's Unix times); the index held milliseconds. A
// client asking for what came after the last time it read (created_at > that second) got the
// contact it had read again whenever it was written in the later part of that second.
let ctx: TestContext;
let account: TestAccount;
let contact: { id: number; created_at: number; last_activity_at: number };

beforeAll(async () => {
  ctx = await startTestContext();
  account = await ctx.createAccount();
  const res = await ctx.http.post(account.path('/contacts')).set('api_access_token', account.adminToken)
    .send({ name: 'Ana', created_at: '2025-03-15T10:00:00.750Z', last_activity_at: '2025-03-16T11:00:00.250Z' });
  expect(res.status).toBe(200);
  contact = res.body.payload.contact;
  await ctx.settle(account.id);
});
afterAll(() => ctx.close());

const filter = (attribute_key: string, filter_operator: string, value: string) =>
  ctx.http.post(account.path('/contacts/filter')).set('api_access_token', account.agentToken)
    .send({ payload: [{ attribute_key, filter_operator, values: [value] }] });
const idsOf = (res: { body: { payload: { id: number }[] } }) => res.body.payload.map((c) => c.id);
const asIso = (seconds: number) => new Date(seconds * 1000).toISOString();

describe('date filters at the second the API answers', () => {
  it('when the filter asks for after the second a contact was answered with, then that contact is not among them', async () => {
    expect(contact.created_at).toBe(Date.parse('2025-03-15T10:00:00Z') / 1000);
    expect(idsOf(await filter('created_at', 'is_greater_than', asIso(contact.created_at)))).toEqual([]);
    expect(idsOf(await filter('last_activity_at', 'is_greater_than', asIso(contact.last_activity_at)))).toEqual([]);
  });

  it('when the filter asks for after the second before, or before the second after, then the contact is there', async () => {
    expect(idsOf(await filter('created_at', 'is_greater_than', asIso(contact.created_at - 1)))).toEqual([contact.id]);
    expect(idsOf(await filter('created_at', 'is_less_than', asIso(contact.created_at + 1)))).toEqual([contact.id]);
    expect(idsOf(await filter('last_activity_at', 'is_less_than', asIso(contact.last_activity_at + 1)))).toEqual([contact.id]);
  });

  it('when the filter asks for before the second the contact was answered with, then it is not there', async () => {
    expect(idsOf(await filter('created_at', 'is_less_than', asIso(contact.created_at)))).toEqual([]);
  });
});
