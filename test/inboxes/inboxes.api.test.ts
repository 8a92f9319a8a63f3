import { startTestContext, type TestAccount, type TestContext } from '../support/context';
import { createInbox, websiteChannel } from '../support/inboxes';

let ctx: TestContext;
let account: TestAccount;

beforeAll(async () => {
  ctx = await startTestContext({ worker: false });
  account = await ctx.createAccount();
});
afterAll(() => ctx.close());

const as = (token: string) => ({ api_access_token: token });

describe('inboxes', () => {
  // As in Chatwoot, whose inbox settings show administrators the secret to copy into their site's
  // backend; it was shown once, so a client that read it from GET /inboxes signed with a mask (401).
  it('when a website inbox is created, then it gets a public identifier and an HMAC secret that administrators read in full and agents masked', async () => {
    const created = await createInbox(ctx, account, websiteChannel({ hmac_mandatory: true }), 'Shop');
    expect(created).toMatchObject({ name: 'Shop', channel_type: 'Channel::WebWidget', website_url: 'https://shop.example', hmac_mandatory: true });
    expect(created.inbox_identifier).toMatch(/^[\w-]{20,}$/);
    expect(created.hmac_token).toMatch(/^[0-9a-f]{64}$/);

    const shown = await ctx.http.get(account.path(`/inboxes/${created.id}`)).set(as(account.agentToken));
    expect(shown.status).toBe(200);
    expect(shown.body.hmac_token).toBe(`********${created.hmac_token!.slice(-4)}`);
    const listed = await ctx.http.get(account.path('/inboxes')).set(as(account.agentToken));
    expect(listed.body.payload.find((inbox: { id: number }) => inbox.id === created.id).hmac_token).toBe(shown.body.hmac_token);

    expect((await ctx.http.get(account.path(`/inboxes/${created.id}`)).set(as(account.adminToken))).body.hmac_token).toBe(created.hmac_token);
    const listedToAdmin = await ctx.http.get(account.path('/inboxes')).set(as(account.adminToken));
    expect(listedToAdmin.body.payload.find((inbox: { id: number }) => inbox.id === created.id).hmac_token).toBe(created.hmac_token);

    const reset = await ctx.http.post(account.path(`/inboxes/${created.id}/reset_hmac_token`)).set(as(account.adminToken));
    expect(reset.body.hmac_token).toMatch(/^[0-9a-f]{64}$/);
    expect(reset.body.hmac_token).not.toBe(created.hmac_token);
  });

  // Chatwoot's API document creates a website inbox with the widget's colour, welcome title and
  // tagline (its dashboard sends them too); they answered 422 as unknown keys.
  it('when a website inbox is created as Chatwoot\'s API document shows it (widget_color, welcome_title, welcome_tagline), then they are stored and answered', async () => {
    const res = await ctx.http
      .post(account.path('/inboxes'))
      .set(as(account.adminToken))
      .send({ name: 'Support', channel: { type: 'web_widget', website_url: 'https://example.com', welcome_title: 'Welcome to our support', welcome_tagline: 'We are here to help you', widget_color: '#FF5733' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ widget_color: '#FF5733', welcome_title: 'Welcome to our support', welcome_tagline: 'We are here to help you' });

    const plain = await createInbox(ctx, account, websiteChannel(), 'Plain');
    expect(plain).toMatchObject({ widget_color: '#1f93ff', welcome_title: '', welcome_tagline: '' });
    const changed = await ctx.http.patch(account.path(`/inboxes/${plain.id}`)).set(as(account.adminToken)).send({ channel: { widget_color: '#000', welcome_title: 'Hola' } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ widget_color: '#000', welcome_title: 'Hola', welcome_tagline: '' });
    // PUT as Rails routes it to the same update (it was a 404 "no route").
    const put = await ctx.http.put(account.path(`/inboxes/${plain.id}`)).set(as(account.adminToken)).send({ name: 'Plain too', channel: { welcome_tagline: 'Aquí' } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: 'Plain too', widget_color: '#000', welcome_title: 'Hola', welcome_tagline: 'Aquí' });
    expect((await ctx.http.put(account.path(`/inboxes/${plain.id}`)).set(as(account.agentToken)).send({ name: 'x' })).status).toBe(403);

    for (const channel of [{ widget_color: 'red' }, { welcome_title: 'x'.repeat(256) }]) {
      const bad = await ctx.http.patch(account.path(`/inboxes/${plain.id}`)).set(as(account.adminToken)).send({ channel });
      expect(bad.status).toBe(422);
      expect(bad.body.field).toBe(`channel.${Object.keys(channel)[0]}`);
    }
  });

  // Chatwoot's inbox attribute enable_email_collect and its widget's reply_time and
  // continuity_via_email answered 422 as unknown keys (found by a spec-only test).
  it("when an inbox is created or changed with enable_email_collect, reply_time and continuity_via_email, as Chatwoot's clients send them, then they are stored and answered; an inbox made without them answers Chatwoot's defaults", async () => {
    const res = await ctx.http
      .post(account.path('/inboxes'))
      .set(as(account.adminToken))
      .send({ name: 'Collecting', enable_email_collect: false, channel: { type: 'web_widget', website_url: 'https://example.com', reply_time: 'in_a_day', continuity_via_email: false } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ enable_email_collect: false, reply_time: 'in_a_day', continuity_via_email: false });
    const changed = await ctx.http
      .patch(account.path(`/inboxes/${res.body.id}`))
      .set(as(account.adminToken))
      .send({ enable_email_collect: true, channel: { reply_time: 'in_a_few_hours' } });
    expect(changed.body).toMatchObject({ enable_email_collect: true, reply_time: 'in_a_few_hours', continuity_via_email: false });
    expect((await ctx.http.get(account.path(`/inboxes/${res.body.id}`)).set(as(account.agentToken))).body).toMatchObject({ enable_email_collect: true, reply_time: 'in_a_few_hours' });

    const plain = await createInbox(ctx, account, websiteChannel(), 'Defaults');
    expect(plain).toMatchObject({ enable_email_collect: true, reply_time: 'in_a_few_minutes', continuity_via_email: true });
    const mail = await createInbox(ctx, account, { type: 'email', email: 'a@b.co', smtp_address: 'smtp.b.co', smtp_port: 587 }, 'Mail defaults');
    expect(mail).toMatchObject({ enable_email_collect: true, smtp_enabled: true, smtp_domain: null, smtp_enable_starttls_auto: true, smtp_authentication: null, smtp_openssl_verify_mode: 'peer' });
    // Chatwoot's form sends an empty field as "": no EHLO name of its own.
    expect((await ctx.http.patch(account.path(`/inboxes/${mail.id}`)).set(as(account.adminToken)).send({ channel: { smtp_domain: 'mx.b.co' } })).body.smtp_domain).toBe('mx.b.co');
    expect((await ctx.http.patch(account.path(`/inboxes/${mail.id}`)).set(as(account.adminToken)).send({ channel: { smtp_domain: ' ' } })).body.smtp_domain).toBeNull();
    // One stored before these settings existed is answered with the same defaults.
    await ctx.deps.models.inboxes.updateOne({ _id: mail.id }, { $unset: { enable_email_collect: 1, 'settings.smtp_enabled': 1, 'settings.smtp_openssl_verify_mode': 1 } });
    expect((await ctx.http.get(account.path(`/inboxes/${mail.id}`)).set(as(account.adminToken))).body).toMatchObject({ enable_email_collect: true, smtp_enabled: true, smtp_openssl_verify_mode: 'peer' });

    for (const [body, field] of [
      [{ enable_email_collect: 'no' }, 'enable_email_collect'],
      [{ channel: { reply_time: 'soon' } }, 'channel.reply_time'],
      [{ channel: { smtp_authentication: 'ntlm' } }, 'channel.smtp_authentication'],
      [{ channel: { smtp_domain: 'not a host' } }, 'channel.smtp_domain'],
    ] as const) {
      const target = field.startsWith('channel.smtp') ? mail.id : res.body.id;
      const bad = await ctx.http.patch(account.path(`/inboxes/${target}`)).set(as(account.adminToken)).send(body);
      expect(bad.status).toBe(422);
      expect(bad.body.field).toBe(field);
    }
  });

  // Chatwoot's dashboard creates a website inbox with greeting_enabled and greeting_message beside
  // the channel (its WebChannel form); they answered 422 as unknown keys.
  it('when an inbox is created with greeting_enabled and greeting_message, as Chatwoot\'s dashboard sends them, then they are stored, answered and changed by PATCH', async () => {
    const res = await ctx.http
      .post(account.path('/inboxes'))
      .set(as(account.adminToken))
      .send({
        name: 'Web',
        greeting_enabled: true,
        greeting_message: 'Hi there!',
        channel: { type: 'web_widget', website_url: 'https://example.com', widget_color: '#009CE0', welcome_title: '', welcome_tagline: '' },
      });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ greeting_enabled: true, greeting_message: 'Hi there!' });
    const shown = await ctx.http.get(account.path(`/inboxes/${res.body.id}`)).set(as(account.agentToken));
    expect(shown.body).toMatchObject({ greeting_enabled: true, greeting_message: 'Hi there!' });
    const changed = await ctx.http.patch(account.path(`/inboxes/${res.body.id}`)).set(as(account.adminToken)).send({ greeting_enabled: false });
    expect(changed.body).toMatchObject({ greeting_enabled: false, greeting_message: 'Hi there!' });

    const plain = await createInbox(ctx, account, websiteChannel(), 'No greeting');
    expect(plain).toMatchObject({ greeting_enabled: false, greeting_message: null });
    const bad = await ctx.http.patch(account.path(`/inboxes/${plain.id}`)).set(as(account.adminToken)).send({ greeting_enabled: 'yes' });
    expect(bad.status).toBe(422);
    expect(bad.body.field).toBe('greeting_enabled');
  });

  it('when email, SMS and WhatsApp inboxes are created, then their secrets are never echoed back', async () => {
    const email = await createInbox(ctx, account, {
      type: 'email', email: 'support@shop.example', smtp_address: 'smtp.shop.example', smtp_port: 587, smtp_login: 'support', smtp_password: 'smtp-password-0123456789',
    });
    const sms = await createInbox(ctx, account, { type: 'sms', provider_url: 'https://api.twilio.com', account_sid: 'AC123', auth_token: 'twilio-token-abcdefgh', phone_number: '+15550001111' });
    const whatsapp = await createInbox(ctx, account, { type: 'whatsapp', provider_url: 'https://graph.facebook.com/v20.0', api_key: 'wa-key-0123456789abcdef', phone_number_id: '1234', phone_number: '+15550002222' });
    expect(email).toMatchObject({ channel_type: 'Channel::Email', smtp_address: 'smtp.shop.example', smtp_port: 587, smtp_password: '********6789' });
    expect(sms).toMatchObject({ channel_type: 'Channel::Sms', account_sid: 'AC123', auth_token: '********efgh' });
    expect(whatsapp).toMatchObject({ channel_type: 'Channel::Whatsapp', api_key: '********cdef', phone_number_id: '1234' });

    const list = await ctx.http.get(account.path('/inboxes')).set(as(account.agentToken));
    const text = JSON.stringify(list.body);
    for (const secret of ['smtp-password-0123456789', 'twilio-token-abcdefgh', 'wa-key-0123456789abcdef']) expect(text).not.toContain(secret);

    // A secret left out of an update is kept; a new one replaces it.
    const renamed = await ctx.http.patch(account.path(`/inboxes/${email.id}`)).set(as(account.adminToken)).send({ name: 'Support', channel: { smtp_port: 2525 } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Support', smtp_port: 2525, smtp_password: '********6789' });
    const stored = await ctx.deps.models.inboxes.findById(email.id).lean();
    expect(stored!.settings).toMatchObject({ smtp_password: 'smtp-password-0123456789', smtp_port: 2525 });

    // An empty password is shown as none, not as the mask of a set one (a black-box read, 2026-12-05);
    // sent back as shown, it stays empty.
    const emptied = await ctx.http.patch(account.path(`/inboxes/${email.id}`)).set(as(account.adminToken)).send({ channel: { smtp_password: '' } });
    expect(emptied.body.smtp_password).toBe('');
    const again = await ctx.http.patch(account.path(`/inboxes/${email.id}`)).set(as(account.adminToken)).send({ name: 'Support', channel: { smtp_password: '' } });
    expect(again.body.smtp_password).toBe('');
  });

  it.each([
    [{ type: 'fax' }, 'channel.type'],
    [{ type: 'email', email: 'nope', smtp_address: 'h', smtp_port: 25 }, 'channel.email'],
    [{ type: 'email', email: 'a@b.co', smtp_address: 'h', smtp_port: 70000 }, 'channel.smtp_port'],
    [{ type: 'sms', provider_url: 'ftp://x', account_sid: 'a', auth_token: 'b', phone_number: '+1555' }, 'channel.provider_url'],
    [{ type: 'sms', provider_url: 'https://x.test', account_sid: 'a', auth_token: 'b', phone_number: '+0555' }, 'channel.phone_number'],
    [{ type: 'sms', provider_url: 'https://x.test', account_sid: 'a', auth_token: 'b', phone_number: 'Shop-Alerts!' }, 'channel.phone_number'],
    [{ type: 'whatsapp', provider_url: 'https://x.test', api_key: 'k', phone_number_id: '1', phone_number: 'ShopAlerts' }, 'channel.phone_number'],
  ])('when the channel is %j, then it answers 422 naming the field', async (channel, field) => {
    const res = await ctx.http.post(account.path('/inboxes')).set(as(account.adminToken)).send({ name: 'bad', channel });
    expect(res.status).toBe(422);
    expect(res.body.field).toBe(field);
  });

  it('when an SMS or WhatsApp sender number is typed with spaces, dashes or without +, then it is stored in E.164; an SMS sender may be an alphanumeric id', async () => {
    const sms = await createInbox(ctx, account, { type: 'sms', provider_url: 'https://x.test', account_sid: 'a', auth_token: 'b', phone_number: '+1 (555) 000-1111' });
    expect(sms.phone_number).toBe('+15550001111');
    const whatsapp = await createInbox(ctx, account, { type: 'whatsapp', provider_url: 'https://x.test', api_key: 'k', phone_number_id: '1', phone_number: '34 600 00 00 00' });
    expect(whatsapp.phone_number).toBe('+34600000000');
    const named = await createInbox(ctx, account, { type: 'sms', provider_url: 'https://x.test', account_sid: 'a', auth_token: 'b', phone_number: 'Shop Alerts' });
    expect(named.phone_number).toBe('Shop Alerts');
    // The sender went to the provider as typed: a line break in the From field. Read as a phone, it is whitespace stripped.
    const broken = await createInbox(ctx, account, { type: 'sms', provider_url: 'https://x.test', account_sid: 'a', auth_token: 'b', phone_number: '+1555\n0001111' });
    expect(broken.phone_number).toBe('+15550001111');
  });

  // The name is an e-mail's subject: a line break in it came out folded into the subject.
  it('when an inbox name holds a line break or another control character, then it answers 422 naming name, on create and on change', async () => {
    for (const name of ['Mail\r\nBcc: evil@x.test', 'Tab\there', 'Nul\u0000']) {
      const created = await ctx.http.post(account.path('/inboxes')).set(as(account.adminToken)).send({ name, channel: websiteChannel() });
      expect(created.status).toBe(422);
      expect(created.body.field).toBe('name');
    }
    const inbox = await createInbox(ctx, account, websiteChannel(), ' Sales desk ');
    expect(inbox.name).toBe('Sales desk');
    const changed = await ctx.http.patch(account.path(`/inboxes/${inbox.id}`)).set(as(account.adminToken)).send({ name: 'Sales\ndesk' });
    expect(changed.status).toBe(422);
    expect(changed.body.field).toBe('name');
  });

  it('when an agent creates, changes or deletes an inbox, then it answers 403', async () => {
    const inbox = await createInbox(ctx, account, websiteChannel());
    expect((await ctx.http.post(account.path('/inboxes')).set(as(account.agentToken)).send({ name: 'x', channel: websiteChannel() })).status).toBe(403);
    expect((await ctx.http.patch(account.path(`/inboxes/${inbox.id}`)).set(as(account.agentToken)).send({ name: 'x' })).status).toBe(403);
    expect((await ctx.http.post(account.path(`/inboxes/${inbox.id}/reset_hmac_token`)).set(as(account.agentToken))).status).toBe(403);
    expect((await ctx.http.delete(account.path(`/inboxes/${inbox.id}`)).set(as(account.agentToken))).status).toBe(403);
    expect((await ctx.http.delete(account.path(`/inboxes/${inbox.id}`)).set(as(account.adminToken))).status).toBe(200);
    expect((await ctx.http.get(account.path(`/inboxes/${inbox.id}`)).set(as(account.adminToken))).status).toBe(404);
  });

  it('when another account\'s inbox id is used, then it is invisible and untouchable', async () => {
    const other = await ctx.createAccount();
    const theirs = await createInbox(ctx, other, websiteChannel(), 'Theirs');
    const h = as(account.adminToken);
    expect((await ctx.http.get(account.path(`/inboxes/${theirs.id}`)).set(h)).status).toBe(404);
    expect((await ctx.http.patch(account.path(`/inboxes/${theirs.id}`)).set(h).send({ name: 'Mine' })).status).toBe(404);
    expect((await ctx.http.delete(account.path(`/inboxes/${theirs.id}`)).set(h)).status).toBe(404);
    const list = await ctx.http.get(account.path('/inboxes')).set(h);
    expect(list.body.payload.map((i: { id: number }) => i.id)).not.toContain(theirs.id);
    expect((await ctx.http.get(other.path(`/inboxes/${theirs.id}`)).set(as(other.adminToken))).body.name).toBe('Theirs');
  });

  it('when an inbox is deleted or is of another channel, then its identifier finds nothing, and its key goes with it', async () => {
    const site = await createInbox(ctx, account, websiteChannel());
    const sms = await createInbox(ctx, account, { type: 'sms', provider_url: 'https://api.twilio.com', account_sid: 'AC1', auth_token: 'twilio-token-abcdefgh', phone_number: '+15550003333' });
    const visit = (identifier: string) => ctx.http.post(`/public/api/v1/inboxes/${identifier}/contacts`).send({});
    expect((await visit(site.inbox_identifier)).status).toBe(200);
    expect((await visit(sms.inbox_identifier)).status).toBe(404);
    expect(await ctx.deps.models.inboxKeys.findById(site.inbox_identifier).lean()).toEqual({ _id: site.inbox_identifier, inbox_id: site.id });

    expect((await ctx.http.delete(account.path(`/inboxes/${site.id}`)).set(as(account.adminToken))).status).toBe(200);
    expect((await visit(site.inbox_identifier)).status).toBe(404);
    expect(await ctx.deps.models.inboxKeys.findById(site.inbox_identifier).lean()).toBeNull();
  });
});

describe('inbox settings, changed', () => {
  const secrets = {
    email: { type: 'email', email: 'support@shop.example', smtp_address: 'smtp.shop.example', smtp_port: 587, smtp_login: 'support', smtp_password: 'smtp-password-0123456789' },
    sms: { type: 'sms', provider_url: 'https://api.twilio.com', account_sid: 'AC123', auth_token: 'twilio-token-abcdefgh', phone_number: '+15550001111' },
    whatsapp: { type: 'whatsapp', provider_url: 'https://graph.facebook.com/v20.0', api_key: 'wa-key-0123456789abcdef', phone_number_id: '1234', phone_number: '+15550002222' },
  };

  it.each([
    ['email', 'smtp_password'],
    ['sms', 'auth_token'],
    ['whatsapp', 'api_key'],
  ] as const)('when the %s inbox as it was shown (the %s masked) is sent back in a PATCH, then the secret is kept, not replaced by the mask', async (type, key) => {
    const inbox = await createInbox(ctx, account, secrets[type]);
    const { id, name, account_id, channel_id, avatar_url, provider, channel_type, inbox_identifier, greeting_enabled, greeting_message, enable_email_collect, created_at, updated_at, ...settings } = inbox;
    void [id, account_id, channel_id, avatar_url, provider, channel_type, inbox_identifier, greeting_enabled, greeting_message, enable_email_collect, created_at, updated_at];
    const masked = settings[key] as string;
    expect(masked).toMatch(/^\*{8}/);
    // A form that shows the inbox and saves it whole, its secret field untouched.
    const saved = await ctx.http.patch(account.path(`/inboxes/${inbox.id}`)).set(as(account.adminToken)).send({ name, channel: { ...settings, ...(type === 'email' ? { smtp_port: 2525 } : { phone_number: '+15550009999' }) } });
    expect(saved.status).toBe(200);
    expect(saved.body[key]).toBe(masked);
    const stored = await ctx.deps.models.inboxes.findById(inbox.id).lean();
    expect((stored!.settings as unknown as Record<string, unknown>)[key]).toBe(secrets[type][key as keyof (typeof secrets)[typeof type]]);
    // The short mask too: a secret shorter than 16 characters is shown as "********".
    const short = await createInbox(ctx, account, { ...secrets[type], [key]: 'short' });
    expect(short[key]).toBe('********');
    expect((await ctx.http.patch(account.path(`/inboxes/${short.id}`)).set(as(account.adminToken)).send({ channel: { [key]: '********' } })).status).toBe(200);
    expect(((await ctx.deps.models.inboxes.findById(short.id).lean())!.settings as unknown as Record<string, unknown>)[key]).toBe('short');
  });

  it('when a PATCH runs while the HMAC secret is reset, then the new secret (the one shown) is kept, not the one the PATCH read', async () => {
    const inbox = await createInbox(ctx, account, websiteChannel());
    const model = ctx.deps.models.inboxes;
    const original = model.findOneAndUpdate.bind(model);
    // The reset lands between the PATCH's read and its write.
    const spy = jest.spyOn(model, 'findOneAndUpdate').mockImplementationOnce(((...args: Parameters<typeof original>) => {
      spy.mockRestore();
      return {
        lean: async () => {
          await model.updateOne({ _id: inbox.id }, { $set: { 'settings.hmac_token': 'f'.repeat(64) } });
          return original(...args).lean();
        },
      };
    }) as unknown as typeof original);
    const res = await ctx.http.patch(account.path(`/inboxes/${inbox.id}`)).set(as(account.adminToken)).send({ channel: { website_url: 'https://new.example' } });
    expect(res.status).toBe(200);
    const stored = await model.findById(inbox.id).lean();
    expect(stored!.settings).toMatchObject({ website_url: 'https://new.example', hmac_token: 'f'.repeat(64) });
  });

  it.each(['https://api.twilio.com/?x=1', 'https://api.twilio.com/#frag', 'https://user:secret@api.twilio.com'])(
    'when the provider URL is %s (the request path is appended to it), then it answers 422 naming provider_url, on create and on change',
    async (url) => {
      const created = await ctx.http.post(account.path('/inboxes')).set(as(account.adminToken)).send({ name: 'bad', channel: { ...secrets.sms, provider_url: url } });
      expect(created.status).toBe(422);
      expect(created.body.field).toBe('channel.provider_url');
      const inbox = await createInbox(ctx, account, secrets.whatsapp);
      const changed = await ctx.http.patch(account.path(`/inboxes/${inbox.id}`)).set(as(account.adminToken)).send({ channel: { provider_url: url } });
      expect(changed.status).toBe(422);
      // A PATCH names the setting as a create does.
      expect(changed.body.field).toBe('channel.provider_url');
    },
  );

  // Any text was kept, a script URL included, for the site a widget lives on.
  it.each(['javascript:alert(1)', 'ftp://shop.example', 'data:text/html,<b>x</b>', 'shop.example', 'https://', 'http//shop.example'])(
    'when the website URL is %j, then it answers 422 naming channel.website_url, on create and on change',
    async (url) => {
      const created = await ctx.http.post(account.path('/inboxes')).set(as(account.adminToken)).send({ name: 'bad', channel: websiteChannel({ website_url: url }) });
      expect(created.status).toBe(422);
      expect(created.body.field).toBe('channel.website_url');
      expect(created.body.error).toMatch(/^channel\.website_url: must be an http\(s\) URL/);
      const site = await createInbox(ctx, account, websiteChannel());
      const changed = await ctx.http.patch(account.path(`/inboxes/${site.id}`)).set(as(account.adminToken)).send({ channel: { website_url: url } });
      expect(changed.status).toBe(422);
      expect(changed.body).toMatchObject({ field: 'channel.website_url', error: created.body.error });
      const shown = await ctx.http.get(account.path(`/inboxes/${site.id}`)).set(as(account.adminToken));
      expect(shown.body.website_url).toBe('https://shop.example');
    },
  );

  it.each([
    ['HTTPS://Shop.Example/store?lang=es#top', 'HTTPS://Shop.Example/store?lang=es#top'],
    ['  http://localhost:8080  ', 'http://localhost:8080'],
    ['', null],
    [null, null],
  ])('when the website URL is %j, then it is kept as %j', async (url, kept) => {
    const created = await ctx.http.post(account.path('/inboxes')).set(as(account.adminToken)).send({ name: 'ok', channel: websiteChannel({ website_url: url }) });
    expect(created.status).toBe(200);
    expect(created.body.website_url).toBe(kept);
    const site = await createInbox(ctx, account, websiteChannel());
    const changed = await ctx.http.patch(account.path(`/inboxes/${site.id}`)).set(as(account.adminToken)).send({ channel: { website_url: url } });
    expect(changed.status).toBe(200);
    expect(changed.body.website_url).toBe(kept);
  });

  it.each([
    ['web_widget', { hmac_mandatory: 'yes' }, 'channel.hmac_mandatory'],
    ['web_widget', { pre_chat_form_options: { pre_chat_fields: [{ name: 'a.b', type: 'text', field_type: 'contact_attribute' }] } }, 'channel.pre_chat_form_options.pre_chat_fields.0.name'],
    ['email', { smtp_port: 70000 }, 'channel.smtp_port'],
    ['sms', { account_sid: '   ' }, 'channel.account_sid'],
    ['whatsapp', { provider_url: 'not a url' }, 'channel.provider_url'],
  ] as const)('when a %s setting %j is refused, then create and PATCH name it alike (%s) with the same message', async (type, bad, field) => {
    const valid = type === 'web_widget' ? websiteChannel() : secrets[type];
    const created = await ctx.http.post(account.path('/inboxes')).set(as(account.adminToken)).send({ name: 'bad', channel: { ...valid, ...bad } });
    expect(created.status).toBe(422);
    expect(created.body.field).toBe(field);
    const inbox = await createInbox(ctx, account, valid);
    const changed = await ctx.http.patch(account.path(`/inboxes/${inbox.id}`)).set(as(account.adminToken)).send({ channel: bad });
    expect(changed.status).toBe(422);
    expect(changed.body).toMatchObject({ field, error: created.body.error });
  });

  it.each(['http://smtp.shop.example', 'smtp shop.example', 'smtp.shop.example:587', 'smtp.shop.example/x', ''])(
    'when the SMTP address is %j (not a host), then it answers 422 naming smtp_address, on create and on change',
    async (host) => {
      const created = await ctx.http.post(account.path('/inboxes')).set(as(account.adminToken)).send({ name: 'bad', channel: { ...secrets.email, smtp_address: host } });
      expect(created.status).toBe(422);
      expect(created.body.field).toBe('channel.smtp_address');
      const inbox = await createInbox(ctx, account, secrets.email);
      const changed = await ctx.http.patch(account.path(`/inboxes/${inbox.id}`)).set(as(account.adminToken)).send({ channel: { smtp_address: host } });
      expect(changed.status).toBe(422);
      expect(changed.body.field).toBe('channel.smtp_address');
    },
  );

  it.each(['smtp.shop.example', 'SMTP.Shop.Example.', 'mail-1.shop.example', 'smtp.exämple.de', '1.1.1.1', '2606:4700::1111', '[2606:4700::1111]'])(
    'when the SMTP address is %j, then it is accepted',
    async (host) => {
      const created = await ctx.http.post(account.path('/inboxes')).set(as(account.adminToken)).send({ name: 'ok', channel: { ...secrets.email, smtp_address: host } });
      expect(created.status).toBe(200);
      expect(created.body.smtp_address).toBe(host.replace(/^\[|\]$/g, ''));
    },
  );

  it('when a PATCH sets the HMAC secret by hand, then it answers 422 pointing to reset_hmac_token and the secret is unchanged; sent back as shown (in full or masked), it is ignored', async () => {
    const site = await createInbox(ctx, account, websiteChannel());
    const set = await ctx.http.patch(account.path(`/inboxes/${site.id}`)).set(as(account.adminToken)).send({ channel: { hmac_token: 'my-own-secret' } });
    expect(set.status).toBe(422);
    expect(set.body.field).toBe('channel.hmac_token');
    expect(set.body.error).toMatch(/reset_hmac_token/);
    expect(((await ctx.deps.models.inboxes.findById(site.id).lean())!.settings as unknown as Record<string, unknown>).hmac_token).toBe(site.hmac_token);

    const shown = (await ctx.http.get(account.path(`/inboxes/${site.id}`)).set(as(account.adminToken))).body;
    expect(shown.hmac_token).toBe(site.hmac_token);
    const echoed = await ctx.http.patch(account.path(`/inboxes/${site.id}`)).set(as(account.adminToken)).send({ channel: { hmac_token: shown.hmac_token, website_url: 'https://other.example' } });
    expect(echoed.status).toBe(200);
    expect(echoed.body).toMatchObject({ website_url: 'https://other.example', hmac_token: site.hmac_token });

    const masked = `********${site.hmac_token!.slice(-4)}`;
    const echoedMasked = await ctx.http.patch(account.path(`/inboxes/${site.id}`)).set(as(account.adminToken)).send({ channel: { hmac_token: masked, website_url: 'https://third.example' } });
    expect(echoedMasked.status).toBe(200);
    expect(echoedMasked.body).toMatchObject({ website_url: 'https://third.example', hmac_token: site.hmac_token });
  });

  it.each(['wa-key\r\nX-Injected: 1', 'wa key', 'wa-kéy'])('when the WhatsApp api_key is %j (not sendable in an HTTP header), then it answers 422 naming api_key, on create and on change', async (key) => {
    const created = await ctx.http.post(account.path('/inboxes')).set(as(account.adminToken)).send({ name: 'bad', channel: { ...secrets.whatsapp, api_key: key } });
    expect(created.status).toBe(422);
    expect(created.body.field).toBe('channel.api_key');
    const inbox = await createInbox(ctx, account, secrets.whatsapp);
    const changed = await ctx.http.patch(account.path(`/inboxes/${inbox.id}`)).set(as(account.adminToken)).send({ channel: { api_key: key } });
    expect(changed.status).toBe(422);
    expect(changed.body.field).toBe('channel.api_key');
  });
});
