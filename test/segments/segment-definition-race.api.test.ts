import type { DefinitionRef } from '../../src/records/custom-attribute-fields';
import { MAPPING_VERSION } from '../../src/search/contacts-index';
import { createAccountRecords } from '../../src/shared/account-records';
import { createIdLists } from '../../src/shared/id-lists';
import type { Segment } from '../../src/segments/segment.model';
import { createSegmentsService } from '../../src/segments/segments.service';
import { withTestAccount, type TestAccount, type TestContext } from '../support/context';

let ctx: TestContext;
let account: TestAccount;

withTestAccount((c, a) => {
  ctx = c;
  account = a;
});

const as = (method: 'get' | 'post', path: string) => ctx.http[method](account.path(path)).set('api_access_token', account.adminToken);
const filterOnTier = { payload: [{ attribute_key: 'tier', filter_operator: 'equal_to', values: ['gold'] }] };

/**
 * A segments service whose first read of the definitions lets the attribute's removal run (its
 * stale mark included) before the compiled query is stored: the order a removal between a
 * compile and its store takes, found by reading the code (a black-box tester, 2026-12-06).
 */
function segmentsRacingARemoval(definitionId: () => number) {
  const { deps } = ctx;
  let raced = false;
  return createSegmentsService({
    segments: deps.models.segments,
    listed: createAccountRecords<Segment>(createIdLists(deps.models.accountLinks), deps.models.segments, 'segments'),
    nextIds: deps.nextIds,
    search: deps.search,
    contacts: deps.services.contacts as never,
    definitionsOf: async (accountId: number): Promise<DefinitionRef[]> => {
      const read = await deps.services.customAttributes.definitionsOf(accountId);
      if (!raced) {
        raced = true;
        await deps.services.customAttributes.remove(accountId, definitionId());
      }
      return read;
    },
  });
}

async function defineTier(): Promise<number> {
  const res = await as('post', '/custom_attribute_definitions')
    .send({ attribute_display_name: 'Tier', attribute_key: 'tier', attribute_display_type: 'text', attribute_model: 'contact_attribute' })
    .expect(200);
  return res.body.id;
}

describe('a segment compiled as its custom attribute is removed', () => {
  it('when the removal lands between the compile and the store, then the segment is stored stale and its run says the filter no longer compiles', async () => {
    let id = 0;
    const segments = segmentsRacingARemoval(() => id);
    id = await defineTier();
    const created = await segments.create(account.id, { name: 'Gold', query: filterOnTier } as never);

    const stored = await ctx.deps.models.segments.findById(created.id).lean();
    expect(stored!.mapping_version).toBe(0);
    const run = await as('get', `/custom_filters/${created.id}/contacts`);
    expect(run.status).toBe(422);
    expect(run.body.error).toMatch(/no longer compiles/);
  });

  it('when the removal lands between a stale segment\'s recompile and its store, then it stays stale', async () => {
    const tierId = await defineTier();
    const created = (await as('post', '/custom_filters').send({ name: 'Gold again', filter_type: 'contact', query: filterOnTier }).expect(200)).body;
    await ctx.deps.models.segments.updateOne({ _id: created.id }, { $set: { mapping_version: 0 } });

    const segments = segmentsRacingARemoval(() => tierId);
    await segments.queryOfSegment(account.id, created.id);

    expect((await ctx.deps.models.segments.findById(created.id).lean())!.mapping_version).toBe(0);
    expect((await as('get', `/custom_filters/${created.id}/contacts`)).status).toBe(422);
  });

  it('when the definitions do not move, then a recompiled segment is stored current', async () => {
    await defineTier();
    const created = (await as('post', '/custom_filters').send({ name: 'Gold still', filter_type: 'contact', query: filterOnTier }).expect(200)).body;
    expect((await ctx.deps.models.segments.findById(created.id).lean())!.mapping_version).toBe(MAPPING_VERSION);
    await ctx.deps.models.segments.updateOne({ _id: created.id }, { $set: { mapping_version: 0 } });
    await as('get', `/custom_filters/${created.id}/contacts`).expect(200);
    expect((await ctx.deps.models.segments.findById(created.id).lean())!.mapping_version).toBe(MAPPING_VERSION);
  });
});
