import { startTestContext, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';

let ctx: TestContext;
let account: TestAccount;
const made: { id: number; name?: string; email?: string; phone_number?: string; identifier?: string }[] = [];

const rows = [
  { name: 'José Pérez', email: 'jose.perez@example.com', phone_number: '+34612345678', identifier: 'CRM-001' },
  { name: 'Álvaro Núñez', email: 'alvaro@correo.co', phone_number: '+573001112233' },
  { name: 'Zoë Saldaña', email: 'zoe@example.org', identifier: 'crm-002' },
  { name: 'Beatriz', email: null, phone_number: '+14155550100' },
  { name: null, email: 'ñandu@pampa.ar', identifier: 'X-PEREZ' },
  { name: 'Maximiliano de la Santísima Trinidad Fernández', email: 'maxi@example.com' },
];

const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

beforeAll(async () => {
  ctx = await startTestContext();
  account = await ctx.createAccount();
  for (const row of rows) {
    const c = await createContact(ctx, account, row);
    made.push({ id: c.id, ...Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null)) });
  }
  const other = await ctx.createAccount();
  await createContact(ctx, other, { name: 'José Pérez', email: 'jose@other.example' });
  await ctx.settle(account.id);
  await ctx.settle(other.id);
});
afterAll(() => ctx.close());

function expectedFor(q: string): number[] {
  const needle = fold(q.trim());
  const digits = needle.replace(/[\s\-.()]/g, '');
  return made
    .filter((c) =>
      [c.name, c.email, c.identifier].some((v) => v && fold(v).includes(needle)) ||
      (c.phone_number && (c.phone_number.includes(needle) || (/^[+\d\s\-.()]+$/.test(needle) && c.phone_number.includes(digits)))),
    )
    .map((c) => c.id)
    .sort((a, b) => a - b);
}

describe('searching contacts', () => {
  it.each(['jose', 'PEREZ', 'érez', 'ñandu', 'nandu', 'example', '.org', 'crm-00', 'CRM', '612 34-56', '+1415', '5555', 'z', 'álvaro núñez', 'nothing-matches', 'de la santisima trinidad fernandez', 'de la santisima trinidad fernandez!'])(
    'when q is %j, then the contacts whose name, email, phone or identifier contain it come back',
    async (q) => {
      const res = await ctx.http.get(account.path(`/contacts/search?q=${encodeURIComponent(q)}&per_page=50`)).set('api_access_token', account.agentToken);
      expect(res.status).toBe(200);
      const want = expectedFor(q);
      expect(res.body.payload.map((c: { id: number }) => c.id).sort((a: number, b: number) => a - b)).toEqual(want);
      expect(res.body.meta.count).toBe(want.length);
    },
  );

  // SPEC §1 strips dashes from phone numbers: typographic ones (en dash, non-breaking hyphen,
  // minus sign) too, as a number pasted from a document carries them.
  it.each(['612\u201334\u201356', '+34 612\u2011345\u2011678', '612\u221234'])('when q is the phone %j written with typographic dashes, then it finds the phone', async (q) => {
    const res = await ctx.http.get(account.path(`/contacts/search?q=${encodeURIComponent(q)}`)).set('api_access_token', account.agentToken);
    expect(res.status).toBe(200);
    expect(res.body.payload.map((c: { id: number }) => c.id)).toEqual([made[0].id]);
  });

  it('when a filter compares a phone written with typographic dashes, then it matches the E.164 form', async () => {
    for (const [operator, value] of [['equal_to', '+34 612\u2013345\u2013678'], ['contains', '612\u201334'], ['starts_with', '34\u2013612']]) {
      const res = await ctx.http.post(account.path('/contacts/filter')).set('api_access_token', account.agentToken)
        .send({ payload: [{ attribute_key: 'phone_number', filter_operator: operator, values: [value] }] });
      expect([operator, res.status, res.body.payload?.map((c: { id: number }) => c.id)]).toEqual([operator, 200, [made[0].id]]);
    }
  });

  // The digits an Arabic, Persian, Hindi or Japanese keyboard types are digits: E.164 writes them
  // 0-9. A search or a filter typed with them found nothing, and a write was refused.
  it.each(['\u0666\u0661\u0662 \u0663\u0664', '\u06f6\u06f1\u06f2\u06f3\u06f4', '\uff16\uff11\uff12\uff0d\uff13\uff14'])('when q is a phone written with the digits of another script (%j), then it finds the phone', async (q) => {
    const res = await ctx.http.get(account.path(`/contacts/search?q=${encodeURIComponent(q)}`)).set('api_access_token', account.agentToken);
    expect(res.status).toBe(200);
    expect(res.body.payload.map((c: { id: number }) => c.id)).toEqual([made[0].id]);
    const filtered = await ctx.http.post(account.path('/contacts/filter')).set('api_access_token', account.agentToken)
      .send({ payload: [{ attribute_key: 'phone_number', filter_operator: 'contains', values: [q] }] });
    expect(filtered.body.payload?.map((c: { id: number }) => c.id)).toEqual([made[0].id]);
  });

  it('when results are sorted and paged, then the list\'s sort and cursor apply', async () => {
    const first = await ctx.http.get(account.path('/contacts/search?q=e&sort=name&per_page=2')).set('api_access_token', account.agentToken);
    expect(first.body.payload).toHaveLength(2);
    expect(first.body.meta.next_cursor).toEqual(expect.any(String));
  });

  it('when results are paged by page, then meta.has_more says whether another page follows, as Chatwoot\'s search answers', async () => {
    const want = expectedFor('example');
    expect(want.length).toBeGreaterThan(2);
    const get = (query: string) => ctx.http.get(account.path(`/contacts/search?q=example&sort=name&${query}`)).set('api_access_token', account.agentToken);
    const first = await get('per_page=2&page=1');
    expect(first.body.meta).toMatchObject({ count: want.length, current_page: 1, has_more: true });
    const last = await get(`per_page=2&page=${Math.ceil(want.length / 2)}`);
    expect(last.body.meta.has_more).toBe(false);
    expect((await get('per_page=50')).body.meta.has_more).toBe(false);
    // The same meta on the plain list.
    const list = await ctx.http.get(account.path('/contacts?per_page=1')).set('api_access_token', account.agentToken);
    expect(list.body.meta.has_more).toBe(true);
  });

  it('when labels[] are given, then only matches holding one of them come back, as on the list', async () => {
    const as = (r: ReturnType<typeof ctx.http.get>) => r.set('api_access_token', account.adminToken);
    await ctx.http.post(account.path('/labels')).set('api_access_token', account.adminToken).send({ title: 'vip' });
    const [jose, zoe] = [made[0], made[2]];
    for (const c of [jose, zoe]) {
      await ctx.http.post(account.path(`/contacts/${c.id}/labels`)).set('api_access_token', account.adminToken).send({ labels: ['vip'] });
    }
    await ctx.settle(account.id);
    const res = await as(ctx.http.get(account.path('/contacts/search?q=example&labels[]=VIP&per_page=50')));
    expect(res.status).toBe(200);
    expect(res.body.payload.map((c: { id: number }) => c.id).sort((a: number, b: number) => a - b)).toEqual([jose.id, zoe.id].sort((a, b) => a - b));
    expect(res.body.meta.count).toBe(2);
    expect((await as(ctx.http.get(account.path('/contacts/search?q=pampa&labels[]=vip')))).body.payload).toEqual([]);
  });

  it('when q is missing or blank, then it answers 422', async () => {
    expect((await ctx.http.get(account.path('/contacts/search')).set('api_access_token', account.agentToken)).status).toBe(422);
    expect((await ctx.http.get(account.path('/contacts/search?q=%20')).set('api_access_token', account.agentToken)).status).toBe(422);
    // Only invisible characters, or a lone accent: nothing to search for, said so (it was "q must not be empty").
    for (const q of ['%E2%80%8B', '%C2%AD', '%CC%81']) {
      const res = await ctx.http.get(account.path(`/contacts/search?q=${q}`)).set('api_access_token', account.agentToken);
      expect([res.status, res.body.error]).toEqual([422, 'q has nothing to search for: it is empty, or holds only spaces, invisible characters or accents']);
    }
  });

  // The suffixes a substring is found by started in the first 256 characters of the folded
  // value, and folding makes some characters longer (ﷺ is 18 characters, ß two): the last word of
  // a 40-character name was found by no search, and does_not_contain kept the contact (found by
  // a differential audit against an oracle).
  it('when folding makes a name longer than 256 characters, then its last word is still found, and does_not_contain leaves it out', async () => {
    const other = await ctx.createAccount();
    const ligatures = await createContact(ctx, other, { name: `Ali ${'\ufdfa '.repeat(15)}Rahman` });
    const sharpS = await createContact(ctx, other, { name: `${'ß'.repeat(130)}tailword` });
    await ctx.settle(other.id);
    const as = (r: ReturnType<typeof ctx.http.get>) => r.set('api_access_token', other.adminToken);
    const found = async (q: string) => (await as(ctx.http.get(other.path(`/contacts/search?q=${q}`))).expect(200)).body.payload.map((c: { id: number }) => c.id);
    expect(await found('rahman')).toEqual([ligatures.id]);
    expect(await found('tailword')).toEqual([sharpS.id]);
    const filter = (operator: string, value: string) =>
      ctx.http.post(other.path('/contacts/filter')).set('api_access_token', other.adminToken).send({ payload: [{ attribute_key: 'name', filter_operator: operator, values: [value] }] }).expect(200);
    expect((await filter('contains', 'rahman')).body.payload.map((c: { id: number }) => c.id)).toEqual([ligatures.id]);
    expect((await filter('does_not_contain', 'rahman')).body.payload.map((c: { id: number }) => c.id)).not.toContain(ligatures.id);
  });

  // Found by the hostile-input probe: q sent twice or as q[] answered "q is required".
  it.each(['q=a&q=b', 'q[]=a', 'q[a]=b'])('when q comes as %s, then the 422 says q must be sent once, as one string', async (query) => {
    const res = await ctx.http.get(account.path(`/contacts/search?${query}`)).set('api_access_token', account.agentToken);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ error: 'q must be one string, sent once', field: 'q' });
  });
});
