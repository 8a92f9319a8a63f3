import { exemptBecause } from '../../src/shared/id-only-guard';
import type { TestAccount, TestContext } from '../support/context';
import { waitFor } from '../support/context';

/** The multipart text fields beside the file (`create_labels`). */
export type ImportFields = Record<string, string>;

export async function uploadCsv(ctx: TestContext, account: TestAccount, content: string | Buffer, fileName = 'contacts.csv', fields: ImportFields = {}) {
  let req = ctx.http.post(account.path('/contacts/import')).set('api_access_token', account.adminToken);
  for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
  return req.attach('import_file', Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'), fileName);
}

export async function showImport(ctx: TestContext, account: TestAccount, id: number) {
  const res = await ctx.http.get(account.path(`/contacts/imports/${id}`)).set('api_access_token', account.adminToken);
  if (res.status !== 200) throw new Error(`import ${id}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.payload as Record<string, unknown> & { status: string; id: number };
}

/** Uploads the file and waits until its import has finished; answers the final status. */
export async function importCsv(ctx: TestContext, account: TestAccount, content: string | Buffer, fileName?: string, fields?: ImportFields) {
  const res = await uploadCsv(ctx, account, content, fileName, fields);
  if (res.status !== 200) throw new Error(`upload: ${res.status} ${JSON.stringify(res.body)}`);
  const id = res.body.payload.id as number;
  let last: Awaited<ReturnType<typeof showImport>> | undefined;
  await waitFor(async () => {
    last = await showImport(ctx, account, id);
    return last.status === 'completed' || last.status === 'failed';
  }, `import ${id} to finish`);
  return last!;
}

export async function rejectedCsv(ctx: TestContext, account: TestAccount, id: number): Promise<string> {
  const res = await ctx.http
    .get(account.path(`/contacts/imports/${id}/rejected`))
    .set('api_access_token', account.adminToken)
    .buffer(true)
    .parse((response, done) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => done(null, text));
    });
  if (res.status !== 200) throw new Error(`rejected: ${res.status}`);
  return res.body as string;
}

export async function contactsOf(ctx: TestContext, accountId: number) {
  // A test's look at everything an account holds; the service itself never asks this of MongoDB.
  // In id order by number: _id is the id's text, whose order put contact 100000 before 99999.
  const found = await ctx.deps.models.contacts.find({ account_id: accountId, deleted: false }).comment(exemptBecause('a test inspects an account')).lean();
  return found.sort((a, b) => Number(a._id) - Number(b._id));
}

/** Parses CSV text into rows of the header's columns (csv-parser, as the import reads files). */
export async function parseCsv(text: string): Promise<Record<string, string>[]> {
  const { Readable } = await import('node:stream');
  const csvParser = (await import('csv-parser')).default;
  const rows: Record<string, string>[] = [];
  for await (const row of Readable.from([Buffer.from(text.replace(/^\uFEFF/, ''))]).pipe(csvParser())) rows.push(row);
  return rows;
}

/** What the import processor is made of in the test's context: a test makes its own processor from it, as another worker would have. */
export const importProcessorDeps = (ctx: TestContext) => ({
  imports: ctx.deps.models.contactImports,
  rejections: ctx.deps.models.importRejections,
  contacts: ctx.deps.models.contacts,
  labels: ctx.deps.services.labels,
  definitions: ctx.deps.definitions,
  customAttributes: ctx.deps.services.customAttributes,
  nextIds: ctx.deps.nextIds,
  keys: ctx.deps.keys,
  writer: ctx.deps.writer,
  indexer: ctx.deps.indexer,
  sync: ctx.deps.scheduler,
  search: ctx.deps.search,
  logger: ctx.deps.logger,
  config: ctx.deps.config,
});
