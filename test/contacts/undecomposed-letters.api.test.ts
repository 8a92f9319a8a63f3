import { startTestContext, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';

// Letters whose mark is part of the letter (Ł, Ø, ß, Æ …) do not decompose, so folding accents
// away left them as they were: "lukasz" did not find Łukasz, and Łukasz sorted after every z.
let ctx: TestContext;
let account: TestAccount;
const ids: Record<string, number> = {};

beforeAll(async () => {
  ctx = await startTestContext();
  account = await ctx.createAccount();
  for (const name of ['Laura Vega', 'Łukasz Żółć', 'Marta Ruiz', 'Søren Ørsted', 'Zoe Straße']) {
    ids[name] = (await createContact(ctx, account, { name })).id;
  }
  await ctx.settle(account.id);
});
afterAll(() => ctx.close());

const get = (path: string) => ctx.http.get(account.path(path)).set('api_access_token', account.agentToken);
const idsOf = (body: { payload: { id: number }[] }) => body.payload.map((c) => c.id);

describe('letters that carry their mark inside them', () => {
  it.each([
    ['lukasz', 'Łukasz Żółć'],
    ['ŁUKASZ', 'Łukasz Żółć'],
    ['zolc', 'Łukasz Żółć'],
    ['soren orsted', 'Søren Ørsted'],
    ['strasse', 'Zoe Straße'],
  ])('when the search is %j, then it finds %s', async (q, name) => {
    const res = await get(`/contacts/search?q=${encodeURIComponent(q)}`);
    expect(res.status).toBe(200);
    expect(idsOf(res.body)).toEqual([ids[name]]);
  });

  it('when a filter compares a name typed without the letters\' marks, then it matches them', async () => {
    const res = await ctx.http.post(account.path('/contacts/filter')).set('api_access_token', account.agentToken).send({
      payload: [
        { attribute_key: 'name', filter_operator: 'starts_with', values: ['lukasz'], query_operator: 'or' },
        { attribute_key: 'name', filter_operator: 'contains', values: ['STRASSE'] },
      ],
    });
    expect(res.status).toBe(200);
    expect(idsOf(res.body).sort((a, b) => a - b)).toEqual([ids['Łukasz Żółć'], ids['Zoe Straße']].sort((a, b) => a - b));
  });

  it('when the list is sorted by name, then Łukasz sorts with the Ls and Søren with the Ss', async () => {
    const res = await get('/contacts?sort=name');
    expect(res.status).toBe(200);
    expect(idsOf(res.body)).toEqual(['Laura Vega', 'Łukasz Żółć', 'Marta Ruiz', 'Søren Ørsted', 'Zoe Straße'].map((name) => ids[name]));
  });
});
