import { startTestContext, type TestAccount, type TestContext } from '../support/context';
import { contactsOf, importCsv, parseCsv, rejectedCsv, uploadCsv } from './import-support';

let ctx: TestContext;
let account: TestAccount;

beforeAll(async () => {
  ctx = await startTestContext();
  account = await ctx.createAccount();
});
afterAll(() => ctx.close());

describe('importing a CSV', () => {
  it('when the file has good and bad rows, then the good ones are created and the bad ones rejected with their reason', async () => {
    const csv = [
      'id,name,email,identifier,phone_number,labels,ip_address,company_name,custom_attribute_1,custom_attribute_2',
      '1,Ana Gómez,ANA@example.com,crm-1,+34 612 34 56 78,,10.0.0.1,Acme,gold,x',
      '2,Bad Email,not-an-email,,,,,,,',
      '3,Luis,luis@example.com,,,,,,,',
    ].join('\n');
    const done = await importCsv(ctx, account, csv);
    expect(done).toMatchObject({ status: 'completed', rows_read: 3, created: 2, updated: 0, rejected: 1 });
    const contacts = await contactsOf(ctx, account.id);
    expect(contacts.map((c) => c.email).sort()).toEqual(['ana@example.com', 'luis@example.com']);
    const ana = contacts.find((c) => c.email === 'ana@example.com')!;
    expect(ana).toMatchObject({
      name: 'Ana Gómez',
      identifier: 'crm-1',
      phone_number: '+34612345678',
      additional_attributes: { ip_address: '10.0.0.1', company_name: 'Acme' },
      custom_attributes: { custom_attribute_1: 'gold', custom_attribute_2: 'x' },
    });
    const rejected = await parseCsv(await rejectedCsv(ctx, account, done.id));
    expect(rejected).toEqual([
      {
        id: '2',
        name: 'Bad Email',
        email: 'not-an-email',
        identifier: '',
        phone_number: '',
        labels: '',
        ip_address: '',
        company_name: '',
        custom_attribute_1: '',
        custom_attribute_2: '',
        errors: 'row 2: email: "not-an-email" is not a valid email address',
      },
    ]);
  });

  it('when the upload is not a CSV file, then it answers 415', async () => {
    const res = await uploadCsv(ctx, account, Buffer.from([0x89, 0x50, 0x4e, 0x47]), 'photo.png');
    expect(res.status).toBe(415);
    expect(res.body.error).toMatch(/CSV/);
  });
});
