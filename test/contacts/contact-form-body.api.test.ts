import { gzipSync } from 'node:zlib';
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
const BOUNDARY = 'x-boundary';
/** A multipart body written by hand: each part's disposition parameters (and headers after them) and its bytes. */
const multipartOf = (parts: [string, Buffer][]) =>
  Buffer.concat([...parts.flatMap(([disposition, bytes]) => [Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; ${disposition}\r\n\r\n`), bytes, Buffer.from('\r\n')]), Buffer.from(`--${BOUNDARY}--\r\n`)]);
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

  it('when fields are named as Rails reads them, then they are read so: a key of digits, a name twice, a checkbox\'s on, an empty avatar', async () => {
    const res = await post().type('form').send('name=First&name=Second&custom_attributes[0]=zero&blocked=on&avatar=');
    expect(res.status).toBe(200);
    expect(res.body.payload.contact).toMatchObject({ name: 'Second', custom_attributes: { 0: 'zero' }, blocked: true });
    const unblocked = await patch(res.body.payload.contact.id).type('form').send('blocked=0');
    expect(unblocked.body.payload.blocked).toBe(false);
  });

  it('when a form is not UTF-8, then it is a 4xx saying so and nothing is written (it was stored garbled)', async () => {
    const id = (await post().send({ name: 'Encoded Eva' }).expect(200)).body.payload.contact.id;
    for (const body of ['name=Jos%E9', 'name=Pct%ZZbad']) {
      const res = await patch(id).type('form').send(body);
      expect([res.status, res.body.error]).toEqual([400, 'form field "name" is not valid percent-encoded UTF-8']);
    }
    // The bytes as an ISO-8859-1 page posts them, sent as they are.
    const latin1 = await patch(id).set('Content-Type', 'application/x-www-form-urlencoded; charset=ISO-8859-1').serialize((body: unknown) => body as string).send(Buffer.from('name=Jos\xe9', 'latin1'));
    expect([latin1.status, latin1.body.error]).toEqual([400, 'the form is not valid UTF-8 (a form is read as UTF-8, whatever charset it names)']);
    const multipartRes = await patch(id).set('Content-Type', `multipart/form-data; boundary=${BOUNDARY}`).serialize((body: unknown) => body as string).send(multipartOf([['name="name"', Buffer.from('Jos\xe9', 'latin1')]]));
    expect([multipartRes.status, multipartRes.body.error]).toEqual([400, 'form field "name" is not valid UTF-8 (a part may name only UTF-8 as its charset)']);
    expect((await show(id)).name).toBe('Encoded Eva');
    // An ASCII form that names another charset (Apache HttpClient's default) is the same text, as Rails reads it.
    const declared = await patch(id).set('Content-Type', 'application/x-www-form-urlencoded; charset=iso-8859-1').send('name=Eva+Ascii');
    expect([declared.status, declared.body.payload?.name]).toEqual([200, 'Eva Ascii']);
  });

  it('when a multipart part names its own charset, has no name, or the body is gzipped, then it is read as the same fields', async () => {
    const id = (await post().send({ name: 'Parted Pia' }).expect(200)).body.payload.contact.id;
    // .NET's StringContent sends each part with Content-Type: text/plain; charset=utf-8 (it was refused, or stored garbled).
    const body = multipartOf([
      ['name="name"\r\nContent-Type: text/plain; charset=utf-8', Buffer.from('Jǃ© Pia')],
      ['name=""', Buffer.from('nameless')],
      ['name="city"', Buffer.from('Bogotá')],
    ]);
    const typed = await patch(id).set('Content-Type', `multipart/form-data; boundary=${BOUNDARY}`).serialize((b: unknown) => b as string).send(body);
    expect(typed.status).toBe(200);
    expect(await show(id)).toMatchObject({ name: 'Jǃ© Pia', additional_attributes: { city: 'Bogotá' } });
    // A part naming a charset busboy cannot decode answered nothing and ended the process; one it
    // reads as Latin-1 (windows-1252) stored quotes as C1 controls.
    for (const charset of ['utf-16', 'shift_jis', 'foo', 'windows-1252']) {
      const res = await patch(id).set('Content-Type', `multipart/form-data; boundary=${BOUNDARY}`).serialize((b: unknown) => b as string)
        .send(multipartOf([[`name="name"\r\nContent-Type: text/plain; charset=${charset}`, Buffer.from('\x93Quoted\x94 \x80', 'latin1')]]));
      expect([charset, res.status]).toEqual([charset, 400]);
    }
    expect((await ctx.http.get('/health')).status).toBe(200);
    // A value of exactly the field limit is taken; the body once inflated is bounded as a JSON body is.
    // (Exactly the limit passes the form, then meets the attribute's own limit; one byte more does not pass the form.)
    const exact = await patch(id).field('custom_attributes[note]', 'x'.repeat(128 * 1024));
    expect(exact.body.error).not.toContain('the limit of a field');
    const over = await patch(id).field('custom_attributes[note]', 'x'.repeat(128 * 1024 + 1));
    expect(over.body.error).toBe('form field "custom_attributes[note]" is longer than 131072 bytes, the limit of a field');
    const bomb = gzipSync(multipartOf([['name="custom_attributes[note]"', Buffer.alloc(20 * 1024 * 1024, 'x')]]));
    const inflated = await patch(id).set('Content-Type', `multipart/form-data; boundary=${BOUNDARY}`).set('Content-Encoding', 'gzip').serialize((b: unknown) => b as string).send(bomb);
    expect(inflated.status).toBe(413);
    const zipped = await patch(id).set('Content-Type', `multipart/form-data; boundary=${BOUNDARY}`).set('Content-Encoding', 'gzip').serialize((b: unknown) => b as string).send(gzipSync(multipartOf([['name="name"', Buffer.from('Zipped Pia')]])));
    expect([zipped.status, zipped.body.payload?.name]).toEqual([200, 'Zipped Pia']);
  });

  it('when a key is __proto__, then it is the 422 its JSON gets, naming it (it was dropped without a word)', async () => {
    const json = await post().send({ name: 'Proto', custom_attributes: JSON.parse('{"__proto__": "1"}') });
    const form = await post().type('form').send('name=Proto&custom_attributes[__proto__]=1');
    expect(form.status).toBe(422);
    expect(form.body.error).toBe(json.body.error);
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
