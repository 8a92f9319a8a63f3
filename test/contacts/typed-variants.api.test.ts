import { startTestContext, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';

// The same name reaches the service typed different ways: fullwidth letters from a Japanese or
// Chinese input method (Ｊｏｓｅ), a typographic apostrophe from iOS smart punctuation (O’Neill), a
// Unicode hyphen from a word processor (Jean‐Pierre). Folding kept them apart from what the next
// person types on another keyboard: q=o’brien did not find O'Brien, nor q=kenji Ｋｅｎｊｉ.
let ctx: TestContext;
let account: TestAccount;
const ids: Record<string, number> = {};

const seeds: { name: string; company_name?: string; city?: string }[] = [
  { name: 'Anne-Marie Dubois', city: 'Saint\u2011Étienne' },
  { name: 'Jean\u2010Pierre Roy', company_name: 'Ａｃｍｅ Ｃｏｒｐ' },
  { name: 'Jose Pérez', company_name: 'Acme Corp' },
  { name: 'Ｋｅｎｊｉ Ｔａｎａｋａ', city: 'Tōkyō' },
  { name: "O'Brien Lee", city: 'Saint-Étienne' },
  { name: 'O’Neill Siobhán' },
  { name: 'Oz Ruiz' },
];

beforeAll(async () => {
  ctx = await startTestContext();
  account = await ctx.createAccount();
  for (const { name, ...extra } of seeds) {
    ids[name] = (await createContact(ctx, account, { name, additional_attributes: extra })).id;
  }
  await ctx.settle(account.id);
});
afterAll(() => ctx.close());

const get = (path: string) => ctx.http.get(account.path(path)).set('api_access_token', account.agentToken);
const filter = (payload: unknown[]) => ctx.http.post(account.path('/contacts/filter')).set('api_access_token', account.agentToken).send({ payload });
const idsOf = (body: { payload: { id: number }[] }) => body.payload.map((c) => c.id);
const sorted = (list: number[]) => [...list].sort((a, b) => a - b);

describe('a name typed with fullwidth letters, typographic apostrophes or Unicode hyphens', () => {
  it.each([
    ['Ｊｏｓｅ', 'Jose Pérez'],
    ['kenji', 'Ｋｅｎｊｉ Ｔａｎａｋａ'],
    ['ｔａｎａｋａ', 'Ｋｅｎｊｉ Ｔａｎａｋａ'],
    ['o’brien', "O'Brien Lee"],
    ['Oʼbrien', "O'Brien Lee"],
    ["o'neill", 'O’Neill Siobhán'],
    ['jean-pierre', 'Jean\u2010Pierre Roy'],
    ['anne–marie', 'Anne-Marie Dubois'],
    ['anne—marie', 'Anne-Marie Dubois'],
  ])('when the search is %j, then it finds %s', async (q, name) => {
    const res = await get(`/contacts/search?q=${encodeURIComponent(q)}`);
    expect(res.status).toBe(200);
    expect(idsOf(res.body)).toEqual([ids[name]]);
  });

  it('when the search holds an ASCII apostrophe, then it matches both apostrophes, and a search without it matches neither (as before)', async () => {
    const withIt = await get(`/contacts/search?q=${encodeURIComponent("o'")}`);
    expect(sorted(idsOf(withIt.body))).toEqual(sorted([ids["O'Brien Lee"], ids['O’Neill Siobhán']]));
    const without = await get('/contacts/search?q=obrien');
    expect(idsOf(without.body)).toEqual([]);
  });

  it('when a filter compares names, companies and cities typed another way, then equal_to, contains and starts_with match them', async () => {
    const res = await filter([
      { attribute_key: 'name', filter_operator: 'equal_to', values: ['o’brien lee'], query_operator: 'or' },
      { attribute_key: 'name', filter_operator: 'contains', values: ['jean-pierre'], query_operator: 'or' },
      { attribute_key: 'name', filter_operator: 'starts_with', values: ['ｋｅｎｊｉ'] },
    ]);
    expect(res.status).toBe(200);
    expect(sorted(idsOf(res.body))).toEqual(sorted([ids["O'Brien Lee"], ids['Jean\u2010Pierre Roy'], ids['Ｋｅｎｊｉ Ｔａｎａｋａ']]));

    const company = await filter([{ attribute_key: 'company_name', filter_operator: 'equal_to', values: ['acme corp'] }]);
    expect(sorted(idsOf(company.body))).toEqual(sorted([ids['Jose Pérez'], ids['Jean\u2010Pierre Roy']]));

    const city = await filter([{ attribute_key: 'city', filter_operator: 'equal_to', values: ['saint–etienne'] }]);
    expect(sorted(idsOf(city.body))).toEqual(sorted([ids['Anne-Marie Dubois'], ids["O'Brien Lee"]]));

    const notCity = await filter([{ attribute_key: 'city', filter_operator: 'does_not_contain', values: ['saint-'] }]);
    expect(idsOf(notCity.body)).not.toContain(ids['Anne-Marie Dubois']);
  });

  it('when the list is sorted by name, then Ｋｅｎｊｉ sorts with the Ks and O’Neill next to O\'Brien', async () => {
    const res = await get('/contacts?sort=name');
    expect(res.status).toBe(200);
    expect(idsOf(res.body)).toEqual(seeds.map(({ name }) => ids[name]));
  });
});

describe('an email typed with fullwidth characters', () => {
  it('when a contact is written with ｊｏｓｅ＠ｆｕｌｌ．ｔｅｓｔ, then it holds jose@full.test, and the ASCII spelling is the same address', async () => {
    const post = (body: object) => ctx.http.post(account.path('/contacts')).set('api_access_token', account.agentToken).send(body);
    const created = await post({ name: 'Fullwidth', email: 'ｊｏｓｅ＠ｆｕｌｌ．ｔｅｓｔ' });
    expect(created.status).toBe(200);
    expect(created.body.payload.contact.email).toBe('jose@full.test');
    const again = await post({ name: 'Ascii', email: 'JOSE@full.test' });
    expect(again.status).toBe(422);
    expect(JSON.stringify(again.body)).toMatch(/email/i);
  });
});

// A mail client or a CSV export may give an international domain in its ASCII (punycode) form: it made a second contact.
describe('an email whose domain is international', () => {
  it('when a contact is written with x@XN--BCHER-KVA.example, then it holds x@bücher.example, and either spelling is the same address', async () => {
    const post = (body: object) => ctx.http.post(account.path('/contacts')).set('api_access_token', account.agentToken).send(body);
    const created = await post({ name: 'Punycode', email: 'x@XN--BCHER-KVA.example' });
    expect(created.status).toBe(200);
    expect(created.body.payload.contact.email).toBe('x@bücher.example');
    const again = await post({ name: 'Unicode', email: 'X@Bücher.example' });
    expect([again.status, again.body.field]).toEqual([422, 'email']);
    // A label that encodes no international name is kept as written.
    const odd = await post({ name: 'Odd label', email: 'y@xn--bcher-kva--.example' });
    expect(odd.body.payload.contact.email).toBe('y@xn--bcher-kva--.example');
  });
});

// Found by a black-box tester pasting text from chat apps, mail clients and right-to-left pages:
// invisible characters (direction marks, soft hyphens) kept a text from equalling what it shows,
// and Greek final sigma (ς, which JavaScript lowercases a final Σ to) from equalling σ.
describe('text holding invisible characters, and Greek capitals', () => {
  let own: TestAccount;
  const made: Record<string, number> = {};
  const post = (body: object) => ctx.http.post(own.path('/contacts')).set('api_access_token', own.agentToken).send(body);
  const search = (q: string) => ctx.http.get(own.path(`/contacts/search?q=${encodeURIComponent(q)}`)).set('api_access_token', own.agentToken);
  const ownFilter = (payload: unknown[]) => ctx.http.post(own.path('/contacts/filter')).set('api_access_token', own.agentToken).send({ payload });

  beforeAll(async () => {
    own = await ctx.createAccount();
    for (const body of [
      { name: 'ΟΔΥΣΣΕΥΣ Παππάς', email: 'ΟΔΥΣ@gr.io' },
      { name: '\u200fمحمد علي\u200e', phone_number: '\u202a+44 20 7946 0000\u202c' },
      { name: 'Jo\u00adsé Soft' },
    ]) {
      const res = await post(body);
      expect(res.status).toBe(200);
      made[body.name] = res.body.payload.contact.id;
    }
    await ctx.settle(own.id);
  });

  it('when a phone number comes wrapped in direction marks, then it is stored in E.164, and a search wrapped in them finds it', async () => {
    const shown = await ctx.http.get(own.path(`/contacts/${made['\u200fمحمد علي\u200e']}`)).set('api_access_token', own.agentToken);
    expect(shown.body.payload.phone_number).toBe('+442079460000');
    expect(idsOf((await search('\u202a+44 20 7946 0000\u202c')).body)).toEqual([made['\u200fمحمد علي\u200e']]);
  });

  it('when a search or a filter holds invisible characters, or the stored name does, then they compare without them', async () => {
    expect(idsOf((await search('\u200fمحمد')).body)).toEqual([made['\u200fمحمد علي\u200e']]);
    expect(idsOf((await search('Jo\u00adsé')).body)).toEqual([made['Jo\u00adsé Soft']]);
    expect(idsOf((await search('jose soft')).body)).toEqual([made['Jo\u00adsé Soft']]);
    const equal = await ownFilter([{ attribute_key: 'name', filter_operator: 'equal_to', values: ['محمد علي'] }]);
    expect(idsOf(equal.body)).toEqual([made['\u200fمحمد علي\u200e']]);
  });

  it('when Greek capitals end a word, then search, starts_with and the email key treat Σ as σ', async () => {
    expect(idsOf((await search('ΟΔΥΣ')).body)).toEqual([made['ΟΔΥΣΣΕΥΣ Παππάς']]);
    expect(idsOf((await search('οδυσσευς')).body)).toEqual([made['ΟΔΥΣΣΕΥΣ Παππάς']]);
    const prefix = await ownFilter([{ attribute_key: 'name', filter_operator: 'starts_with', values: ['ΟΔΥΣ'] }]);
    expect(idsOf(prefix.body)).toEqual([made['ΟΔΥΣΣΕΥΣ Παππάς']]);
    const twin = await post({ name: 'Twin', email: 'οδυσ@gr.io' });
    expect(twin.status).toBe(422);
    expect(twin.body.error).toMatch(/email/);
  });

  it('when a name is only invisible characters, then it is no name: a contact with nothing else is refused', async () => {
    const res = await post({ name: '\u200f\u3164\u00ad' });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/at least one of name, email, phone_number or identifier/);
  });

  it('when city is sent composed and its additional_attributes copy decomposed, then they are the same value', async () => {
    const res = await post({ name: 'Ciudad', city: 'Bogot\u00e1', additional_attributes: { city: 'Bogota\u0301' } });
    expect(res.status).toBe(200);
  });
});
