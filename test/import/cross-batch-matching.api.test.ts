import { startTestContext, testConfig, type TestContext } from '../support/context';
import { createContact } from '../support/factories';
import { importCsv, parseCsv, rejectedCsv } from './import-support';

// Batches of two rows: the rows below fall in batches that overlap (one planned while the one
// before it is written), as rows a thousand apart do with the default batch size.
let ctx: TestContext;

beforeAll(async () => {
  ctx = await startTestContext({ config: testConfig({ IMPORT_BATCH_SIZE: '2' }) });
});
afterAll(() => ctx.close());

const fillers = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `F-${tag}-${i},f${i}-${tag}@x.test,Filler ${i}`);

describe('rows of a file that meet one contact in different batches', () => {
  it('when a later row gives another person the email an earlier row took off a contact, then it is rejected and the contact keeps the earlier row', async () => {
    const account = await ctx.createAccount();
    const zoe = await createContact(ctx, account, { name: 'Zoe Original', email: 'zoe@y.test', identifier: 'CRM-ZOE' });
    const csv = ['identifier,email,name', 'CRM-ZOE,zoe.new@y.test,Zoe Updated', ...fillers(5, 'z'), 'CRM-OTHER,zoe@y.test,Another Person'].join('\n');
    const done = await importCsv(ctx, account, `${csv}\n`);
    expect(done).toMatchObject({ status: 'completed', rows_read: 7, processed: 7, created: 5, updated: 1, rejected: 1 });
    const shown = await ctx.http.get(account.path(`/contacts/${zoe.id}`)).set('api_access_token', account.adminToken);
    expect(shown.body.payload).toMatchObject({ name: 'Zoe Updated', email: 'zoe.new@y.test', identifier: 'CRM-ZOE' });
    const rejected = await parseCsv(await rejectedCsv(ctx, account, done.id));
    // It said "a second row for the same person", of a contact that no longer held the email (a black-box read, 2026-12-05).
    expect(rejected.map((r) => r.errors)).toEqual([`row 7: email "zoe@y.test" was contact ${zoe.id}'s until row 1 of the file changed that contact; one file cannot give it to another row (import this row again afterwards)`]);
  });

  it('when a later row reaches a contact an earlier row matched by another key, then it is rejected and the earlier row stands', async () => {
    const account = await ctx.createAccount();
    const spx = await createContact(ctx, account, { name: 'Orig', email: 'spx@y.test', identifier: 'ID-spx' });
    const csv = ['identifier,email,name,city', 'ID-spx,,Name From Row 1,Cusco', ...fillers(5, 's').map((r) => `${r},`), ',spx@y.test,Name From Last Row,Arequipa'].join('\n');
    const done = await importCsv(ctx, account, `${csv}\n`);
    expect(done).toMatchObject({ status: 'completed', rows_read: 7, created: 5, updated: 1, rejected: 1 });
    const shown = await ctx.http.get(account.path(`/contacts/${spx.id}`)).set('api_access_token', account.adminToken);
    expect(shown.body.payload).toMatchObject({ name: 'Name From Row 1', additional_attributes: { city: 'Cusco' } });
  });
});
