import type { ContactImport } from '../../src/import/contact-import.model';
import { rejectedRowsOf } from '../../src/import/read-rejections';
import { startTestContext, type TestContext } from '../support/context';

// The reader on its own, against the database: which row numbers it reads for an import in each
// state. The whole download through the API is tested in import.api.test.ts.
let ctx: TestContext;

beforeAll(async () => {
  ctx = await startTestContext({ worker: false });
});
afterAll(() => ctx.close());

let nextImportId = 9_000_000_000 + Math.floor(Math.random() * 1_000_000) * 1000;

/** An import record as the reader sees it, and its rejections stored at the given rows. */
async function importWithRejections(rows: number[], fields: Partial<ContactImport>, accountId = 1): Promise<ContactImport> {
  const id = nextImportId++;
  if (rows.length) {
    await ctx.deps.models.importRejections.insertMany(rows.map((row) => ({ _id: `${id}:${row}`, import_id: id, account_id: accountId, row, cells: [`cell ${row}`], reasons: ['bad'] })));
  }
  return { _id: id, account_id: 1, status: 'completed', checkpoint_row: 0, rejected: rows.length, pending_batch: null, ...fields } as ContactImport;
}

async function rowsRead(found: ContactImport): Promise<number[]> {
  const rows: number[] = [];
  for await (const rejection of rejectedRowsOf(ctx.deps.models.importRejections, found)) rows.push(rejection.row);
  return rows;
}

describe('reading an import\'s rejected rows by _id', () => {
  it('when a completed import rejected rows, then they are read in row order up to its last checkpoint', async () => {
    const found = await importWithRejections([3001, 2, 1000, 1001, 5], { checkpoint_row: 3001 });
    expect(await rowsRead(found)).toEqual([2, 5, 1000, 1001, 3001]);
  });

  it('when an import failed in a batch it had announced, then the rejections that batch wrote past the checkpoint are read too', async () => {
    const found = await importWithRejections([4, 12], { status: 'failed', checkpoint_row: 10, written_through: 20, rejected: 1 });
    expect(await rowsRead(found)).toEqual([4, 12]);
  });

  it('when a rejection under the import\'s id belongs to another account, then it is not read', async () => {
    const found = await importWithRejections([1, 2], { checkpoint_row: 2 });
    await ctx.deps.models.importRejections.updateOne({ _id: `${found._id}:2` }, { $set: { account_id: 2 } });
    expect(await rowsRead(found)).toEqual([1]);
  });

  it('when a completed import counted no rejection, then nothing is read', async () => {
    const found = await importWithRejections([], { checkpoint_row: 1_000_000 });
    expect(await rowsRead(found)).toEqual([]);
  });
});
