import { startTestContext, type TestAccount, type TestContext } from '../support/context';

// Chatwoot's own request specs post a contact as form fields (`post url, params: {...}`), Rails
// clients and scripts do the same, and Chatwoot's dashboard sends a contact with an avatar file as
// a FormData: each was a 415 here. The fields are read as their JSON body would be.
let ctx: TestContext;
let account: TestAccount;

beforeAll(async () => {
  ctx = await startTestContext();
  account = await ctx.createAccount();
});
afterAll(() => ctx.close());

const post = () => ctx.http.post(account.path('/contacts')).set('api_access_token', account.agentToken);
const patch = (id: number) => ctx.http.patch(account.path(`/contacts/${id}`)).set('api_access_token', account.agentToken);
const show = async (id: number) => (await ctx.http.get(account.path(`/contacts/${id}`)).set('api_access_token', account.agentToken).expect(200)).body.payload;

describe('a contact sent as form fields', () => {
  it('when created urlencoded with bracketed names, then the nested fields are read as JSON would be', async () => {
    const body = 'name=Form+Frida&email=Frida%40Example.com&custom_attributes[test]=test&custom_attributes[test1]=test1&additional_attributes[city]=Lima&labels[]=vip&labels[]=lead';
    const res = await post().type('form').send(body);
    expect(res.status).toBe(200);
    expect(res.body.payload.contact).toMatchObject({
      name: 'Form Frida',
      email: 'frida@example.com',
      custom_attributes: { test: 'test', test1: 'test1' },
      additional_attributes: { city: 'Lima' },
    });
    expect([...(await show(res.body.payload.contact.id)).labels].sort()).toEqual(['lead', 'vip']);
  });

  it('when created as multipart form fields, then they are read the same', async () => {
    const res = await post().field('name', 'Multipart Mia').field('phone_number', '+51 987 654 321').field('custom_attributes[plan]', 'pro');
    expect(res.status).toBe(200);
    expect(res.body.payload.contact).toMatchObject({ name: 'Multipart Mia', phone_number: '+51987654321', custom_attributes: { plan: 'pro' } });
  });

  it('when updated with an empty field, then it clears as "" does in JSON; a FormData\'s "undefined" or "null" is absent', async () => {
    const id = (await post().send({ name: 'Clear Carla', email: 'carla@example.com', phone_number: '+14155550123' }).expect(200)).body.payload.contact.id;
    const res = await patch(id).type('form').send('email=&name=undefined&phone_number=null&blocked=true');
    expect(res.status).toBe(200);
    const stored = await show(id);
    expect(stored).toMatchObject({ name: 'Clear Carla', email: null, phone_number: '+14155550123', blocked: true });
  });

  it('when a value is wrong, then it is the 422 its JSON would get, naming the field, and nothing is written', async () => {
    const id = (await post().send({ name: 'Wrong Wanda' }).expect(200)).body.payload.contact.id;
    const res = await patch(id).type('form').send('name=Wanda+Two&email=not-an-email');
    expect(res.status).toBe(422);
    expect(res.body.attributes).toEqual(['email']);
    expect((await show(id)).name).toBe('Wrong Wanda');
  });

  it('when the dashboard sends an avatar file, then it is a 422 naming it (avatar_url takes an image) and nothing is written', async () => {
    const id = (await post().send({ name: 'Avatar Ava' }).expect(200)).body.payload.contact.id;
    const res = await patch(id).field('name', 'Avatar Ava Two').attach('avatar', Buffer.from('GIF89a'), 'a.gif');
    expect(res.status).toBe(422);
    expect(res.body.error).toContain('files are not taken here (avatar)');
    expect((await show(id)).name).toBe('Avatar Ava');
  });

  it('when a form holds more fields than a form may, or the body is another type, then it is a 4xx saying so', async () => {
    const many = Array.from({ length: 60 }, (_, i) => `custom_attributes[k${i}]=v`).join('&');
    const tooMany = await post().type('form').send(`name=Many&${many}`);
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error).toContain('more than 50 fields');
    const plain = await post().set('Content-Type', 'text/plain').send('name=Plain');
    expect(plain.status).toBe(415);
    expect(plain.body.error).toContain('application/x-www-form-urlencoded');
  });
});
