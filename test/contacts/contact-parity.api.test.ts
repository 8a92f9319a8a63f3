import { withTestAccount, type TestAccount, type TestContext } from '../support/context';
import { buildContact, createContact } from '../support/factories';
import { createInbox, visitorsPath, websiteChannel } from '../support/inboxes';

// Issue 15: what a Chatwoot client notices on POST/PATCH /contacts — the contact inbox made by
// inbox_id, avatar_url, and additional_attributes.social_profiles.

let ctx: TestContext;
let account: TestAccount;

withTestAccount((c, a) => {
  ctx = c;
  account = a;
});

const post = (body: object, who: TestAccount = account) => ctx.http.post(who.path('/contacts')).set('api_access_token', who.adminToken).send(body);
const patch = (id: number, body: object) => ctx.http.patch(account.path(`/contacts/${id}`)).set('api_access_token', account.adminToken).send(body);
const show = (id: number) => ctx.http.get(account.path(`/contacts/${id}`)).set('api_access_token', account.agentToken);

const emailChannel = { type: 'email', email: 'support@shop.example', smtp_address: 'smtp.shop.example', smtp_port: 587 };
const smsChannel = { type: 'sms', provider_url: 'https://api.twilio.example', account_sid: 'AC1', auth_token: 'token-0123456789abcdef', phone_number: '+15550001111' };
const whatsappChannel = { type: 'whatsapp', provider_url: 'https://graph.example', api_key: 'key-0123456789abcdef', phone_number_id: '77', phone_number: '+15550002222' };

describe('creating a contact in an inbox (inbox_id)', () => {
  it('when inbox_id names a website inbox, then the answer has the contact inbox with a UUID source_id, usable by the widget', async () => {
    const site = await createInbox(ctx, account, websiteChannel(), 'Site');
    const res = await post(buildContact({ name: 'Web Person', inbox_id: site.id }));
    expect(res.status).toBe(200);
    const { contact, contact_inbox: link } = res.body.payload;
    expect(link.source_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(link.inbox).toMatchObject({ id: site.id, channel_type: 'Channel::WebWidget', name: 'Site' });
    expect(link.inbox.hmac_token).toMatch(/^\*{8}/);
    // The source_id is the contact's session in the widget's public API, as in Chatwoot.
    const visitor = await ctx.http.get(visitorsPath(site, `/${link.source_id}`));
    expect(visitor.status).toBe(200);
    expect(visitor.body).toMatchObject({ id: contact.id, source_id: link.source_id, name: 'Web Person' });
  });

  it.each([
    ['email', emailChannel, { email: 'Mail.Person@Example.com' }, 'mail.person@example.com'],
    ['SMS', smsChannel, { phone_number: '+34 612 000 111' }, '+34612000111'],
    ['WhatsApp', whatsappChannel, { phone_number: '+34 612 000 222' }, '+34612000222'],
  ])('when inbox_id names an %s inbox, then the source_id is the normalised address and the inbox lists the contact as reachable', async (_kind, channel, fields, sourceId) => {
    const inbox = await createInbox(ctx, account, channel);
    const res = await post({ name: 'Reachable', ...fields, inbox_id: inbox.id });
    expect(res.status).toBe(200);
    expect(res.body.payload.contact_inbox).toEqual({ source_id: sourceId, inbox: expect.objectContaining({ id: inbox.id }) });
    const stored = await ctx.deps.services.inboxes.contactInboxesOf(account.id, res.body.payload.contact.id);
    expect(stored.map((ci) => [ci.inbox_id, ci.source_id])).toEqual([[inbox.id, sourceId]]);
    const reachable = await ctx.http.get(account.path(`/contacts/${res.body.payload.contact.id}/contactable_inboxes`)).set('api_access_token', account.agentToken);
    expect(reachable.body.payload).toContainEqual({ source_id: sourceId, inbox: expect.objectContaining({ id: inbox.id }) });
  });

  it.each([
    ['an email inbox and no email', emailChannel, { name: 'No Mail', phone_number: '+34612000333' }],
    ['an SMS inbox and no phone', smsChannel, { name: 'No Phone', email: 'nophone@example.com' }],
  ])('when the contact lacks what the channel needs (%s), then it answers 422 naming inbox_id and creates nothing', async (_case, channel, fields) => {
    const inbox = await createInbox(ctx, account, channel);
    const res = await post({ ...fields, inbox_id: inbox.id });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ field: 'inbox_id', error: expect.stringMatching(/has no (email|phone number)/) });
    if ('email' in fields) expect((await ctx.deps.keys.owners(account.id, { email: fields.email })).email).toBeUndefined();
    else expect((await ctx.deps.keys.owners(account.id, { phone_number: fields.phone_number })).phone_number).toBeUndefined();
  });

  it('when inbox_id names an inbox of another account or none, then it answers 404 and creates nothing', async () => {
    const other = await ctx.createAccount();
    const theirs = await createInbox(ctx, other, websiteChannel());
    for (const inboxId of [theirs.id, 999999999]) {
      const res = await post({ email: `stranger-${inboxId}@example.com`, inbox_id: inboxId });
      expect(res.status).toBe(404);
      expect((await ctx.deps.keys.owners(account.id, { email: `stranger-${inboxId}@example.com` })).email).toBeUndefined();
    }
  });

  it('when an email address passes from one contact to another, then the new contact takes over its address in the inbox', async () => {
    const inbox = await createInbox(ctx, account, emailChannel);
    const first = await post({ email: 'moving@example.com', inbox_id: inbox.id });
    await patch(first.body.payload.contact.id, { email: 'moved@example.com' }).expect(200);
    const second = await post({ email: 'moving@example.com', inbox_id: inbox.id });
    expect(second.status).toBe(200);
    expect(second.body.payload.contact_inbox.source_id).toBe('moving@example.com');
    const link = await ctx.deps.services.inboxes.findContactInbox(inbox.id, 'moving@example.com');
    expect(link?.contact_id).toBe(second.body.payload.contact.id);
  });

  it('when inbox_id comes as a string of digits, as Chatwoot reads it, then it names that inbox; null or "" mean no inbox', async () => {
    const inbox = await createInbox(ctx, account, emailChannel);
    const asText = await post({ email: 'text-id@example.com', inbox_id: String(inbox.id) });
    expect(asText.status).toBe(200);
    expect(asText.body.payload.contact_inbox).toEqual({ source_id: 'text-id@example.com', inbox: expect.objectContaining({ id: inbox.id }) });
    for (const blank of [null, '']) {
      const res = await post({ name: `No inbox ${JSON.stringify(blank)}`, inbox_id: blank });
      expect(res.status).toBe(200);
      expect(res.body.payload.contact_inbox).toEqual({ inbox: null, source_id: null });
    }
  });

  it.each([
    ['email', emailChannel, { email: 'Given.Source@Example.com' }, 'given.source@example.com', 'given.source@example.com'],
    ['SMS', smsChannel, { phone_number: '+34 612 000 444' }, '+34612000444', '+34612000444'],
    // Chatwoot's WhatsApp source_id is the number without its +.
    ['WhatsApp', whatsappChannel, { phone_number: '+34 612 000 555' }, '34612000555', '+34612000555'],
  ])('when source_id comes with inbox_id of an %s inbox and is the contact\'s address there, then it is taken, as Chatwoot takes it', async (_kind, channel, fields, given, stored) => {
    const inbox = await createInbox(ctx, account, channel);
    const res = await post({ name: 'Given source', ...fields, inbox_id: inbox.id, source_id: given });
    expect(res.status).toBe(200);
    expect(res.body.payload.contact_inbox).toEqual({ source_id: stored, inbox: expect.objectContaining({ id: inbox.id }) });
  });

  it('when source_id is not the contact\'s address in the inbox, names a website inbox or comes without inbox_id, then it answers 422 naming source_id and creates nothing', async () => {
    const mail = await createInbox(ctx, account, emailChannel);
    const site = await createInbox(ctx, account, websiteChannel());
    const cases = [
      { email: 'mismatch@example.com', inbox_id: mail.id, source_id: 'other@example.com' },
      { email: 'website-given@example.com', inbox_id: site.id, source_id: 'my-own-session-id' },
      { email: 'no-inbox-given@example.com', source_id: 'no-inbox-given@example.com' },
    ];
    for (const body of cases) {
      const res = await post(body);
      expect(res.status).toBe(422);
      expect(res.body.field).toBe('source_id');
      expect((await ctx.deps.keys.owners(account.id, { email: body.email })).email).toBeUndefined();
    }
    // null is no source_id, as Chatwoot's blank; on an update, as inbox_id, it is not read (Chatwoot's update ignores both).
    const created = await post({ email: 'null-source@example.com', inbox_id: mail.id, source_id: null });
    expect(created.status).toBe(200);
    expect((await patch(created.body.payload.contact.id, { inbox_id: mail.id, source_id: 'anything' })).status).toBe(200);
  });

  it('when inbox_id is not a positive integer, then it answers 422 naming it', async () => {
    for (const inboxId of ['abc', 0, -1, 1.5, '1e1', true, [1]]) {
      const res = await post({ name: 'x', inbox_id: inboxId });
      expect(res.status).toBe(422);
      expect(res.body.field).toBe('inbox_id');
    }
  });
});

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

  it('when DELETE /contacts/{id}/avatar is called, as Chatwoot\'s route, then the avatar is gone and the contact is answered; another account\'s is a 404', async () => {
    const contact = await createContact(ctx, account, { avatar_url: 'https://cdn.example.com/remove-me.png' });
    const res = await ctx.http.delete(account.path(`/contacts/${contact.id}/avatar`)).set('api_access_token', account.agentToken);
    expect(res.status).toBe(200);
    expect(res.body.payload).toMatchObject({ id: contact.id, thumbnail: '' });
    expect((await show(contact.id)).body.payload.thumbnail).toBe('');
    // Without an avatar it is the same answer.
    expect((await ctx.http.delete(account.path(`/contacts/${contact.id}/avatar`)).set('api_access_token', account.agentToken)).status).toBe(200);
    const other = await ctx.createAccount();
    const theirs = await createContact(ctx, other, { avatar_url: 'https://cdn.example.com/theirs.png' });
    expect((await ctx.http.delete(account.path(`/contacts/${theirs.id}/avatar`)).set('api_access_token', account.agentToken)).status).toBe(404);
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

  // Chatwoot's newer contact form sends telegram and tiktok with every save, empty when unset: every save was a 422.
  it("when social_profiles carry telegram and tiktok, as Chatwoot's newer contact form sends them, then they are kept as the others, but no filter names them", async () => {
    const empty = { facebook: '', github: '', instagram: '', telegram: '', tiktok: '', linkedin: '', twitter: '' };
    const created = await post(buildContact({ name: 'Form Sender', additional_attributes: { social_profiles: empty } }));
    expect(created.status).toBe(200);
    const contact = created.body.payload.contact;
    expect(contact.additional_attributes).toEqual({ social_profiles: {} });
    const res = await patch(contact.id, { additional_attributes: { social_profiles: { ...empty, telegram: '@ana_tg', tiktok: 'https://www.tiktok.com/@ana' } } });
    expect(res.status).toBe(200);
    expect(res.body.payload.additional_attributes).toEqual({ social_profiles: { telegram: '@ana_tg', tiktok: 'https://www.tiktok.com/@ana' } });
    expect((await patch(contact.id, { additional_attributes: { social_profiles: { telegram: 'two words' } } })).status).toBe(422);
    const filtered = await ctx.http
      .post(account.path('/contacts/filter'))
      .set('api_access_token', account.agentToken)
      .send({ payload: [{ attribute_key: 'social_profiles.telegram', filter_operator: 'equal_to', values: ['@ana_tg'] }] });
    expect(filtered.status).toBe(422);
    expect(filtered.body.error).toMatch(/unknown attribute "social_profiles.telegram"/);
  });

  it('when social_profiles are updated, then the object given replaces the one stored and other attributes stay', async () => {
    const contact = await createContact(ctx, account, { additional_attributes: { city: 'Quito', social_profiles: { twitter: 'old', github: 'gh' } } });
    const res = await patch(contact.id, { additional_attributes: { social_profiles: { twitter: 'new' } } });
    expect(res.status).toBe(200);
    expect(res.body.payload.additional_attributes).toEqual({ city: 'Quito', social_profiles: { twitter: 'new' } });
  });

  // The local server skipped a $set whose document matched the stored one value for value,
  // whatever the field names (FerretDB patch 0011): these answered 200 and kept the old object.
  it.each([
    [{ social_profiles: { twitter: 'ana' } }, { social_profiles: { github: 'ana' } }],
    [{ social_profiles: { twitter: 'a', github: 'b' } }, { social_profiles: { github: 'a', twitter: 'b' } }],
    [{ o: { a: 1 } }, { o: { b: 1 } }],
    [{ o: [{ a: 1 }] }, { o: [{ b: 1 }] }],
  ])('when an object under additional_attributes (%j) is replaced by one alike but for its keys (%j), then the new one is stored', async (before, after) => {
    const contact = await createContact(ctx, account, { name: 'Keys', additional_attributes: before });
    const res = await patch(contact.id, { additional_attributes: after });
    expect(res.status).toBe(200);
    expect(res.body.payload.additional_attributes).toEqual(after);
    const read = await show(contact.id);
    expect(read.body.payload.additional_attributes).toEqual(after);
  });

  it.each([
    [{ myspace: 'ana' }, 'additional_attributes.social_profiles.myspace', /unknown network "myspace"/],
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

describe('destroy_custom_attributes', () => {
  const destroy = (id: number, body: object, token = account.agentToken) =>
    ctx.http.post(account.path(`/contacts/${id}/destroy_custom_attributes`)).set('api_access_token', token).send(body);

  it('when keys are named, then they leave the contact (not merely set to null), in the answer, in show and in the index, as Chatwoot\'s route does', async () => {
    const contact = await createContact(ctx, account, { custom_attributes: { drop_plan: 'gold', drop_seats: 3, drop_keep: 'yes' } });
    const res = await destroy(contact.id, { custom_attributes: ['drop_plan', 'drop_seats', 'never_there'] });
    expect(res.status).toBe(200);
    expect(res.body.payload).toMatchObject({ id: contact.id, custom_attributes: { drop_keep: 'yes' } });
    expect(Object.keys(res.body.payload.custom_attributes)).toEqual(['drop_keep']);
    expect((await show(contact.id)).body.payload.custom_attributes).toEqual({ drop_keep: 'yes' });
    await ctx.settle(account.id);
    const present = await ctx.http
      .post(account.path('/contacts/filter'))
      .set('api_access_token', account.agentToken)
      .send({ payload: [{ attribute_key: 'drop_plan', filter_operator: 'is_present', values: [] }] });
    expect(present.body.payload.map((c: { id: number }) => c.id)).not.toContain(contact.id);
  });

  it('when the body is wrong or the contact is not the account\'s, then it answers 422 or 404', async () => {
    const contact = await createContact(ctx, account, { custom_attributes: { drop_other: 'x' } });
    for (const body of [{}, { custom_attributes: 5 }, { custom_attributes: [1] }, { custom_attributes: ['drop_other'], extra: 1 }]) {
      expect((await destroy(contact.id, body)).status).toBe(422);
    }
    expect((await destroy(999999999, { custom_attributes: ['drop_other'] })).status).toBe(404);
    const other = await ctx.createAccount();
    const theirs = await createContact(ctx, other, { custom_attributes: { drop_other: 'x' } });
    expect((await destroy(theirs.id, { custom_attributes: ['drop_other'] })).status).toBe(404);
    expect((await show(contact.id)).body.payload.custom_attributes).toEqual({ drop_other: 'x' });
  });
});

describe('identifier as a JSON number', () => {
  it('when identifier is a whole number, as scripts syncing from a database send it, then it is stored as its text, as Rails casts it', async () => {
    const created = await post({ name: 'Numbered', identifier: 770001 });
    expect(created.status).toBe(200);
    expect(created.body.payload.contact.identifier).toBe('770001');
    const id = created.body.payload.contact.id;
    expect((await patch(id, { identifier: 770002 })).body.payload.identifier).toBe('770002');
    // The same identifier as text is the same identifier.
    const twin = await post({ name: 'Twin', identifier: '770002' });
    expect(twin.status).toBe(422);
    expect(twin.body.field).toBe('identifier');
    for (const bad of [1.5, -0.5, 1e21, true]) {
      const res = await patch(id, { identifier: bad });
      expect(res.status).toBe(422);
      expect(res.body.field).toBe('identifier');
    }
    // It said "expected string, received number", as if no number were taken.
    // Sent as text: the literal is 2^53 + 1, which JSON (and this file) reads as 2^53. The answer
    // names the digits sent (it named 9007199254740992, which the client never sent).
    const unsafe = await ctx.http.patch(account.path(`/contacts/${id}`)).set('api_access_token', account.adminToken).type('json').send('{"identifier": 9007199254740993}');
    expect(unsafe.status).toBe(422);
    expect(unsafe.body).toMatchObject({
      field: 'identifier',
      error: 'identifier is 9007199254740993, a number with more digits than a JSON number keeps here (a double: every whole number up to 9007199254740991, only some past it; this one would be 9007199254740992): send it as text, "9007199254740993"',
    });
    // 2^53 itself is exact as a literal, and still past what an identifier takes as a number.
    const edge = await ctx.http.patch(account.path(`/contacts/${id}`)).set('api_access_token', account.adminToken).type('json').send('{"identifier": 9007199254740992}');
    expect(edge.body.error).toBe('identifier must be text or a whole JSON number up to 9007199254740991 (past it digits are lost: send it as text); got 9007199254740992');
  });
});

describe('phone number as a JSON number, blocked as text', () => {
  it('when phone_number is a whole number (its country code included), then it is that number in E.164; a fraction is a 422', async () => {
    const created = await post({ name: 'Dialled', phone_number: 14155550987 });
    expect(created.status).toBe(200);
    expect(created.body.payload.contact.phone_number).toBe('+14155550987');
    const twin = await post({ name: 'Twin', phone_number: '+1 415 555 0987' });
    expect(twin.status).toBe(422);
    expect(twin.body.field).toBe('phone_number');
    const fraction = await patch(created.body.payload.contact.id, { phone_number: 1.5 });
    expect(fraction.status).toBe(422);
    expect(fraction.body.field).toBe('phone_number');
    expect(fraction.body.error).toMatch(/^phone_number must be text or a whole JSON number, not negative, up to 9007199254740991 .*; got 1\.5$/);
    // The minus of a negative number was read as a dash: -14155550104 was +14155550104.
    const negative = await post({ name: 'Negative', phone_number: -14155550104 });
    expect([negative.status, negative.body.field]).toEqual([422, 'phone_number']);
  });

  it('when blocked comes as "true" or "false", as Rails casts a form or query value, then it is that boolean; other text is a 422', async () => {
    const created = await post({ name: 'Blocky', blocked: 'true' });
    expect(created.body.payload.contact.blocked).toBe(true);
    const id = created.body.payload.contact.id;
    expect((await patch(id, { blocked: 'false' })).body.payload.blocked).toBe(false);
    const bad = await patch(id, { blocked: 'yes' });
    expect(bad.status).toBe(422);
    expect(bad.body.field).toBe('blocked');
  });
});
