import { startTestContext, testConfig, waitFor, type TestAccount, type TestContext } from '../support/context';
import { createContact } from '../support/factories';

// A definition created or deleted while many contacts hold its key re-indexed them all inside the
// request: at a million holders that is minutes of one request (label removals went to a job for
// the same reason). Beyond DEFINITION_RESYNC_IN_REQUEST holders a job does it now.
let ctx: TestContext;

beforeAll(async () => {
  // No sweep while the file runs (the tests' default, kept explicit here): tests below leave a
  // definition retiring or resyncing without its job, as a lost job leaves it, and a sweep queues
  // such a job again (requeueResyncs) and finished one before the test looked in a CI run. The
  // last test calls requeueResyncs itself.
  ctx = await startTestContext({ config: testConfig({ DEFINITION_RESYNC_IN_REQUEST: '1', SWEEP_EVERY_MS: '86400000' }) });
});
afterAll(() => ctx.close());

const as = (a: TestAccount) => ({
  get: (p: string) => ctx.http.get(a.path(p)).set('api_access_token', a.adminToken),
  post: (p: string, body: object) => ctx.http.post(a.path(p)).set('api_access_token', a.adminToken).send(body),
  patch: (p: string, body: object) => ctx.http.patch(a.path(p)).set('api_access_token', a.adminToken).send(body),
  delete: (p: string) => ctx.http.delete(a.path(p)).set('api_access_token', a.adminToken),
});

/** Every definition of the account as stored, retiring ones included. */
const stored = (accountId: number) => ctx.deps.definitions.all(accountId);

async function slotCount(accountId: number, field: string, value?: string): Promise<number> {
  await ctx.deps.es.indices.refresh({ index: ctx.deps.index });
  return ctx.deps.search.count(accountId, value === undefined ? { exists: { field } } : { term: { [field]: value } });
}

async function holdersOf(account: TestAccount, key: string, values: unknown[]): Promise<number[]> {
  const ids: number[] = [];
  for (const [i, value] of values.entries()) ids.push((await createContact(ctx, account, { name: `Holder ${i}`, custom_attributes: { [key]: value } })).id);
  await ctx.settle(account.id);
  return ids;
}

const filterCount = async (account: TestAccount, key: string, value: string) =>
  (await as(account).post('/contacts/filter', { payload: [{ attribute_key: key, filter_operator: 'equal_to', values: [value] }] })).body.meta.count;

describe('definitions whose key few contacts hold', () => {
  it('when a key is defined again, then its holders are searchable by it when the request answers; when it is deleted, they are out of its slot', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    const first = (await api.post('/custom_attribute_definitions', { attribute_key: 'stage', attribute_display_type: 'text' }).expect(200)).body;
    await holdersOf(account, 'stage', ['won']);
    await api.delete(`/custom_attribute_definitions/${first.id}`).expect(204);
    expect(await stored(account.id)).toEqual([]);
    expect(await slotCount(account.id, 'cf_text_1')).toBe(0);

    const again = await api.post('/custom_attribute_definitions', { attribute_key: 'stage', attribute_display_type: 'text' }).expect(200);
    expect(again.body.indexing).toBe(false);
    expect(await filterCount(account, 'stage', 'won')).toBe(1);
  });
});

describe('definitions whose key many contacts hold', () => {
  it('when a definition held by more contacts than DEFINITION_RESYNC_IN_REQUEST is deleted, then it is gone from the API at once and a job takes its values out of its slot', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    const def = (await api.post('/custom_attribute_definitions', { attribute_key: 'plan', attribute_display_type: 'text' }).expect(200)).body;
    await holdersOf(account, 'plan', ['gold', 'gold', 'silver']);
    expect(await slotCount(account.id, 'cf_text_1')).toBe(3);

    expect((await api.delete(`/custom_attribute_definitions/${def.id}`)).status).toBe(204);
    expect((await api.get('/custom_attribute_definitions')).body).toEqual([]);
    expect((await api.get(`/custom_attribute_definitions/${def.id}`)).status).toBe(404);
    expect((await api.patch(`/custom_attribute_definitions/${def.id}`, { attribute_display_name: 'Plan' })).status).toBe(404);
    expect((await api.delete(`/custom_attribute_definitions/${def.id}`)).status).toBe(404);

    await waitFor(async () => !(await stored(account.id)).some((d) => d._id === def.id), 'the resync job to forget the definition');
    await ctx.settle(account.id);
    expect(await slotCount(account.id, 'cf_text_1')).toBe(0);
    // The values stay on the contacts (as in Chatwoot).
    const listed = (await api.get('/contacts?sort=name')).body.payload.map((c: { custom_attributes: object }) => c.custom_attributes);
    expect(listed).toEqual([{ plan: 'gold' }, { plan: 'gold' }, { plan: 'silver' }]);
  });

  // The job indexes the holders itself, so no sync job for them waits in line with interactive
  // writes (they went to the background queue before, and were read and indexed a second time).
  it('when a job re-indexes the holders, then it indexes them itself: no sync job is queued for them, in line with interactive writes or behind', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    const def = (await api.post('/custom_attribute_definitions', { attribute_key: 'plan', attribute_display_type: 'text' }).expect(200)).body;
    const holders = await holdersOf(account, 'plan', ['gold', 'silver', 'gold']);
    const interactive = jest.spyOn(ctx.deps.syncQueue, 'add');
    const interactiveBulk = jest.spyOn(ctx.deps.syncQueue, 'addBulk');
    const background = jest.spyOn(ctx.deps.backgroundSyncQueue, 'add');
    const backgroundBulk = jest.spyOn(ctx.deps.backgroundSyncQueue, 'addBulk');
    try {
      await api.delete(`/custom_attribute_definitions/${def.id}`).expect(204);
      await waitFor(async () => !(await stored(account.id)).length, 'the resync job to finish');
      const idsOf = (spies: jest.SpyInstance[]) => spies.flatMap((spy) => spy.mock.calls.flatMap(([data]) => (Array.isArray(data) ? data.flatMap((job) => job.data.ids) : data.ids)));
      expect(idsOf([background, backgroundBulk, interactive, interactiveBulk]).filter((id: number) => holders.includes(id))).toEqual([]);
      expect(await ctx.deps.models.pendingSync.find({ _id: { $in: holders.map(String) } }).lean()).toEqual([]);
    } finally {
      for (const spy of [interactive, interactiveBulk, background, backgroundBulk]) spy.mockRestore();
    }
    await ctx.settle(account.id);
    expect(await slotCount(account.id, 'cf_text_1')).toBe(0);
  });

  it('when a definition is retiring, then a new definition takes another slot and never shows its values; the slot is free once the job is done', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    const def = (await api.post('/custom_attribute_definitions', { attribute_key: 'plan', attribute_display_type: 'text' }).expect(200)).body;
    await holdersOf(account, 'plan', ['gold', 'gold']);
    // What the delete leaves before its job has run: the definition retiring, its slot still holding values.
    await ctx.deps.definitions.change(account.id, (list) => ({ items: list.map((d) => (d._id === def.id ? { ...d, retiring: true } : d)), result: undefined }));
    expect((await api.get('/custom_attribute_definitions')).body).toEqual([]);

    const region = (await api.post('/custom_attribute_definitions', { attribute_key: 'region', attribute_display_type: 'text' }).expect(200)).body;
    const slots = new Map((await stored(account.id)).map((d) => [d.attribute_key, d.slot]));
    expect(slots.get('plan')).toBe(1);
    expect(slots.get('region')).toBe(2);
    expect(await filterCount(account, 'region', 'gold')).toBe(0);
    // A contact write naming the key meanwhile defines it again, in a slot of its own, and its holders follow.
    await createContact(ctx, account, { name: 'Meanwhile', custom_attributes: { plan: 'gold' } });
    await waitFor(async () => !(await stored(account.id)).some((d) => d.resyncing), 'the new definition\'s resync job to finish');
    await ctx.settle(account.id);
    expect((await stored(account.id)).filter((d) => d.attribute_key === 'plan').map((d) => [d.slot, !!d.retiring])).toEqual([
      [1, true],
      [3, false],
    ]);
    expect(await filterCount(account, 'plan', 'gold')).toBe(3);
    expect(await slotCount(account.id, 'cf_text_1')).toBe(0);

    await ctx.deps.services.customAttributes.finishResync({ accountId: account.id, definitionId: def.id });
    await ctx.settle(account.id);
    expect(await slotCount(account.id, 'cf_text_1')).toBe(0);
    expect((await stored(account.id)).map((d) => d.attribute_key)).toEqual(['region', 'plan']);
    // Slot 1 is free again: the next definition takes it, and finds no old value there.
    await api.post('/custom_attribute_definitions', { attribute_key: 'tier', attribute_display_type: 'text' }).expect(200);
    expect((await stored(account.id)).find((d) => d.attribute_key === 'tier')?.slot).toBe(1);
    expect(await filterCount(account, 'tier', 'gold')).toBe(0);
    expect((await api.get(`/custom_attribute_definitions/${region.id}`)).status).toBe(200);
  });

  it('when a key many contacts hold is defined again, then the definition answers at once and a job brings its holders into its slot', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    const first = (await api.post('/custom_attribute_definitions', { attribute_key: 'tier', attribute_display_type: 'text' }).expect(200)).body;
    await holdersOf(account, 'tier', ['gold', 'gold', 'bronze']);
    await api.delete(`/custom_attribute_definitions/${first.id}`).expect(204);
    await waitFor(async () => !(await stored(account.id)).length, 'the delete to finish');

    const again = await api.post('/custom_attribute_definitions', { attribute_key: 'tier', attribute_display_type: 'text' });
    expect(again.status).toBe(200);
    // Said on the definition until the job is done: filters on it meanwhile count the holders indexed so far.
    expect(again.body).toMatchObject({ attribute_key: 'tier', attribute_display_type: 'text', indexing: true });
    await waitFor(async () => !(await stored(account.id)).some((d) => d.resyncing), 'the resync job to finish');
    expect((await api.get(`/custom_attribute_definitions/${again.body.id}`).expect(200)).body.indexing).toBe(false);
    // Searchable once it says so, with no wait for the sync: filters found none of the holders for up to a second.
    expect(await filterCount(account, 'tier', 'gold')).toBe(2);
    // Sent back as read, it is taken (read-only).
    await api.patch(`/custom_attribute_definitions/${again.body.id}`, { ...again.body, attribute_display_name: 'Tier' }).expect(200);
    await ctx.settle(account.id);
    expect(await filterCount(account, 'tier', 'gold')).toBe(2);
    expect(await filterCount(account, 'tier', 'bronze')).toBe(1);
  });

  it('when a contact write defines again a key many contacts hold, then the write answers at once and a job brings the holders into the new slot', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    const first = (await api.post('/custom_attribute_definitions', { attribute_key: 'region', attribute_display_type: 'text' }).expect(200)).body;
    await holdersOf(account, 'region', ['north', 'north']);
    await api.delete(`/custom_attribute_definitions/${first.id}`).expect(204);
    await waitFor(async () => !(await stored(account.id)).length, 'the delete to finish');

    expect((await api.post('/contacts', { name: 'Writer', custom_attributes: { region: 'north' } })).status).toBe(200);
    await waitFor(async () => (await stored(account.id)).length === 1 && !(await stored(account.id)).some((d) => d.resyncing), 'the resync job to finish');
    await ctx.settle(account.id);
    expect(await filterCount(account, 'region', 'north')).toBe(3);
  });

  it('when a resync job is delivered again after its definition was done, or for a definition never marked, then it walks no contact', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    const live = (await api.post('/custom_attribute_definitions', { attribute_key: 'tier', attribute_display_type: 'text' }).expect(200)).body;
    const gone = (await api.post('/custom_attribute_definitions', { attribute_key: 'plan', attribute_display_type: 'text' }).expect(200)).body;
    await holdersOf(account, 'tier', ['gold', 'gold']);
    await api.delete(`/custom_attribute_definitions/${gone.id}`).expect(204);
    await waitFor(async () => (await stored(account.id)).length === 1, 'the delete to finish');
    const walks = jest.spyOn(ctx.deps.search, 'matchingIds');
    try {
      await ctx.deps.services.customAttributes.finishResync({ accountId: account.id, definitionId: gone.id });
      await ctx.deps.services.customAttributes.finishResync({ accountId: account.id, definitionId: live.id });
      expect(walks).not.toHaveBeenCalled();
    } finally {
      walks.mockRestore();
    }
    expect((await stored(account.id)).map((d) => d.attribute_key)).toEqual(['tier']);
  });

  it('when a definition was left marked by a job lost with Redis, then a worker start queues it again and it finishes', async () => {
    const account = await ctx.createAccount();
    const api = as(account);
    const seats = (await api.post('/custom_attribute_definitions', { attribute_key: 'seats', attribute_display_type: 'number' }).expect(200)).body;
    const plan = (await api.post('/custom_attribute_definitions', { attribute_key: 'plan', attribute_display_type: 'text' }).expect(200)).body;
    await createContact(ctx, account, { name: 'Holder', custom_attributes: { seats: 7, plan: 'gold' } });
    await api.delete(`/custom_attribute_definitions/${seats.id}`).expect(204);
    await ctx.settle(account.id);
    // What two jobs never queued leave: `seats` defined again with its holder out of its slot, and `plan` deleted with its values in its own.
    const defined = { ...(await stored(account.id))[0], _id: seats.id + 1000000, attribute_key: 'seats', attribute_display_type: 'number' as const, slot: 3, resyncing: true };
    await ctx.deps.definitions.change(account.id, (list) => ({
      items: [...list.map((d) => (d._id === plan.id ? { ...d, retiring: true } : d)), defined],
      result: undefined,
    }));
    const seven = async () => (await api.post('/contacts/filter', { payload: [{ attribute_key: 'seats', filter_operator: 'equal_to', values: [7] }] })).body.meta.count;
    expect(await seven()).toBe(0);
    expect(await slotCount(account.id, 'cf_text_2', 'gold')).toBe(1);

    expect(await ctx.deps.services.customAttributes.requeueResyncs()).toBeGreaterThanOrEqual(2);
    await waitFor(async () => {
      const list = await stored(account.id);
      return list.length === 1 && !list[0].resyncing;
    }, 'both jobs to finish');
    await ctx.settle(account.id);
    expect(await slotCount(account.id, 'cf_text_2')).toBe(0);
    expect(await seven()).toBe(1);
  });
});
