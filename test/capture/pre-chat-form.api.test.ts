import { withTestAccount, type TestAccount, type TestContext } from '../support/context';
import { createInbox, createVisitor, visitorsPath, websiteChannel } from '../support/inboxes';

// Issue 15: the pre-chat form is configured on the website inbox (Chatwoot's
// pre_chat_form_enabled and pre_chat_form_options), and the widget's conversation start obeys it.

let ctx: TestContext;
let account: TestAccount;

withTestAccount((c, a) => {
  ctx = c;
  account = a;
});

const as = (token: string) => ({ api_access_token: token });

const FORM = {
  pre_chat_message: 'Tell us who you are',
  pre_chat_fields: [
    { name: 'emailAddress', type: 'email', label: 'Email', required: true, enabled: true, field_type: 'standard' },
    { name: 'fullName', type: 'text', label: 'Full name', required: false, enabled: true, field_type: 'standard' },
    { name: 'phoneNumber', type: 'text', label: 'Phone', required: true, enabled: false, field_type: 'standard' },
    { name: 'plan', type: 'list', label: 'Your plan', required: true, enabled: true, field_type: 'contact_attribute', values: ['free', 'pro'] },
    { name: 'topic', type: 'text', label: 'Topic', required: true, enabled: true, field_type: 'conversation_attribute', placeholder: 'Billing, shipping…' },
  ],
};

const newVisitor = (inbox: { inbox_identifier: string }) => createVisitor(ctx, inbox);
const startChat = (inbox: { inbox_identifier: string }, sourceId: string, body: object) => ctx.http.post(visitorsPath(inbox, `/${sourceId}/conversations`)).send(body);

describe('configuring the pre-chat form of a website inbox', () => {
  it('when a website inbox is created, then its form is off with Chatwoot\'s three standard fields', async () => {
    const site = await createInbox(ctx, account, websiteChannel());
    expect(site).toMatchObject({
      pre_chat_form_enabled: false,
      pre_chat_form_options: {
        pre_chat_message: expect.any(String),
        pre_chat_fields: [
          expect.objectContaining({ name: 'emailAddress', field_type: 'standard', enabled: false }),
          expect.objectContaining({ name: 'fullName', field_type: 'standard', enabled: false }),
          expect.objectContaining({ name: 'phoneNumber', field_type: 'standard', enabled: false }),
        ],
      },
    });
  });

  it('when the form is set on create or by PATCH, then the inbox shows it as set', async () => {
    const site = await createInbox(ctx, account, websiteChannel({ pre_chat_form_enabled: true, pre_chat_form_options: FORM }));
    expect(site).toMatchObject({ pre_chat_form_enabled: true, pre_chat_form_options: FORM });

    const other = await createInbox(ctx, account, websiteChannel());
    const patched = await ctx.http
      .patch(account.path(`/inboxes/${other.id}`))
      .set(as(account.adminToken))
      .send({ channel: { pre_chat_form_enabled: true, pre_chat_form_options: { pre_chat_fields: [FORM.pre_chat_fields[0]] } } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ pre_chat_form_enabled: true, pre_chat_form_options: { pre_chat_fields: [FORM.pre_chat_fields[0]] } });
    const shown = await ctx.http.get(account.path(`/inboxes/${other.id}`)).set(as(account.agentToken));
    expect(shown.body.pre_chat_form_options).toEqual(patched.body.pre_chat_form_options);
  });

  it.each([
    [{ name: 'nickname', type: 'text', field_type: 'standard' }, /standard field is one of emailAddress, fullName, phoneNumber/],
    [{ name: 'a.b', type: 'text', field_type: 'contact_attribute' }, /must not contain "\."/],
    // No visitor could answer it: a required one blocked every conversation (a black-box read, 2026-12-05).
    [{ name: 'k\u001b[31m', type: 'text', field_type: 'contact_attribute' }, /control character U\+001B/],
    [{ name: 'plan', type: 'colour', field_type: 'contact_attribute' }, /type/],
    [{ name: 'plan', type: 'text', field_type: 'account_attribute' }, /field_type/],
    [{ name: 'plan', type: 'text', field_type: 'contact_attribute', regex: '.*' }, /regex/],
    [{ name: 'plan', type: 'text', field_type: 'contact_attribute', regex_pattern: '^[a-z' }, /not a valid JavaScript regular expression/],
  ])('when a field is %j, then the inbox answers 422 naming the problem', async (field, message) => {
    const site = await createInbox(ctx, account, websiteChannel());
    const res = await ctx.http
      .patch(account.path(`/inboxes/${site.id}`))
      .set(as(account.adminToken))
      .send({ channel: { pre_chat_form_options: { pre_chat_fields: [field] } } });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(message);
    expect(res.body.field).toMatch(/^channel\.pre_chat_form_options\.pre_chat_fields/);
  });

  // Chatwoot's dashboard builds each attribute's field with the definition's pattern and cue
  // (getCustomFields), null when it has none: a form it saved was a 422 (found by a black-box tester).
  it('when fields carry a pattern and a cue, as Chatwoot\'s dashboard builds them, then they are stored and answered', async () => {
    const fields = [
      { name: 'plan', type: 'text', label: 'Plan', placeholder: 'Plan', required: false, enabled: true, field_type: 'contact_attribute', values: [], regex_pattern: '/^[a-z]+$/i', regex_cue: 'letters only' },
      { name: 'seats', type: 'number', label: 'Seats', placeholder: 'Seats', required: false, enabled: false, field_type: 'contact_attribute', values: [], regex_pattern: null, regex_cue: null },
    ];
    const site = await createInbox(ctx, account, websiteChannel());
    const res = await ctx.http.patch(account.path(`/inboxes/${site.id}`)).set(as(account.adminToken)).send({ channel: { pre_chat_form_options: { pre_chat_fields: fields } } });
    expect(res.status).toBe(200);
    expect(res.body.pre_chat_form_options.pre_chat_fields).toEqual(fields);
    expect((await ctx.http.get(account.path(`/inboxes/${site.id}`)).set(as(account.agentToken))).body.pre_chat_form_options.pre_chat_fields).toEqual(fields);
  });

  it('when two fields share a name, then it answers 422', async () => {
    const site = await createInbox(ctx, account, websiteChannel());
    const field = FORM.pre_chat_fields[3];
    const res = await ctx.http.patch(account.path(`/inboxes/${site.id}`)).set(as(account.adminToken)).send({ channel: { pre_chat_form_options: { pre_chat_fields: [field, field] } } });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/same name/);
  });
});

describe('starting a conversation through the form', () => {
  let site: { id: number; inbox_identifier: string };
  beforeAll(async () => {
    site = await createInbox(ctx, account, websiteChannel({ pre_chat_form_enabled: true, pre_chat_form_options: FORM }));
  });

  it.each([
    ['the email', {}, 'contact.email', /"Email"/],
    ['a contact attribute', { contact: { email: 'a1@example.com' } }, 'contact.custom_attributes.plan', /"Your plan"/],
    ['a conversation attribute', { contact: { email: 'a2@example.com', custom_attributes: { plan: 'pro' } } }, 'custom_attributes.topic', /"Topic"/],
    ['the email (blank)', { contact: { email: '  ', custom_attributes: { plan: 'pro' } }, custom_attributes: { topic: 'x' } }, 'contact.email', /"Email"/],
  ])('when %s required by the form is missing, then it answers 422 naming it and records nothing', async (_case, body, field, message) => {
    const visitor = await newVisitor(site);
    const res = await startChat(site, visitor.source_id, { ...body, message: { content: 'Hello' } });
    expect(res.status).toBe(422);
    expect(res.body.field).toBe(field);
    expect(res.body.error).toMatch(message);
    const conversations = await ctx.http.get(account.path(`/contacts/${visitor.id}/conversations`)).set(as(account.agentToken));
    expect(conversations.body.payload).toEqual([]);
  });

  it('when every required enabled field is answered, then the contact takes the contact fields, the conversation the conversation fields; disabled fields are not asked', async () => {
    const visitor = await newVisitor(site);
    const res = await startChat(site, visitor.source_id, {
      contact: { email: 'Form.Filler@example.com', custom_attributes: { plan: 'pro' } },
      custom_attributes: { topic: 'billing' },
      message: { content: 'Invoice question' },
    });
    expect(res.status).toBe(200);
    expect(res.body.custom_attributes).toEqual({ topic: 'billing' });
    const contact = await ctx.http.get(account.path(`/contacts/${visitor.id}`)).set(as(account.agentToken));
    expect(contact.body.payload).toMatchObject({ email: 'form.filler@example.com', custom_attributes: { plan: 'pro' } });
  });

  it('when the visitor\'s contact already holds a required contact field, then the form does not ask for it again', async () => {
    const visitor = await newVisitor(site);
    await startChat(site, visitor.source_id, { contact: { email: 'returning@example.com', custom_attributes: { plan: 'free' } }, custom_attributes: { topic: 'a' } }).expect(200);
    const again = await startChat(site, visitor.source_id, { custom_attributes: { topic: 'b' }, message: { content: 'Me again' } });
    expect(again.status).toBe(200);
    const withoutTopic = await startChat(site, visitor.source_id, { message: { content: 'And again' } });
    expect(withoutTopic.status).toBe(422);
    expect(withoutTopic.body.field).toBe('custom_attributes.topic');
  });

  it('when a returning visitor sends a required contact field blank (null or empty), then the value its contact holds answers it and is kept, not cleared', async () => {
    const visitor = await newVisitor(site);
    await startChat(site, visitor.source_id, { contact: { email: 'kept@example.com', custom_attributes: { plan: 'pro' } }, custom_attributes: { topic: 'a' } }).expect(200);
    const blank = await startChat(site, visitor.source_id, {
      contact: { email: '', custom_attributes: { plan: null } },
      custom_attributes: { topic: 'b' },
      message: { content: 'Blank answers' },
    });
    expect(blank.status).toBe(200);
    const contact = await ctx.http.get(account.path(`/contacts/${visitor.id}`)).set(as(account.agentToken));
    expect(contact.body.payload).toMatchObject({ email: 'kept@example.com', custom_attributes: { plan: 'pro' } });
    // With nothing held, a blank answer is still a missing one.
    const fresh = await newVisitor(site);
    const missing = await startChat(site, fresh.source_id, {
      contact: { email: 'fresh@example.com', custom_attributes: { plan: null } },
      custom_attributes: { topic: 'c' },
    });
    expect(missing.status).toBe(422);
    expect(missing.body.field).toBe('contact.custom_attributes.plan');
  });

  // From a black-box read: conversation attributes have no definitions here, so "abc" for a number field was stored.
  it('when a conversation field of the form is answered, then the answer is read by the field\'s type: "42" for a number is 42, a list\'s value as the list spells it, and "abc" a 422 naming it', async () => {
    const typed = await createInbox(ctx, account, websiteChannel({
      pre_chat_form_enabled: true,
      pre_chat_form_options: {
        pre_chat_message: 'Order help',
        pre_chat_fields: [
          { name: 'order_no', type: 'number', label: 'Order number', required: true, enabled: true, field_type: 'conversation_attribute' },
          { name: 'urgency', type: 'list', label: 'Urgency', required: false, enabled: true, field_type: 'conversation_attribute', values: ['Low', 'High'] },
          { name: 'callback', type: 'checkbox', label: 'Call me', required: false, enabled: false, field_type: 'conversation_attribute' },
        ],
      },
    }));
    const visitor = await newVisitor(typed);
    const refused = await startChat(typed, visitor.source_id, { custom_attributes: { order_no: 'abc' }, message: { content: 'Where is it?' } });
    expect([refused.status, refused.body.field]).toEqual([422, 'custom_attributes.order_no']);
    expect(refused.body.error).toContain('"Order number" (custom_attributes.order_no) is a number field');
    const badChoice = await startChat(typed, visitor.source_id, { custom_attributes: { order_no: 7, urgency: 'Panic' }, message: { content: 'Where is it?' } });
    expect([badChoice.status, badChoice.body.field]).toEqual([422, 'custom_attributes.urgency']);
    expect((await ctx.http.get(account.path(`/contacts/${visitor.id}/conversations`)).set(as(account.agentToken))).body.payload).toEqual([]);
    // A disabled field is not the form's: its answer is kept as given.
    const res = await startChat(typed, visitor.source_id, { custom_attributes: { order_no: ' 42 ', urgency: 'high', callback: 'maybe' }, message: { content: 'Where is it?' } });
    expect(res.status).toBe(200);
    expect(res.body.custom_attributes).toEqual({ order_no: 42, urgency: 'High', callback: 'maybe' });
  });

  // From a black-box read: such an answer was checked against nothing, and the first one defined the key by its JSON type:
  // "abc" for a number field was stored and made the key text, which then refused every visitor's number and the administrator's definition.
  it('when the form asks for contact attributes the account has not defined, then answers are read by each field\'s type and the first fitting one defines the attribute as the field says', async () => {
    const own = await ctx.createAccount();
    const site = await createInbox(ctx, own, websiteChannel({
      pre_chat_form_enabled: true,
      pre_chat_form_options: {
        pre_chat_message: 'About you',
        pre_chat_fields: [
          { name: 'score', type: 'number', label: 'Score', required: true, enabled: true, field_type: 'contact_attribute' },
          { name: 'agreed', type: 'checkbox', label: 'Agreed', required: false, enabled: true, field_type: 'contact_attribute' },
          { name: 'visit_on', type: 'date', label: 'Visit', required: false, enabled: true, field_type: 'contact_attribute' },
          { name: 'tier', type: 'list', label: 'Tier', required: false, enabled: true, field_type: 'contact_attribute', values: ['Basic', 'Gold'] },
        ],
      },
    }));
    const definitionsOf = async () =>
      (await ctx.http.get(own.path('/custom_attribute_definitions')).set(as(own.adminToken))).body.map((d: { attribute_key: string; attribute_display_type: string; attribute_values: string[] }) => [d.attribute_key, d.attribute_display_type, d.attribute_values]);

    const first = await createVisitor(ctx, site);
    const junk = await startChat(site, first.source_id, { contact: { custom_attributes: { score: 'abc', agreed: 'maybe' } }, message: { content: 'hi' } });
    expect([junk.status, junk.body.field]).toEqual([422, 'contact.custom_attributes.score']);
    expect(junk.body.error).toContain('"Score" (contact.custom_attributes.score) is a number field');
    expect(await definitionsOf()).toEqual([]);

    const fits = await startChat(site, first.source_id, { contact: { custom_attributes: { score: '33', agreed: 'on', visit_on: '2026-03-01', tier: 'gold' } }, message: { content: 'hi' } });
    expect(fits.status).toBe(200);
    const stored = (await ctx.http.get(own.path(`/contacts/${first.id}`)).set(as(own.adminToken))).body.payload.custom_attributes;
    expect(stored).toMatchObject({ score: 33, agreed: true, tier: 'Gold' });
    expect(await definitionsOf()).toEqual(expect.arrayContaining([['score', 'number', []], ['agreed', 'checkbox', []], ['visit_on', 'date', []], ['tier', 'list', ['Basic', 'Gold']]]));

    // The next visitor's number is a number's, and a blank optional answer is no answer (it was a 422 for a number).
    const second = await createVisitor(ctx, site);
    const next = await startChat(site, second.source_id, { contact: { custom_attributes: { score: 5, agreed: '' } }, message: { content: 'hello' } });
    expect(next.status).toBe(200);
    expect((await ctx.http.get(own.path(`/contacts/${second.id}`)).set(as(own.adminToken))).body.payload.custom_attributes).toEqual({ score: 5 });
  });

  it('when an optional conversation field is left blank, then it is no answer: not stored as ""', async () => {
    const site = await createInbox(ctx, account, websiteChannel({
      pre_chat_form_enabled: true,
      pre_chat_form_options: {
        pre_chat_message: 'Topic',
        pre_chat_fields: [{ name: 'topic', type: 'list', label: 'Topic', required: false, enabled: true, field_type: 'conversation_attribute', values: ['Billing', 'Tech'] }],
      },
    }));
    const visitor = await newVisitor(site);
    const res = await startChat(site, visitor.source_id, { custom_attributes: { topic: '', order: 'A-1' }, message: { content: 'hi' } });
    expect(res.status).toBe(200);
    expect(res.body.custom_attributes).toEqual({ order: 'A-1' });
  });

  it('when the first message carries the widget\'s timestamp and referer_url, then it is accepted; any other key of message is a 422 naming it', async () => {
    const site = await createInbox(ctx, account, websiteChannel());
    const visitor = await newVisitor(site);
    const widget = await startChat(site, visitor.source_id, { message: { content: 'hi', timestamp: 'Sat Dec 05 2026 15:00:00 GMT+0000', referer_url: 'https://shop.example/cart', echo_id: 'e-1' } });
    expect([widget.status, widget.body.messages[0].content]).toEqual([200, 'hi']);
    const extra = await startChat(site, visitor.source_id, { message: { content: 'hi', extra: 1 } });
    expect([extra.status, extra.body.field]).toEqual([422, 'message.extra']);
  });

  it('when the form is switched off, then its required fields are not enforced', async () => {
    const relaxed = await createInbox(ctx, account, websiteChannel({ pre_chat_form_enabled: false, pre_chat_form_options: FORM }));
    const visitor = await newVisitor(relaxed);
    expect((await startChat(relaxed, visitor.source_id, { message: { content: 'No form' } })).status).toBe(200);
  });
});
