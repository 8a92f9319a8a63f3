import { createIndexPlacements } from '../../src/search/index-placements';
import type { IndexPlacement, IndexPlacementModel } from '../../src/search/index-placement.model';
import { createLogger } from '../../src/shared/logger';

// The placements kept in a process, against a collection that answers or fails as the test says
// (the cache's rule of time alone; the moves themselves run against MongoDB in move-account.api.test.ts).
function collection(docs: IndexPlacement[]) {
  const state = { reachable: true };
  const model = {
    find: () => ({
      comment: () => ({
        lean: async () => {
          if (!state.reachable) throw new Error('server selection timed out');
          return docs;
        },
      }),
    }),
  } as unknown as IndexPlacementModel;
  return { model, state };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const moved: IndexPlacement = { _id: 7, read: 'contacts_account_7', writes: ['contacts_account_7'], updated_at: new Date() };

describe('the index placements a process keeps', () => {
  const options = { alias: 'contacts', refreshMs: 20, settleMs: 400, logger: createLogger('silent') };

  it('when they were read less than a move\'s wait ago, then they are current; when every read since has failed for that long, then they are outdated', async () => {
    const { model, state } = collection([moved]);
    const placements = createIndexPlacements({ model, ...options });
    const view = await placements.current();
    expect(view.read(7).index).toBe('contacts_account_7');
    expect(view.outdated()).toBe(false);

    state.reachable = false;
    await pause(60);
    // Past the refresh, the read fails: the last placements stay in use, still current.
    const kept = await placements.current();
    expect(kept.read(7).index).toBe('contacts_account_7');
    expect(kept.outdated()).toBe(false);
    await pause(400);
    expect((await placements.current()).outdated()).toBe(true);

    state.reachable = true;
    await pause(30);
    expect((await placements.current()).outdated()).toBe(false);
  });

  it('when they were never read, then every account reads the shared alias and nothing is written by them', async () => {
    const { model, state } = collection([moved]);
    state.reachable = false;
    const view = await createIndexPlacements({ model, ...options }).current();
    expect(view.read(7)).toEqual({ index: 'contacts', byAccount: true });
    expect(view.outdated()).toBe(true);
  });
});
