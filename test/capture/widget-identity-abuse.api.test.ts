import { withTestAccount, type TestAccount, type TestContext } from '../support/context';
import { createInbox, createVisitor, visitorsPath, websiteChannel } from '../support/inboxes';

// What a probe of the public widget routes found, each replayed as the attacker would: a website
// inbox whose HMAC is not mandatory, an attacker who knows only the inbox identifier.

let ctx: TestContext;
let account: TestAccount;
let site: { id: number; inbox_identifier: string; hmac_token?: string };

withTestAccount((c, a) => {
  ctx = c;
  account = a;
});
beforeAll(async () => {
  site = await createInbox(ctx, account, websiteChannel(), 'Open shop');
});

const widget = (suffix = '') => visitorsPath(site, suffix);

describe('identifier_hash without an identifier', () => {
  it.each([
    ['a new visitor', () => ctx.http.post(widget()).send({ identifier_hash: 'abc' })],
    ['a visitor update', async () => ctx.http.patch(widget(`/${(await createVisitor(ctx, site)).source_id}`)).send({ identifier_hash: 'abc', name: 'X' })],
  ])('when %s sends identifier_hash alone, then it answers 422 naming identifier rather than ignoring it', async (_what, call) => {
    const res = await call();
    expect(res.status).toBe(422);
    expect(res.body.field).toBe('identifier');
  });
});
