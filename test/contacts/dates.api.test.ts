import { startTestContext, type TestAccount, type TestContext } from '../support/context';

// Dates long before 1970 (a grandparent's birthday, a CRM migrated from the 1950s) are Unix
// seconds below zero. Every value the service answers must be accepted back as it came out,
// and sort where it belongs.

let ctx: TestContext;
let account: TestAccount;

beforeAll(async () => {
  ctx = await startTestContext();
  account = await ctx.createAccount();
});
afterAll(() => ctx.close());

const create = (body: Record<string, unknown>) => ctx.http.post(account.path('/contacts')).set('api_access_token', account.adminToken).send(body);

async function walk(path: string, sort: string): Promise<number[]> {
  const ids: number[] = [];
  let after: string | undefined;
  for (;;) {
    const res = await ctx.http
      .get(account.path(path))
      .query({ sort, per_page: 2, ...(after ? { after } : {}) })
      .set('api_access_token', account.agentToken);
    expect(res.status).toBe(200);
    ids.push(...res.body.payload.map((c: { id: number }) => c.id));
    after = res.body.meta.next_cursor;
    if (!after) return ids;
  }
}

describe('dates before 1970', () => {
  it('when a contact answered with negative Unix seconds is written back with them, then they are accepted and keep the instant', async () => {
    const made = await create({ name: 'Old timer', created_at: '1900-01-01T00:00:00Z', last_activity_at: '1950-06-15T12:00:00+02:00' });
    expect(made.status).toBe(200);
    const { id, created_at, last_activity_at } = made.body.payload.contact;
    expect(created_at).toBe(Date.UTC(1900, 0, 1) / 1000);
    expect(last_activity_at).toBe(Date.UTC(1950, 5, 15, 10) / 1000);

    const put = await ctx.http.put(account.path(`/contacts/${id}`)).set('api_access_token', account.adminToken).send({ created_at, last_activity_at: String(last_activity_at) });
    expect(put.status).toBe(200);
    expect(put.body.payload.created_at).toBe(created_at);
    expect(put.body.payload.last_activity_at).toBe(last_activity_at);

    const again = await create({ name: 'Copy', created_at, last_activity_at: last_activity_at - 0.5 });
    expect(again.status).toBe(200);
    expect(again.body.payload.contact.created_at).toBe(created_at);
    expect(again.body.payload.contact.last_activity_at).toBe(last_activity_at - 1);
  });

  it('when Unix seconds fall before the year 1000, as an ISO date may not, or are milliseconds by mistake, then they answer 422 naming the field', async () => {
    const year1000 = Date.UTC(1000, 0, 1) / 1000;
    expect((await create({ name: 'Edge', created_at: year1000 })).status).toBe(200);
    for (const created_at of [year1000 - 1, String(year1000 - 1), -2208988800000, '-1e3', '-']) {
      const res = await create({ name: 'Too old', created_at });
      expect(res.status).toBe(422);
      expect(res.body.field).toBe('created_at');
    }
    const millis = await create({ name: 'Millis', last_activity_at: 1700000000000 });
    expect(millis.status).toBe(422);
    expect(millis.body).toMatchObject({
      field: 'last_activity_at',
      error: 'last_activity_at must be Unix seconds or an ISO 8601 date, in the years 1000 to 3000; 1700000000000 looks like milliseconds: Unix seconds are a thousand times smaller',
    });
  });

  it('when created_at is not a date at all, then the 422 says what a timestamp is', async () => {
    // A blank one is null, as Rails casts it (below).
    for (const body of [{ created_at: true }, { last_activity_at: { at: 1 } }, { created_at: 'soon' }]) {
      const res = await create({ name: 'Bad', ...body });
      expect(res.status).toBe(422);
      const field = Object.keys(body)[0];
      expect(res.body).toMatchObject({ field, error: expect.stringMatching(new RegExp(`^${field}:? must be Unix seconds or an ISO 8601 date`)) });
    }
  });

  // It was a 422 while last_activity_at took null: a migration with no creation date for some rows failed on them.
  it('when created_at is null, then it is no date given: now on create, unchanged on update', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await create({ name: 'Undated', created_at: null, last_activity_at: null });
    expect(res.status).toBe(200);
    const contact = res.body.payload.contact;
    expect(contact.created_at).toBeGreaterThanOrEqual(before);
    expect(contact.last_activity_at).toBeNull();
    const patched = await ctx.http.patch(account.path(`/contacts/${contact.id}`)).set('api_access_token', account.adminToken).send({ created_at: null, city: 'Lima' });
    expect(patched.status).toBe(200);
    expect(patched.body.payload.created_at).toBe(contact.created_at);
  });

  // Rails casts a blank date to nil (and a form's empty field is blank): both were a 422.
  it('when created_at or last_activity_at is blank, then it is null: now on create, last activity cleared on update', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await create({ name: 'Blank dates', created_at: '', last_activity_at: ' ' });
    expect(res.status).toBe(200);
    const contact = res.body.payload.contact;
    expect(contact.created_at).toBeGreaterThanOrEqual(before);
    expect(contact.last_activity_at).toBeNull();
    const patch = (body: object) => ctx.http.patch(account.path(`/contacts/${contact.id}`)).set('api_access_token', account.adminToken).send(body);
    expect((await patch({ last_activity_at: 1700000000 })).body.payload.last_activity_at).toBe(1700000000);
    const cleared = await patch({ last_activity_at: '', created_at: '' });
    expect(cleared.status).toBe(200);
    expect(cleared.body.payload).toMatchObject({ last_activity_at: null, created_at: contact.created_at });
    const form = await ctx.http.patch(account.path(`/contacts/${contact.id}`)).set('api_access_token', account.adminToken).type('form').send('last_activity_at=&city=Lima');
    expect(form.status).toBe(200);
    expect(form.body.payload).toMatchObject({ last_activity_at: null, additional_attributes: { city: 'Lima' } });
  });

  it('when a custom date attribute takes negative Unix seconds, then it is accepted', async () => {
    const def = await ctx.http
      .post(account.path('/custom_attribute_definitions'))
      .set('api_access_token', account.adminToken)
      .send({ attribute_key: 'born', attribute_display_name: 'Born', attribute_display_type: 'date', attribute_model: 'contact_attribute' });
    expect(def.status).toBe(200);
    const res = await create({ name: 'Grandma', custom_attributes: { born: -1262304000 } });
    expect(res.status).toBe(200);
    expect(res.body.payload.contact.custom_attributes.born).toBe(-1262304000);
  });
});

describe('sorting by a date, descending, with dates before 1901', () => {
  it('when some contacts have no value, then they come after the oldest dates, in both directions, and the cursor reaches all', async () => {
    const sortAccount = await ctx.createAccount();
    const post = (body: Record<string, unknown>) => ctx.http.post(sortAccount.path('/contacts')).set('api_access_token', sortAccount.adminToken).send(body);
    const def = await ctx.http
      .post(sortAccount.path('/custom_attribute_definitions'))
      .set('api_access_token', sortAccount.adminToken)
      .send({ attribute_key: 'born', attribute_display_name: 'Born', attribute_display_type: 'date', attribute_model: 'contact_attribute' });
    expect(def.status).toBe(200);
    const ids: Record<string, number> = {};
    for (const [name, date] of [['y1850', '1850-03-01'], ['y1000', '1000-01-01'], ['y2020', '2020-01-01'], ['none', undefined], ['y1900', '1900-12-31T23:59:59Z']] as const) {
      const body = date ? { name, created_at: date, last_activity_at: date, custom_attributes: { born: date } } : { name, created_at: '2021-01-01' };
      const res = await post(body);
      expect(res.status).toBe(200);
      ids[name] = res.body.payload.contact.id;
    }
    await ctx.settle(sortAccount.id);
    const saved = account;
    account = sortAccount;
    try {
      for (const key of ['last_activity_at', 'custom_attributes.born']) {
        expect(await walk('/contacts', `-${key}`)).toEqual([ids.y2020, ids.y1900, ids.y1850, ids.y1000, ids.none]);
        expect(await walk('/contacts', key)).toEqual([ids.y1000, ids.y1850, ids.y1900, ids.y2020, ids.none]);
      }
      expect(await walk('/contacts', '-created_at')).toEqual([ids.none, ids.y2020, ids.y1900, ids.y1850, ids.y1000]);
    } finally {
      account = saved;
    }
  });
});
