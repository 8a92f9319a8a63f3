import { MAPPING_VERSION } from '../../src/search/contacts-index';
import { startTestContext, waitFor, type TestAccount, type TestContext } from '../support/context';

// Expectations are computed here, from the contacts this file creates, by a plain evaluator of
// SPEC §3.2 over the raw values (not by the engine), and compared with what the API returns.

let ctx: TestContext;
let account: TestAccount;

const DAY = 86400000;
const now = Date.now();
const startOfToday = Math.floor(now / DAY) * DAY;
const iso = (ms: number) => new Date(ms).toISOString();

interface Row {
  name?: string;
  email?: string;
  phone_number?: string;
  identifier?: string;
  city?: string;
  company_name?: string;
  country_code?: string;
  labels?: string[];
  created_at?: string;
  last_activity_at?: string;
  blocked?: boolean;
  custom?: Record<string, unknown>;
  /** additional_attributes.social_profiles */
  social?: Record<string, string>;
}

const rows: Row[] = [
  {
    name: 'José Pérez', email: 'jose@example.com', phone_number: '+34612345678', identifier: 'CRM-1', city: 'Bogotá D.C.', company_name: 'Acme',
    country_code: 'CO', labels: ['vip', 'lead'], created_at: '2025-03-10T08:00:00Z', last_activity_at: '2025-03-15T10:00:00Z', blocked: false,
    custom: { plan: 'pro', seats: 10, renewal: '2026-01-31', vip: true, site: 'https://acme.example', notes: 'Called twice' },
    social: { twitter: '@JoseP', github: 'josep' },
  },
  {
    name: 'Álvaro Núñez', email: 'alvaro@correo.co', phone_number: '+573001112233', identifier: 'crm-2', city: 'Medellín', company_name: 'ACME Corp',
    country_code: 'CO', labels: ['lead'], created_at: '2025-03-15T23:59:59Z', blocked: true,
    custom: { plan: 'free', seats: 2, renewal: '2026-02-01', vip: false },
    social: { twitter: 'https://twitter.com/alvaro', linkedin: 'in/álvaro-núñez', github: 'alvaro-n' },
  },
  {
    name: 'beatriz', phone_number: '+14155550100', city: 'Lima', country_code: 'PE', created_at: '2025-03-16T00:00:00Z', last_activity_at: '2024-01-01T00:00:00Z',
    custom: { seats: 0.5 },
  },
  {
    name: 'Zoë', email: 'zoe@example.org', identifier: 'X-9', company_name: 'Initech', labels: ['customer'], created_at: '2020-01-01T00:00:00Z',
    last_activity_at: iso(now - DAY), custom: { notes: 'VIP prospect', site: 'http://zoe.example.org' }, social: { instagram: 'zoe.gram' },
  },
  {
    name: 'Carlos Bogotano', email: 'carlos@bogota.com', phone_number: '+34600000000', city: 'bogota', company_name: 'acme', country_code: 'ES',
    labels: ['vip'], last_activity_at: iso(startOfToday - 10 * DAY - 1000), custom: { plan: 'pro', seats: 100, vip: true, renewal: '2026-01-31T22:00:00Z' },
  },
  { identifier: 'only-id' },
];

const created: { id: number; row: Row; createdAt: number }[] = [];

const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().trim();
const stripPhone = (s: string) => s.replace(/[\s\-.()]/g, '');

function valueOf(c: (typeof created)[number], key: string): unknown {
  const r = c.row;
  switch (key) {
    case 'created_at':
      return c.createdAt;
    case 'last_activity_at':
      return r.last_activity_at ? Date.parse(r.last_activity_at) : undefined;
    case 'labels':
      return r.labels?.length ? r.labels : undefined;
    case 'blocked':
      return r.blocked ?? false;
    default:
      if (key.startsWith('social_profiles.')) return r.social?.[key.slice('social_profiles.'.length)];
      if (key in (r.custom ?? {})) return r.custom![key];
      return (r as Record<string, unknown>)[key];
  }
}

const TYPES: Record<string, 'text' | 'phone' | 'exact' | 'labels' | 'date' | 'bool' | 'number' | 'cdate'> = {
  name: 'text', email: 'text', city: 'text', company_name: 'text', phone_number: 'phone', identifier: 'exact', country_code: 'exact',
  labels: 'labels', created_at: 'date', last_activity_at: 'date', blocked: 'bool',
  plan: 'text', site: 'text', notes: 'text', seats: 'number', renewal: 'cdate', vip: 'bool',
  'social_profiles.twitter': 'text', 'social_profiles.github': 'text', 'social_profiles.linkedin': 'text', 'social_profiles.instagram': 'text',
  'social_profiles.facebook': 'text',
};

function dayBound(v: string) {
  return /^\d{4}-\d{2}-\d{2}$/.test(v) ? { ms: Date.parse(`${v}T00:00:00Z`), day: true } : { ms: Date.parse(v), day: false };
}

/** SPEC §3.2, written plainly. */
function matches(c: (typeof created)[number], key: string, op: string, values: unknown[]): boolean {
  const raw = valueOf(c, key);
  const absent = raw === undefined || raw === null || raw === '';
  if (op === 'is_present') return !absent;
  if (op === 'is_not_present') return absent;
  const type = TYPES[key];
  const negate = op === 'not_equal_to' || op === 'does_not_contain';
  if (absent) return negate;
  let hit: boolean;
  if (type === 'text' || type === 'exact') {
    const v = fold(String(raw));
    const vs = values.map((x) => fold(String(x)));
    if (op === 'equal_to' || op === 'not_equal_to') hit = vs.includes(v);
    else if (op === 'contains' || op === 'does_not_contain') hit = vs.some((x) => v.includes(x));
    else hit = vs.some((x) => v.startsWith(x));
  } else if (type === 'phone') {
    const v = String(raw);
    const vs = values.map((x) => stripPhone(String(x)));
    if (op === 'equal_to' || op === 'not_equal_to') hit = vs.map((x) => (x.startsWith('+') ? x : `+${x}`)).includes(v);
    else if (op === 'contains' || op === 'does_not_contain') hit = vs.some((x) => v.includes(x));
    else hit = vs.some((x) => v.startsWith(x.startsWith('+') ? x : `+${x}`));
  } else if (type === 'labels') {
    hit = (raw as string[]).some((l) => values.map((x) => String(x).toLowerCase()).includes(l));
  } else if (type === 'bool') {
    hit = values.map((x) => String(x) === 'true').includes(raw as boolean);
  } else if (type === 'number') {
    const n = raw as number;
    if (op === 'is_greater_than') return n > Number(values[0]);
    if (op === 'is_less_than') return n < Number(values[0]);
    hit = values.map(Number).includes(n);
  } else {
    const ms = typeof raw === 'number' ? raw : Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(String(raw)) ? `${raw}T00:00:00Z` : String(raw));
    if (op === 'days_before') return ms < startOfToday - Number(values[0]) * DAY;
    const b = dayBound(String(values[0]));
    if (op === 'is_greater_than') return b.day ? ms >= b.ms + DAY : ms > b.ms;
    if (op === 'is_less_than') return ms < b.ms;
    hit = values.some((x) => Math.floor(dayBound(String(x)).ms / DAY) === Math.floor(ms / DAY));
  }
  return negate ? !hit : hit;
}

type Cond = [string, string, unknown[]];
const ids = (list: { id: number }[]) => list.map((c) => c.id).sort((a, b) => a - b);
const expected = (pred: (c: (typeof created)[number]) => boolean) => ids(created.filter(pred));
const item = ([attribute_key, filter_operator, values]: Cond, query_operator: string | null = null) => ({ attribute_key, filter_operator, values, query_operator });

async function filter(payload: unknown, query = 'per_page=100') {
  return ctx.http.post(account.path(`/contacts/filter?${query}`)).set('api_access_token', account.agentToken).send({ payload });
}

beforeAll(async () => {
  ctx = await startTestContext();
  account = await ctx.createAccount();
  const api = (p: string, body: object) => ctx.http.post(account.path(p)).set('api_access_token', account.adminToken).send(body);
  await api('/custom_attribute_definitions', { attribute_key: 'plan', attribute_display_type: 'list', attribute_values: ['free', 'pro'] });
  await api('/custom_attribute_definitions', { attribute_key: 'seats', attribute_display_type: 'number' });
  await api('/custom_attribute_definitions', { attribute_key: 'renewal', attribute_display_type: 'date' });
  await api('/custom_attribute_definitions', { attribute_key: 'vip', attribute_display_type: 'checkbox' });
  await api('/custom_attribute_definitions', { attribute_key: 'site', attribute_display_type: 'link' });
  await api('/custom_attribute_definitions', { attribute_key: 'notes', attribute_display_type: 'text' });
  for (const row of rows) {
    const { custom, labels, social, ...fields } = row;
    const res = await api('/contacts', { ...fields, custom_attributes: custom ?? {}, ...(social ? { additional_attributes: { social_profiles: social } } : {}) });
    if (res.status !== 200) throw new Error(JSON.stringify(res.body));
    const contact = res.body.payload.contact;
    if (labels) await api(`/contacts/${contact.id}/labels`, { labels });
    created.push({ id: contact.id, row, createdAt: contact.created_at * 1000 });
  }
  // A contact of another account that matches everything must never appear.
  const other = await ctx.createAccount();
  await ctx.http.post(other.path('/contacts')).set('api_access_token', other.adminToken).send({ ...rows[0], labels: undefined, custom: undefined, social: undefined });
  await ctx.settle(account.id);
  await ctx.settle(other.id);
});
afterAll(() => ctx.close());

const cases: Cond[] = [
  ['name', 'equal_to', ['jose perez']],
  ['name', 'equal_to', ['ALVARO NUÑEZ', 'zoe']],
  ['name', 'not_equal_to', ['José Pérez']],
  ['name', 'contains', ['ez']],
  ['name', 'does_not_contain', ['a']],
  ['name', 'starts_with', ['al', 'Z']],
  ['name', 'is_present', []],
  ['name', 'is_not_present', []],
  ['email', 'contains', ['EXAMPLE']],
  ['email', 'does_not_contain', ['example']],
  ['email', 'starts_with', ['jose@']],
  ['email', 'not_equal_to', ['jose@example.com']],
  ['email', 'is_not_present', []],
  ['city', 'contains', ['bogota']],
  ['city', 'equal_to', ['medellin']],
  ['city', 'not_equal_to', ['lima']],
  ['city', 'starts_with', ['BOG']],
  ['company_name', 'contains', ['acme']],
  ['company_name', 'equal_to', ['acme']],
  ['company_name', 'does_not_contain', ['corp']],
  ['phone_number', 'equal_to', ['34 612 34 56 78']],
  ['phone_number', 'not_equal_to', ['+34612345678']],
  ['phone_number', 'starts_with', ['34']],
  ['phone_number', 'contains', ['555']],
  ['phone_number', 'does_not_contain', ['34']],
  ['phone_number', 'is_present', []],
  ['identifier', 'equal_to', ['crm-1', 'CRM-2']],
  ['identifier', 'not_equal_to', ['only-id']],
  ['identifier', 'is_present', []],
  ['country_code', 'equal_to', ['co']],
  ['country_code', 'not_equal_to', ['CO']],
  ['country_code', 'is_not_present', []],
  ['labels', 'equal_to', ['VIP', 'customer']],
  ['labels', 'not_equal_to', ['lead']],
  ['labels', 'is_present', []],
  ['labels', 'is_not_present', []],
  ['created_at', 'is_greater_than', ['2025-03-15']],
  ['created_at', 'is_less_than', ['2025-03-16']],
  ['created_at', 'is_greater_than', ['2025-03-15T23:59:58Z']],
  ['created_at', 'days_before', [30]],
  ['last_activity_at', 'is_less_than', ['2025-03-15']],
  ['last_activity_at', 'is_greater_than', ['2025-03-14']],
  ['last_activity_at', 'days_before', [10]],
  ['last_activity_at', 'days_before', [9]],
  ['last_activity_at', 'is_not_present', []],
  ['blocked', 'equal_to', [true]],
  ['blocked', 'not_equal_to', ['true']],
  ['plan', 'equal_to', ['PRO']],
  ['plan', 'not_equal_to', ['pro']],
  ['plan', 'is_not_present', []],
  ['site', 'contains', ['example.org']],
  ['site', 'starts_with', ['https']],
  ['notes', 'does_not_contain', ['vip']],
  ['notes', 'equal_to', ['called twice']],
  ['seats', 'equal_to', [10, '2']],
  ['seats', 'not_equal_to', [10]],
  ['seats', 'is_greater_than', [2]],
  ['seats', 'is_less_than', ['2']],
  ['seats', 'is_present', []],
  ['renewal', 'equal_to', ['2026-01-31']],
  ['renewal', 'is_greater_than', ['2026-01-31']],
  ['renewal', 'is_less_than', ['2026-02-01']],
  ['renewal', 'days_before', [0]],
  ['renewal', 'is_not_present', []],
  ['vip', 'equal_to', [true]],
  ['vip', 'not_equal_to', [true]],
  ['vip', 'equal_to', ['false']],
  ['social_profiles.twitter', 'equal_to', ['@josep']],
  ['social_profiles.twitter', 'contains', ['ALVARO']],
  ['social_profiles.twitter', 'is_present', []],
  ['social_profiles.github', 'not_equal_to', ['josep']],
  ['social_profiles.github', 'starts_with', ['alv']],
  ['social_profiles.linkedin', 'starts_with', ['in/alvaro']],
  ['social_profiles.instagram', 'does_not_contain', ['gram']],
  ['social_profiles.facebook', 'is_not_present', []],
];

describe('each attribute and operator', () => {
  it.each(cases)('when %s %s %j, then the contacts returned are those the rule selects', async (key, op, values) => {
    const res = await filter([item([key, op, values])]);
    expect(res.status).toBe(200);
    const want = expected((c) => matches(c, key, op, values));
    expect(ids(res.body.payload)).toEqual(want);
    expect(res.body.meta.count).toBe(want.length);
  });

  it('when the cases are taken together, then they are not trivial (each selects some, but not all, for most)', () => {
    const sizes = cases.map(([k, o, v]) => expected((c) => matches(c, k, o, v)).length);
    expect(sizes.filter((n) => n > 0 && n < created.length).length).toBeGreaterThan(cases.length * 0.8);
  });
});

describe('joining conditions', () => {
  const A: Cond = ['country_code', 'equal_to', ['CO']];
  const B: Cond = ['labels', 'equal_to', ['vip']];
  const C: Cond = ['city', 'contains', ['bogota']];
  const m = (cond: Cond) => (c: (typeof created)[number]) => matches(c, ...cond);

  it('when A or B and C, then AND binds tighter', async () => {
    const res = await filter([item(B, 'or'), item(A, 'and'), item(['blocked', 'equal_to', [true]])]);
    expect(ids(res.body.payload)).toEqual(expected((c) => m(B)(c) || (m(A)(c) && m(['blocked', 'equal_to', [true]])(c))));
  });

  it('when A and B or C, then (A and B) or C', async () => {
    const res = await filter([item(A, 'AND'), item(B, 'Or'), item(['name', 'starts_with', ['zo']])]);
    expect(ids(res.body.payload)).toEqual(expected((c) => (m(A)(c) && m(B)(c)) || m(['name', 'starts_with', ['zo']])(c)));
  });

  it('when a group is used, then it is parenthesised: (A or B) and C', async () => {
    const res = await filter([{ group: [item(A, 'or'), item(B)], query_operator: 'and' }, item(C)]);
    const want = expected((c) => (m(A)(c) || m(B)(c)) && m(C)(c));
    expect(ids(res.body.payload)).toEqual(want);
    expect(want).not.toEqual(expected((c) => m(A)(c) || (m(B)(c) && m(C)(c))));
  });

  it('when a custom not_equal_to is not the last item and the last item has a trailing operator, then it still works', async () => {
    const res = await filter([item(['plan', 'not_equal_to', ['pro']], 'and'), item(['name', 'is_present', []], 'and')]);
    expect(res.status).toBe(200);
    expect(ids(res.body.payload)).toEqual(expected((c) => matches(c, 'plan', 'not_equal_to', ['pro']) && matches(c, 'name', 'is_present', [])));
  });
});

// Chatwoot's new-conversation picker (composeConversationHelper's generateContactQuery) sends what
// is typed as email, phone number and name contains, ORed; a name in the phone condition was a 422.
describe("Chatwoot's contact picker", () => {
  const picker = (typed: string) =>
    ['email', 'phone_number', 'name'].map((attribute_key, i, keys) => ({
      attribute_key, filter_operator: 'contains', values: [typed], attribute_model: 'standard', ...(i < keys.length - 1 ? { query_operator: 'or' } : {}),
    }));
  const found = (typed: string) => expected((c) => ['email', 'phone_number', 'name'].some((key) => matches(c, key, 'contains', [typed])));

  it('when a name, an email or a phone\'s digits are typed, then the contacts holding them in any of the three are found', async () => {
    for (const typed of ['ez', 'bogota.com', '555', '612 34']) {
      const res = await filter(picker(typed), 'include_contact_inboxes=false&page=1&sort=name');
      expect([typed, res.status]).toEqual([typed, 200]);
      expect(ids(res.body.payload)).toEqual(found(typed));
      expect(found(typed).length).toBeGreaterThan(0);
    }
    // Text that is no number finds no phone: does_not_contain keeps every contact.
    const none = await filter([item(['phone_number', 'does_not_contain', ['ana']])]);
    expect(ids(none.body.payload)).toEqual(expected(() => true));
  });
});

describe('sorting and paging a filter', () => {
  it('when a filter is paged by cursor, then every match comes once in sort order with an exact count', async () => {
    const payload = [item(['name', 'is_present', []])];
    const seen: string[] = [];
    let res = await filter(payload, 'sort=name&per_page=2');
    expect(res.body.meta.count).toBe(created.filter((c) => c.row.name).length);
    seen.push(...res.body.payload.map((c: { name: string }) => c.name));
    while (res.body.meta.next_cursor) {
      res = await filter(payload, `sort=name&per_page=2&after=${res.body.meta.next_cursor}`);
      seen.push(...res.body.payload.map((c: { name: string }) => c.name));
    }
    const want = created.filter((c) => c.row.name).map((c) => c.row.name!).sort((a, b) => fold(a).localeCompare(fold(b)));
    expect(seen).toEqual(want);
  });

  it('when sort and paging come in the body instead of the query string, then they are used; the query string wins over the body', async () => {
    const payload = [item(['name', 'is_present', []])];
    const post = (body: object, query = '') => ctx.http.post(account.path(`/contacts/filter${query ? `?${query}` : ''}`)).set('api_access_token', account.agentToken).send(body);
    const byQuery = await post({ payload }, 'sort=name&per_page=2&page=2');
    const byBody = await post({ payload, sort: 'name', per_page: 2, page: 2 });
    expect(byBody.status).toBe(200);
    expect(byBody.body.payload.map((c: { id: number }) => c.id)).toEqual(byQuery.body.payload.map((c: { id: number }) => c.id));
    expect(byBody.body.meta.current_page).toBe(2);
    const next = await post({ payload, sort: 'name', per_page: 2, after: byBody.body.meta.next_cursor });
    expect(next.body.payload.map((c: { id: number }) => c.id)).toEqual((await post({ payload }, `sort=name&per_page=2&after=${byBody.body.meta.next_cursor}`)).body.payload.map((c: { id: number }) => c.id));
    const both = await post({ payload, sort: 'name', per_page: 3 }, 'sort=-name');
    expect(both.body.payload).toHaveLength(3);
    expect(both.body.payload.map((c: { id: number }) => c.id)).toEqual((await post({ payload }, 'sort=-name&per_page=3')).body.payload.map((c: { id: number }) => c.id));
    expect((await post({ payload, per_page: 'lots' })).status).toBe(422);
    expect((await post({ payload, sort: 'nope' })).status).toBe(422);
  });

  // Found by the paging probe: a client walking pages sends the last answer's next_cursor, which is
  // null before the first page (and Rails, Chatwoot's, reads a null page as none); null answered
  // 422, for page and per_page with a message about a value that was never given ("page starts at 1").
  it('when the body gives sort, page, per_page, after, q or labels as null, then each is absent, as Chatwoot reads them', async () => {
    const payload = [item(['name', 'is_present', []])];
    const post = (body: object) => ctx.http.post(account.path('/contacts/filter')).set('api_access_token', account.agentToken).send(body);
    const plain = await post({ payload });
    const nulls = await post({ payload, sort: null, page: null, per_page: null, after: null, q: null, labels: null });
    expect(nulls.status).toBe(200);
    expect(nulls.body).toEqual(plain.body);
    // The query string's values still win over a null in the body.
    const byQuery = await ctx.http.post(account.path('/contacts/filter?sort=name&per_page=2')).set('api_access_token', account.agentToken).send({ payload, sort: null, per_page: null });
    expect(byQuery.body.payload).toHaveLength(2);
    expect((await post({ payload, after: '' })).body).toEqual(plain.body);
    expect((await post({ payload, after: 'garbage' })).status).toBe(422);
  });

  it('when a filter is sorted by a custom attribute, then it orders by it', async () => {
    const res = await filter([item(['seats', 'is_present', []])], 'sort=-custom_attributes.seats');
    const want = created.filter((c) => c.row.custom?.seats !== undefined).sort((a, b) => (b.row.custom!.seats as number) - (a.row.custom!.seats as number));
    expect(res.body.payload.map((c: { id: number }) => c.id)).toEqual(want.map((c) => c.id));
  });
});

describe('searching within a filter or a segment', () => {
  const colombia = [item(['country_code', 'equal_to', ['co']])];
  const inColombia = (pred: (c: (typeof created)[number]) => boolean) => expected((c) => matches(c, 'country_code', 'equal_to', ['co']) && pred(c));

  it('when a filter carries q, in the query string or the body, then only its matches of that search are listed, counted exactly', async () => {
    const byQuery = await filter(colombia, 'per_page=100&q=JOSE');
    expect(byQuery.status).toBe(200);
    expect(ids(byQuery.body.payload)).toEqual(inColombia((c) => c.row.name === 'José Pérez'));
    expect(byQuery.body.meta.count).toBe(1);
    const byBody = await ctx.http.post(account.path('/contacts/filter')).set('api_access_token', account.agentToken).send({ payload: colombia, q: 'crm' });
    expect(ids(byBody.body.payload)).toEqual(inColombia(() => true));
    // Search's own rules: a phone typed with separators.
    expect(ids((await filter(colombia, 'per_page=100&q=612%2034')).body.payload)).toEqual(inColombia((c) => c.row.phone_number === '+34612345678'));
    // The filter still applies: "carlos" is a contact, not in Colombia.
    expect((await filter(colombia, 'q=carlos')).body.meta.count).toBe(0);
  });

  it('when a segment is run with q, then only its matches of that search are listed', async () => {
    const created1 = await ctx.http.post(account.path('/custom_filters')).set('api_access_token', account.agentToken).send({ name: 'Colombia', query: { payload: colombia } });
    const run = await ctx.http.get(account.path(`/custom_filters/${created1.body.id}/contacts?q=alvaro&per_page=100`)).set('api_access_token', account.agentToken);
    expect(run.status).toBe(200);
    expect(ids(run.body.payload)).toEqual(inColombia((c) => c.row.name === 'Álvaro Núñez'));
    expect(run.body.meta.count).toBe(1);
  });

  it("when a segment's values come as Chatwoot's dropdown objects, then it keeps them as given and runs on their ids", async () => {
    const given = [{ attribute_key: 'country_code', filter_operator: 'equal_to', values: [{ id: 'CO', name: 'Colombia' }], query_operator: null }];
    const created = await ctx.http.post(account.path('/custom_filters')).set('api_access_token', account.agentToken).send({ name: 'Colombia as given', query: { payload: given } });
    expect(created.status).toBe(200);
    // SPEC §2: timestamps are Unix seconds (they were ISO 8601 text, as Chatwoot renders a custom filter's).
    expect(Number.isInteger(created.body.created_at) && Math.abs(created.body.created_at - Date.now() / 1000) < 120).toBe(true);
    expect(created.body.updated_at).toBe(created.body.created_at);
    expect(created.body.query.payload).toEqual(given);
    expect((await ctx.http.get(account.path(`/custom_filters/${created.body.id}`)).set('api_access_token', account.agentToken)).body.query.payload).toEqual(given);
    const run = await ctx.http.get(account.path(`/custom_filters/${created.body.id}/contacts?per_page=100`)).set('api_access_token', account.agentToken);
    expect(ids(run.body.payload)).toEqual(inColombia(() => true));
  });

  it('when q is too long, then it answers 422 naming q; blank, it is absent (as the other blank list parameters)', async () => {
    const long = await filter(colombia, `q=${'x'.repeat(256)}`);
    expect(long.status).toBe(422);
    expect(long.body.field).toBe('q');
    const blank = await filter(colombia, 'q=%20');
    expect(blank.status).toBe(200);
    expect(blank.body.meta.count).toBe((await filter(colombia, '')).body.meta.count);
    // So is one of only invisible characters or a lone accent, which folds to nothing (it was a 422 "q must not be empty").
    for (const q of ['%E2%80%8B', '%C2%AD', '%CC%81']) {
      const invisible = await filter(colombia, `q=${q}`);
      expect([invisible.status, invisible.body.meta?.count]).toEqual([200, blank.body.meta.count]);
    }
  });

  // A script searching a phone's digits sent them as a JSON number: a 422 about strings.
  it('when q comes in the body as a whole number, then it searches its digits', async () => {
    const everyone = [item(['name', 'is_present', []])];
    const res = await ctx.http.post(account.path('/contacts/filter')).set('api_access_token', account.agentToken).send({ payload: everyone, q: 4155550100 });
    expect(res.status).toBe(200);
    expect(res.body.payload.map((c: { name: string; phone_number: string }) => [c.name, c.phone_number])).toEqual([['beatriz', '+14155550100']]);
    expect(res.body.meta.count).toBe(1);
    const fraction = await ctx.http.post(account.path('/contacts/filter')).set('api_access_token', account.agentToken).send({ payload: everyone, q: 1.5 });
    expect(fraction.status).toBe(422);
    expect(fraction.body.field).toBe('q');
  });
});

describe('labels[] on a filter or a segment, as on the list', () => {
  // The list's labels[] narrows a filter and a segment run too (it used to be dropped in silence,
  // answering every match of the filter).
  const colombia = [item(['country_code', 'equal_to', ['co']])];
  const inColombiaWith = (labels: string[]) =>
    expected((c) => matches(c, 'country_code', 'equal_to', ['co']) && (c.row.labels ?? []).some((l) => labels.includes(l)));

  it('when a filter carries labels[] (query string, comma form or body), then only its matches holding any of them are listed, counted exactly', async () => {
    const byQuery = await filter(colombia, 'per_page=100&labels[]=VIP');
    expect(byQuery.status).toBe(200);
    expect(inColombiaWith(['vip']).length).toBeGreaterThan(0);
    expect(inColombiaWith(['vip']).length).toBeLessThan(expected((c) => matches(c, 'country_code', 'equal_to', ['co'])).length);
    expect(ids(byQuery.body.payload)).toEqual(inColombiaWith(['vip']));
    expect(byQuery.body.meta.count).toBe(inColombiaWith(['vip']).length);
    expect(ids((await filter(colombia, 'per_page=100&labels=vip,customer')).body.payload)).toEqual(inColombiaWith(['vip', 'customer']));
    const byBody = await ctx.http.post(account.path('/contacts/filter')).set('api_access_token', account.agentToken).send({ payload: colombia, labels: ['vip'] });
    expect(ids(byBody.body.payload)).toEqual(inColombiaWith(['vip']));
    expect((await filter(colombia, 'labels[]=nobody-has-this')).body.meta.count).toBe(0);
    const many = (n: number) => Array.from({ length: n }, (_, i) => `l${i}`);
    expect((await ctx.http.post(account.path('/contacts/filter')).set('api_access_token', account.agentToken).send({ payload: colombia, labels: many(100) })).status).toBe(200);
    const tooMany = await ctx.http.post(account.path('/contacts/filter')).set('api_access_token', account.agentToken).send({ payload: colombia, labels: many(101) });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body).toMatchObject({ field: 'labels', error: 'labels may name at most 100 labels (101 given)' });
    expect((await filter(colombia, `labels=${many(101).join(',')}`)).status).toBe(422);
  });

  it('when a segment is run with labels[], then only its contacts holding any of them are listed', async () => {
    const segment = await ctx.http.post(account.path('/custom_filters')).set('api_access_token', account.agentToken).send({ name: 'Colombia labels', query: { payload: colombia } });
    const run = await ctx.http.get(account.path(`/custom_filters/${segment.body.id}/contacts?labels[]=vip&per_page=100`)).set('api_access_token', account.agentToken);
    expect(run.status).toBe(200);
    expect(ids(run.body.payload)).toEqual(inColombiaWith(['vip']));
    expect(run.body.meta.count).toBe(inColombiaWith(['vip']).length);
  });
});

describe('a filter of no condition', () => {
  it('when the payload is empty, then every contact is listed, sorted and counted as the plain list, as Chatwoot answers it', async () => {
    const get = (p: string) => ctx.http.get(account.path(p)).set('api_access_token', account.agentToken).expect(200);
    const filter = (query: string) => ctx.http.post(account.path(`/contacts/filter${query}`)).set('api_access_token', account.agentToken).send({ payload: [] });
    const all = (await filter('?sort=name&per_page=100')).body;
    const plain = (await get('/contacts?sort=name&per_page=100')).body;
    expect(all.meta.count).toBe(plain.meta.count);
    expect(ids(all.payload)).toEqual(ids(plain.payload));
    // Narrowed as any filter is: by labels[] and by q.
    const vip = (await filter('?labels[]=vip&per_page=100')).body;
    expect(vip.meta.count).toBe((await get('/contacts?labels[]=vip&per_page=100')).body.meta.count);
    // A saved segment still needs a condition (an empty one would be the whole list under a name).
    const segment = await ctx.http.post(account.path('/custom_filters')).set('api_access_token', account.agentToken).send({ name: 'Nothing', query: { payload: [] } });
    expect(segment.status).toBe(422);
  });
});

describe('invalid filters', () => {
  it.each([
    [{}, /payload/],
    [{ payload: [item(['name', 'equal_to', ['x']], 'xor')] }, /payload\[0\]: query_operator/],
    [{ payload: [item(['notes', 'equal_to', [5]])] }, /payload\[0\]: values\[0\] must be a string/],
    [{ payload: [item(['seats', 'is_greater_than', ['many']])] }, /payload\[0\]: values\[0\] must be a number/],
    [{ payload: [item(['name', 'equal_to', ['a']], 'and'), item(['unknown_key', 'equal_to', ['x']])] }, /payload\[1\]: unknown attribute "unknown_key"/],
    [{ payload: [item(['labels', 'contains', ['x']])] }, /payload\[0\]: filter_operator "contains" is not allowed/],
    // A code a contact cannot hold (writes keep two letters) matched nothing with a 200.
    [{ payload: [item(['country_code', 'equal_to', ['COL']])] }, /^payload\[0\]: values\[0\]: country_code must be a two-letter ISO 3166 code; got "COL"$/],
    // A title no label can have matched nothing with a 200; labels[] answers 422 for it.
    [{ payload: [item(['labels', 'equal_to', ['vip', 'a b']])] }, /^payload\[0\]: values\[1\]: label "a b" may hold only letters, digits, "-" and "_"$/],
    [{ payload: [item(['created_at', 'is_greater_than', []])] }, /payload\[0\]: values must hold/],
    [{ payload: [item(['created_at', 'is_greater_than', ['last week']])] }, /payload\[0\]: values\[0\] must be a date/],
    [{ payload: 'name=x' }, /payload/],
    [{ payload: [{ group: [item(['name', 'equal_to', ['x']])], attribute_key: 'nope', filter_operator: 'x' }] }, /^payload\[0\]: a group item takes only group and query_operator/],
  ])('when the body is %j, then it answers 422 naming the item', async (body, message) => {
    const res = await ctx.http.post(account.path('/contacts/filter')).set('api_access_token', account.agentToken).send(body);
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(message);
  });

  it.each([
    ['labels', 'equal_to'],
    ['country_code', 'equal_to'],
    ['identifier', 'not_equal_to'],
  ])('when %s %s gets a value of 40,000 characters, then it answers 422 naming the item, not a refusal of Elasticsearch', async (key, op) => {
    const res = await filter([item(['name', 'is_present', []], 'and'), item([key, op, ['x'.repeat(40000)]])]);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ error: 'payload[1]: values[0] is 40000 characters long; a filter value holds at most 1000 (no indexed text is longer)', field: 'payload[1]' });
  });

  it('when the body has no payload, then it answers 422 saying payload is required, naming it', async () => {
    const res = await ctx.http.post(account.path('/contacts/filter')).set('api_access_token', account.agentToken).send({});
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ error: 'payload is required: a list of filter conditions', field: 'payload' });
    const segment = await ctx.http.post(account.path('/custom_filters')).set('api_access_token', account.agentToken).send({ name: 'none', query: {} });
    expect(segment.status).toBe(422);
    expect(segment.body).toMatchObject({ error: 'query.payload is required: a list of filter conditions', field: 'query.payload' });
  });

  // From a black-box read: "must be a non-empty array" where [] is the whole list; a segment's
  // conditions named `payload[0]` of its `query.payload[0]`; a missing operator "not undefined".
  it('when the payload is not a list, a group or a segment holds none, or an item lacks its operator, then the 422 says so in words, naming the item where the body holds it', async () => {
    const as = (path: string, body: unknown, query = '') => ctx.http.post(account.path(path + query)).set('api_access_token', account.agentToken).send(body as object);
    for (const payload of [null, 'x', {}]) {
      const res = await as('/contacts/filter', { payload });
      expect([res.status, res.body.field, res.body.error]).toEqual([422, 'payload', 'payload: must be an array of filter conditions']);
    }
    const group = await as('/contacts/filter', { payload: [{ group: [] }] });
    expect([group.status, group.body.field, group.body.error]).toEqual([422, 'payload[0].group', 'payload[0].group: must hold at least one filter condition']);
    const empty = await as('/custom_filters', { name: 'none', query: { payload: [] } });
    expect([empty.status, empty.body.field, empty.body.error]).toEqual([422, 'query.payload', 'query.payload: must hold at least one filter condition']);
    const unknown = await as('/custom_filters', { name: 'bad', query: { payload: [{ attribute_key: 'nope', filter_operator: 'equal_to', values: ['x'] }] } });
    expect([unknown.status, unknown.body.field]).toEqual([422, 'query.payload[0]']);
    const noOperator = await as('/contacts/filter', { payload: [{ attribute_key: 'blocked', values: [true] }] });
    expect([noOperator.status, noOperator.body.field, noOperator.body.error]).toEqual([422, 'payload[0]', 'payload[0]: filter_operator is required: one of equal_to, not_equal_to for "blocked"']);
    const twice = await ctx.http.get(account.path('/contacts?sort=name&sort=-name')).set('api_access_token', account.agentToken);
    expect([twice.status, twice.body.field, twice.body.error]).toEqual([422, 'sort', 'sort must be one sort key, given once']);
    const unnamed = await as('/custom_filters', { query: { payload: [item(['name', 'is_present', []])] } });
    expect([unnamed.status, unnamed.body.field, unnamed.body.error]).toEqual([422, 'name', 'name is required: the text the segment is listed by']);
  });

  it('when the sort key is unknown, then it answers 422', async () => {
    expect((await filter([item(['name', 'is_present', []])], 'sort=nope')).status).toBe(422);
  });

  // Chatwoot's swagger-generated SDKs (@figuro/chatwoot-sdk's contacts.filter) send the conditions
  // as the whole body, a bare array; it answered 422 ("expected object, received array").
  it('when the body is a bare array of conditions, then it is the payload, with sort and paging from the query string', async () => {
    const conditions = [item(['city', 'contains', ['bog']], 'or'), item(['labels', 'equal_to', ['vip']])];
    const wrapped = await filter(conditions, 'per_page=2&sort=name');
    const bare = await ctx.http.post(account.path('/contacts/filter?per_page=2&sort=name')).set('api_access_token', account.agentToken).send(conditions);
    expect(bare.status).toBe(200);
    expect(bare.body.meta.count).toBe(wrapped.body.meta.count);
    expect(bare.body.payload.map((c: { id: number }) => c.id)).toEqual(wrapped.body.payload.map((c: { id: number }) => c.id));
    const faulty = await ctx.http.post(account.path('/contacts/filter')).set('api_access_token', account.agentToken).send([item(['nope', 'equal_to', ['x']])]);
    expect(faulty.status).toBe(422);
    expect(faulty.body.field).toBe('payload[0]');
  });
});

describe('folding text', () => {
  it('when texts differ only by a spacing mark (^, `), then filters, search and sort keep them apart; accents on letters still fold', async () => {
    const acc = await ctx.createAccount();
    const h = { api_access_token: acc.adminToken };
    const contact = async (name: string, email: string) => (await ctx.http.post(acc.path('/contacts')).set(h).send({ name, email })).body.payload.contact.id as number;
    const caret = await contact('Ana ^', 'a^b@x.io');
    const grave = await contact('Ana `', 'a`b@x.io');
    const plain = await contact('José', 'ab@x.io');
    await ctx.settle(acc.id);
    const run = async (cond: Cond) => {
      const res = await ctx.http.post(acc.path('/contacts/filter?per_page=100')).set(h).send({ payload: [item(cond)] });
      expect(res.status).toBe(200);
      return ids(res.body.payload);
    };
    expect(await run(['email', 'equal_to', ['ab@x.io']])).toEqual([plain]);
    expect(await run(['email', 'equal_to', ['A^B@X.IO']])).toEqual([caret]);
    expect(await run(['email', 'contains', ['a^']])).toEqual([caret]);
    expect(await run(['email', 'does_not_contain', ['`']])).toEqual(ids([{ id: caret }, { id: plain }]));
    expect(await run(['name', 'equal_to', ['jose']])).toEqual([plain]);
    const search = await ctx.http.get(acc.path('/contacts/search?q=a%5Eb')).set(h);
    expect(ids(search.body.payload)).toEqual([caret]);
    // By the folded bytes: ^ (0x5e) < ` (0x60) < b (0x62).
    const sorted = await ctx.http.get(acc.path('/contacts?sort=email')).set(h);
    expect(sorted.body.payload.map((c: { id: number }) => c.id)).toEqual([caret, grave, plain]);
  });
});

describe('segments', () => {
  const path = (p = '') => account.path(`/custom_filters${p}`);
  const h = () => ({ api_access_token: account.agentToken });
  const vip = [item(['labels', 'equal_to', ['vip']])];
  const colombia = [item(['country_code', 'equal_to', ['co']], 'or'), item(['name', 'starts_with', ['zo']])];

  it('when segments are created, listed, shown, updated, run and deleted, then each answers in Chatwoot\'s shape', async () => {
    const created1 = await ctx.http.post(path()).set(h()).send({ custom_filter: { name: 'VIPs', filter_type: 'contact', query: { payload: vip } } });
    expect(created1.status).toBe(200);
    expect(created1.body).toMatchObject({ name: 'VIPs', filter_type: 'contact', query: { payload: vip } });
    const id = created1.body.id;
    const list = await ctx.http.get(path('?filter_type=contact')).set(h());
    expect(list.body.map((s: { id: number }) => s.id)).toContain(id);
    expect((await ctx.http.get(path(`/${id}`)).set(h())).body.name).toBe('VIPs');

    const run = await ctx.http.get(path(`/${id}/contacts?per_page=1&sort=name`)).set(h());
    const want = created.filter((c) => c.row.labels?.includes('vip'));
    expect(run.body.meta.count).toBe(want.length);
    const next = await ctx.http.get(path(`/${id}/contacts?per_page=1&sort=name&after=${run.body.meta.next_cursor}`)).set(h());
    expect(ids([...run.body.payload, ...next.body.payload])).toEqual(ids(want));

    const updated = await ctx.http.patch(path(`/${id}`)).set(h()).send({ name: 'Colombia', query: { payload: colombia } });
    expect(updated.body).toMatchObject({ name: 'Colombia', query: { payload: colombia } });
    // An empty change answers the segment as it is: its updated_at moved for nothing (a black-box read).
    const stored = await ctx.deps.models.segments.findById(id).lean();
    const untouched = await ctx.http.patch(path(`/${id}`)).set(h()).send({});
    expect(untouched.body).toEqual(updated.body);
    expect((await ctx.deps.models.segments.findById(id).lean())?.updated_at).toEqual(stored?.updated_at);
    const rerun = await ctx.http.get(path(`/${id}/contacts?per_page=100`)).set(h());
    expect(ids(rerun.body.payload)).toEqual(expected((c) => matches(c, 'country_code', 'equal_to', ['co']) || matches(c, 'name', 'starts_with', ['zo'])));

    // Chatwoot answers a deleted custom filter with 204 No Content.
    const deleted = await ctx.http.delete(path(`/${id}`)).set(h());
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await ctx.http.get(path(`/${id}`)).set(h())).status).toBe(404);
    expect((await ctx.http.get(path(`/${id}/contacts`)).set(h())).status).toBe(404);
  });

  // They were stored without them: a typo (`valuez`) saved a segment that meant something else, in silence.
  it('when items carry keys the compiler does not read (even ones MongoDB refuses), then it answers 422 naming them and stores nothing', async () => {
    const before = await ctx.http.get(path()).set(h());
    const res = await ctx.http.post(path()).set(h()).send({ name: 'extra', query: { payload: [{ ...vip[0], 'weird.key': 1, $where: 'x' }] } });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/^query\.payload\[0\]: a condition takes only .*; remove "weird\.key", "\$where"$/);
    expect((await ctx.http.get(path()).set(h())).body).toEqual(before.body);
    const chatwoots = await ctx.http.post(path()).set(h()).send({ name: 'dashboard', query: { payload: [{ ...vip[0], attribute_model: 'standard', custom_attribute_type: '' }] } });
    expect(chatwoots.status).toBe(200);
    expect(chatwoots.body.query).toEqual({ payload: [{ ...vip[0], attribute_model: 'standard', custom_attribute_type: '' }] });
  });

  it('when a segment is invalid, then create and update answer 422 naming the item', async () => {
    const bad = await ctx.http.post(path()).set(h()).send({ name: 'bad', query: { payload: [item(['nope', 'equal_to', ['x']])] } });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatch(/payload\[0\]/);
    expect((await ctx.http.post(path()).set(h()).send({ name: '', query: { payload: vip } })).status).toBe(422);
    // Only invisible characters is no name, as only spaces is not (it was a 200: a segment no one could see named).
    for (const name of ['\u200b\u200b', '\u200f', '\u202a\u202c', ' \u3164 ']) {
      expect((await ctx.http.post(path()).set(h()).send({ name, query: { payload: vip } })).body).toMatchObject({ field: 'name', error: 'name must not be empty' });
    }
    // Said in words a console can show as they are (it was zod's "Too big: expected string to have <=255 characters").
    const long = await ctx.http.post(path()).set(h()).send({ name: 'n'.repeat(256), query: { payload: vip } });
    expect(long.body).toMatchObject({ field: 'name', error: 'name must be at most 255 characters' });
    expect((await ctx.http.post(path()).set(h()).send({ name: 'x', filter_type: 'conversation', query: { payload: vip } })).status).toBe(422);
    const ok = await ctx.http.post(path()).set(h()).send({ name: 'ok', query: { payload: vip } });
    expect((await ctx.http.patch(path(`/${ok.body.id}`)).set(h()).send({ query: { payload: [] } })).status).toBe(422);
  });

  it('when filter_type is Chatwoot\'s enum number (1 contact, 0 conversation), then it is read as its name, on create and on the list; a type Chatwoot does not have is a 422', async () => {
    const made = await ctx.http.post(path()).set(h()).send({ custom_filter: { name: 'by number', filter_type: 1, query: { payload: vip } } });
    expect(made.status).toBe(200);
    expect(made.body.filter_type).toBe('contact');
    expect((await ctx.http.get(path('?filter_type=1')).set(h())).body.map((s: { id: number }) => s.id)).toContain(made.body.id);
    expect((await ctx.http.get(path('?filter_type=0')).set(h())).body).toEqual([]);
    expect((await ctx.http.get(path('?filter_type=report')).set(h())).body).toEqual([]);
    for (const bogus of ['bogus', '7', 'contacts']) {
      const refused = await ctx.http.get(path(`?filter_type=${bogus}`)).set(h());
      expect(refused.status).toBe(422);
      expect(refused.body.error).toMatch(/filter_type must be contact, conversation or report/);
    }
    expect((await ctx.http.post(path()).set(h()).send({ name: 'x', filter_type: 0, query: { payload: vip } })).status).toBe(422);
  });

  it('when counts are asked for, then each segment carries its exact count', async () => {
    const fresh = await ctx.createAccount();
    const res = await ctx.http.get(fresh.path('/custom_filters?with_counts=true')).set('api_access_token', fresh.agentToken);
    expect(res.body).toEqual([]);
    const a = await ctx.http.post(path()).set(h()).send({ name: 'count vip', query: { payload: vip } });
    const b = await ctx.http.post(path()).set(h()).send({ name: 'count co', query: { payload: colombia } });
    const counted = await ctx.http.get(path('?with_counts=true')).set(h());
    const byId = new Map(counted.body.map((s: { id: number; count: number }) => [s.id, s.count]));
    expect(byId.get(a.body.id)).toBe(created.filter((c) => c.row.labels?.includes('vip')).length);
    expect(byId.get(b.body.id)).toBe(expected((c) => matches(c, 'country_code', 'equal_to', ['co']) || matches(c, 'name', 'starts_with', ['zo'])).length);
    expect((await ctx.http.get(path()).set(h())).body[0]).not.toHaveProperty('count');
    // In any case, as Rails reads a boolean (TRUE was a 422 while 1 passed); anything else names the parameter.
    for (const yes of ['TRUE', 'True', '1']) expect(new Map((await ctx.http.get(path(`?with_counts=${yes}`)).set(h())).body.map((s: { id: number; count: number }) => [s.id, s.count]))).toEqual(byId);
    expect((await ctx.http.get(path('?with_counts=FALSE')).set(h())).body[0]).not.toHaveProperty('count');
    const bad = await ctx.http.get(path('?with_counts=yes')).set(h());
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatch(/with_counts must be true or false/);
  });

  it('when the stored query was compiled for another mapping version, then it is recompiled from the filter', async () => {
    const seg = await ctx.http.post(path()).set(h()).send({ name: 'old', query: { payload: vip } });
    await ctx.deps.models.segments.updateOne({ _id: seg.body.id }, { $set: { mapping_version: MAPPING_VERSION - 1, compiled_query: JSON.stringify({ match_none: {} }) } });
    const run = await ctx.http.get(path(`/${seg.body.id}/contacts`)).set(h());
    expect(run.body.meta.count).toBe(created.filter((c) => c.row.labels?.includes('vip')).length);
    const stored = await ctx.deps.models.segments.findById(seg.body.id).lean();
    expect(stored!.mapping_version).toBe(MAPPING_VERSION);
    expect(JSON.parse(stored!.compiled_query)).toEqual({ term: { labels: 'vip' } });
  });

  it('when a segment says days_before, then it stores the days, not a date: run on a later day, it means N days before that day', async () => {
    const seg = await ctx.http.post(path()).set(h()).send({ name: 'dormant', query: { payload: [item(['last_activity_at', 'days_before', [3]])] } });
    expect(seg.status).toBe(200);
    const stored = await ctx.deps.models.segments.findById(seg.body.id).lean();
    // Resolved by Elasticsearch at each run; a cutoff computed at save time would freeze the segment on that day.
    expect(JSON.parse(stored!.compiled_query)).toEqual({ range: { last_activity_at: { lt: 'now-3d/d' } } });
    const run = await ctx.http.get(path(`/${seg.body.id}/contacts?per_page=100`)).set(h());
    expect(ids(run.body.payload)).toEqual(expected((c) => matches(c, 'last_activity_at', 'days_before', [3])));
  });

  it('when a custom attribute a segment uses is deleted, then the segment answers 422 instead of using a stale slot', async () => {
    const acc = await ctx.createAccount();
    const api = (m: 'post' | 'get' | 'delete', p: string, body?: object) => ctx.http[m](acc.path(p)).set('api_access_token', acc.adminToken).send(body);
    const def = await api('post', '/custom_attribute_definitions', { attribute_key: 'tier', attribute_display_type: 'text' });
    const seg = await api('post', '/custom_filters', { name: 'tier', query: { payload: [item(['tier', 'equal_to', ['gold']])] } });
    expect(seg.status).toBe(200);
    await api('delete', `/custom_attribute_definitions/${def.body.id}`);
    const run = await api('get', `/custom_filters/${seg.body.id}/contacts`);
    expect(run.status).toBe(422);
    expect(run.body.error).toMatch(/unknown attribute "tier"/);
    // Named where the segment holds its items, as its create and update name them.
    expect(run.body.field).toBe('query.payload[0]');
    expect(run.body.error).toMatch(new RegExp(`^custom filter ${seg.body.id} no longer compiles: query\\.payload\\[0\\]: `));
    const counted = await api('get', '/custom_filters?with_counts=true');
    expect(counted.body[0].count).toBeNull();
  });

  it('when another account reads, runs, updates or deletes a segment, then it is a 404 and it is not listed', async () => {
    const seg = await ctx.http.post(path()).set(h()).send({ name: 'mine', query: { payload: vip } });
    const other = await ctx.createAccount();
    const oh = { api_access_token: other.adminToken };
    expect((await ctx.http.get(other.path(`/custom_filters/${seg.body.id}`)).set(oh)).status).toBe(404);
    expect((await ctx.http.get(other.path(`/custom_filters/${seg.body.id}/contacts`)).set(oh)).status).toBe(404);
    expect((await ctx.http.patch(other.path(`/custom_filters/${seg.body.id}`)).set(oh).send({ name: 'theirs' })).status).toBe(404);
    expect((await ctx.http.delete(other.path(`/custom_filters/${seg.body.id}`)).set(oh)).status).toBe(404);
    expect((await ctx.http.get(other.path('/custom_filters')).set(oh)).body).toEqual([]);
  });
});

describe("a segment naming Chatwoot's `company`", () => {
  it('when the account then defines its own custom attribute `company` (a write using it), then the segment runs what the same filter runs, without being saved again', async () => {
    const fresh = await ctx.createAccount();
    const as = { api_access_token: fresh.adminToken };
    const made: number[] = [];
    for (const company_name of ['Acme', 'ACME', 'Initech']) made.push((await ctx.http.post(fresh.path('/contacts')).set(as).send({ name: `Co ${company_name}`, company_name })).body.payload.contact.id);
    const payload = [{ attribute_key: 'company', filter_operator: 'equal_to', values: ['acme'] }];
    const segment = (await ctx.http.post(fresh.path('/custom_filters')).set(as).send({ name: 'acme', filter_type: 'contact', query: { payload } })).body;
    const runCount = async () => (await ctx.http.get(fresh.path(`/custom_filters/${segment.id}/contacts`)).set(as)).body.meta.count;
    const filterCount = async () => (await ctx.http.post(fresh.path('/contacts/filter')).set(as).send({ payload })).body.meta.count;
    const countedCount = async () => (await ctx.http.get(fresh.path('/custom_filters?with_counts=true')).set(as)).body[0].count;
    await waitFor(async () => (await filterCount()) === 2, 'the contacts to be indexed');
    expect(await runCount()).toBe(2);

    await ctx.http.patch(fresh.path(`/contacts/${made[2]}`)).set(as).send({ custom_attributes: { company: 'Acme' } }).expect(200);
    await waitFor(async () => (await filterCount()) === 1, 'the filter to read the custom attribute');
    expect(await runCount()).toBe(1);
    expect(await countedCount()).toBe(1);
  });
});
