import { startTestContext, type TestAccount, type TestContext } from '../support/context';
import { buildContact, createContact } from '../support/factories';

// Issue 15: what a Chatwoot client notices on POST/PATCH /contacts — avatar_url and
// additional_attributes.social_profiles.

let ctx: TestContext;
let account: TestAccount;

beforeAll(async () => {
  ctx = await startTestContext();
  account = await ctx.createAccount();
});
afterAll(() => ctx.close());

const post = (body: object, who: TestAccount = account) => ctx.http.post(who.path('/contacts')).set('api_access_token', who.adminToken).send(body);
const patch = (id: number, body: object) => ctx.http.patch(account.path(`/contacts/${id}`)).set('api_access_token', account.adminToken).send(body);
const show = (id: number) => ctx.http.get(account.path(`/contacts/${id}`)).set('api_access_token', account.agentToken);

describe('avatar_url', () => {
  it('when a contact is created with an http(s) avatar_url, then it is stored as given and shown as thumbnail, in show and in lists', async () => {
    const url = 'https://cdn.example.com/avatars/ana.png?size=128';
    const contact = await createContact(ctx, account, { avatar_url: url });
    expect(contact.thumbnail).toBe(url);
    expect((await show(contact.id)).body.payload.thumbnail).toBe(url);
    await ctx.settle(account.id);
    const listed = await ctx.http.get(account.path('/contacts?per_page=100')).set('api_access_token', account.agentToken);
    expect(listed.body.payload.find((c: { id: number }) => c.id === contact.id).thumbnail).toBe(url);
  });

  it('when avatar_url is changed, then thumbnail follows; null or "" clears it to ""', async () => {
    const contact = await createContact(ctx, account, { avatar_url: 'http://old.example/a.jpg' });
    expect((await patch(contact.id, { avatar_url: 'https://new.example/b.jpg' })).body.payload.thumbnail).toBe('https://new.example/b.jpg');
    expect((await patch(contact.id, { avatar_url: null })).body.payload.thumbnail).toBe('');
    await patch(contact.id, { avatar_url: 'https://new.example/c.jpg' }).expect(200);
    expect((await patch(contact.id, { avatar_url: '  ' })).body.payload.thumbnail).toBe('');
  });

  it('when avatar_url points at something that is not there or not an image, then it is kept as given: it is never fetched', async () => {
    const url = 'http://127.0.0.1:9/not-an-image.txt';
    const contact = await createContact(ctx, account, { avatar_url: url });
    expect((await show(contact.id)).body.payload.thumbnail).toBe(url);
  });

  it.each([
    ['not a URL', 'just text'],
    ['another scheme', 'ftp://files.example/a.png'],
    ['a data URL', 'data:image/png;base64,iVBORw0KGgo='],
    ['a URL with spaces', 'https://cdn.example.com/a b.png'],
    ['a URL longer than 2048 characters', `https://cdn.example.com/${'a'.repeat(2040)}.png`],
  ])('when avatar_url is %s, then it answers 422 naming avatar_url', async (_case, url) => {
    const res = await post(buildContact({ avatar_url: url }));
    expect(res.status).toBe(422);
    expect(res.body.field).toBe('avatar_url');
  });
});

describe('social profiles', () => {
  it('when social_profiles hold handles and URLs of the known networks, then they are stored trimmed, blanks dropped, and shown in additional_attributes', async () => {
    const contact = await createContact(ctx, account, {
      additional_attributes: {
        city: 'Lima',
        social_profiles: { twitter: ' @ana ', github: 'ana-dev', linkedin: 'https://www.linkedin.com/in/ana', facebook: '', instagram: null },
      },
    });
    expect(contact.additional_attributes).toEqual({ city: 'Lima', social_profiles: { twitter: '@ana', github: 'ana-dev', linkedin: 'https://www.linkedin.com/in/ana' } });
  });

  it('when social_profiles are updated, then the object given replaces the one stored and other attributes stay', async () => {
    const contact = await createContact(ctx, account, { additional_attributes: { city: 'Quito', social_profiles: { twitter: 'old', github: 'gh' } } });
    const res = await patch(contact.id, { additional_attributes: { social_profiles: { twitter: 'new' } } });
    expect(res.status).toBe(200);
    expect(res.body.payload.additional_attributes).toEqual({ city: 'Quito', social_profiles: { twitter: 'new' } });
  });

  it.each([
    [{ tiktok: 'ana' }, 'additional_attributes.social_profiles.tiktok', /unknown network "tiktok"/],
    [{ twitter: 'two words' }, 'additional_attributes.social_profiles.twitter', /handle or an http\(s\) URL/],
    [{ github: 42 }, 'additional_attributes.social_profiles.github', /handle or an http\(s\) URL/],
    [{ linkedin: 'javascript:alert(1)' }, 'additional_attributes.social_profiles.linkedin', /handle or an http\(s\) URL/],
    [{ instagram: 'x'.repeat(101) }, 'additional_attributes.social_profiles.instagram', /handle or an http\(s\) URL/],
    [['twitter'], 'additional_attributes.social_profiles', /must be an object/],
    ['@ana', 'additional_attributes.social_profiles', /must be an object/],
  ])('when social_profiles is %j, then it answers 422 naming the key', async (profiles, field, message) => {
    const res = await post(buildContact({ additional_attributes: { social_profiles: profiles } }));
    expect(res.status).toBe(422);
    expect(res.body.field).toBe(field);
    expect(res.body.error).toMatch(message);
  });
});
