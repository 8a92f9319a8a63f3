import { startTestContext, testConfig, waitFor, type TestAccount, type TestContext } from '../support/context';
import { buildContact, createContact } from '../support/factories';
import { document, documentedOperations, exercised, expectAcceptedBodyMatchesDocument, expectMatchesDocument, type Method } from './document-support';

/*
 * Real requests against the real services, each response validated against the document's
 * schema for its operation and status. The last test insists that every documented operation
 * was exercised here, so a new operation needs a request below as well as its documentation.
 */

let ctx: TestContext;
let account: TestAccount;

const A = '/api/v1/accounts/{account_id}';
const P = '/public/api/v1/inboxes/{inbox_identifier}';

beforeAll(async () => {
  // One delivery attempt: the email inbox below points at a closed port, and the test needs only the queued message.
  ctx = await startTestContext({ config: testConfig({ DELIVERY_ATTEMPTS: '1', DELIVERY_BACKOFF_MS: '10', DELIVERY_TIMEOUT_MS: '500' }) });
  account = await ctx.createAccount();
});
afterAll(() => ctx.close());

interface CallOptions {
  params?: Record<string, string | number>;
  query?: string;
  body?: object;
  /** The api_access_token to send; the administrator's by default on account routes, none elsewhere. */
  token?: string | null;
  attach?: { field: string; content: string; fileName: string };
  rawBody?: string;
  /** The content type of rawBody; application/json by default. */
  contentType?: string;
}

/** Sends a request to the operation (template filled from params) and validates the response (and a body it took) against the document. */
async function call(method: Method, template: string, options: CallOptions = {}) {
  const params: Record<string, string | number> = { account_id: account.id, ...options.params };
  const url = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (params[name] === undefined) throw new Error(`no value for {${name}} in ${template}`);
    return encodeURIComponent(String(params[name]));
  });
  let req = ctx.http[method](options.query ? `${url}?${options.query}` : url);
  const token = options.token === undefined ? (template.startsWith('/api/v1/accounts/') ? account.adminToken : null) : options.token;
  if (token) req = req.set('api_access_token', token);
  if (options.attach) req = req.attach(options.attach.field, Buffer.from(options.attach.content, 'utf8'), options.attach.fileName);
  else if (options.rawBody !== undefined) req = req.set('content-type', options.contentType ?? 'application/json').send(options.rawBody);
  else if (options.body) req = req.send(options.body);
  const res = await req;
  expectMatchesDocument(method, template, res);
  // A body the service took must be one the document allows.
  if (res.status < 300 && !options.attach && options.rawBody === undefined) expectAcceptedBodyMatchesDocument(method, template, options.body);
  return res;
}

const condition = (attribute_key: string, filter_operator: string, values: unknown[]) => ({ attribute_key, filter_operator, values, query_operator: null });

describe('service routes', () => {
  it('when /health, /metrics and /api/openapi.json are fetched, then each answers as documented', async () => {
    expect((await call('get', '/health')).body).toEqual({ status: 'ok' });
    expect((await call('get', '/metrics')).text).toMatch(/# HELP/);
    expect((await call('get', '/api/openapi.json')).body.openapi).toBe('3.1.0');
  });
});

describe('contacts', () => {
  let id: number;

  it('when a contact is created, shown, updated (PATCH and PUT), then each response matches', async () => {
    const created = await call('post', `${A}/contacts`, {
      body: buildContact({ phone_number: '+14155550100', city: 'Lima', custom_attributes: { plan: 'pro' }, last_activity_at: 1600000000 }),
    });
    expect(created.status).toBe(200);
    id = created.body.payload.contact.id;
    expect((await call('get', `${A}/contacts/{id}`, { params: { id } })).body.payload.id).toBe(id);
    expect((await call('patch', `${A}/contacts/{id}`, { params: { id }, body: { name: 'Patched' } })).body.payload.name).toBe('Patched');
    expect((await call('put', `${A}/contacts/{id}`, { params: { id }, body: { blocked: true } })).body.payload.blocked).toBe(true);
    // An update without a body changes nothing, and is no error.
    expect((await call('patch', `${A}/contacts/{id}`, { params: { id } })).body.payload.blocked).toBe(true);
    const dropped = await call('post', `${A}/contacts/{id}/destroy_custom_attributes`, { params: { id }, body: { custom_attributes: ['gone'] } });
    expect(dropped.body.payload.custom_attributes).toEqual({ plan: 'pro' });
    expect((await call('delete', `${A}/contacts/{id}/avatar`, { params: { id } })).body.payload.thumbnail).toBe('');
  });

  it('when contacts are listed, listed by label, searched, then the pages match ContactList', async () => {
    await call('post', `${A}/contacts/{id}/labels`, { params: { id }, body: { labels: ['vip'] } });
    await ctx.settle(account.id);
    await createContact(ctx, account);
    await ctx.settle(account.id);
    const list = await call('get', `${A}/contacts`, { query: 'per_page=1&sort=-created_at' });
    expect(list.body.payload).toHaveLength(1);
    expect(typeof list.body.meta.next_cursor).toBe('string');
    const byLabel = await call('get', `${A}/contacts`, { query: 'labels=vip' });
    expect(byLabel.body.payload.map((c: { id: number }) => c.id)).toEqual([id]);
    const searched = await call('get', `${A}/contacts/search`, { query: 'q=Patched' });
    expect(searched.body.meta.count).toBe(1);
    expect((await call('get', `${A}/contacts/active`)).body.payload).toEqual([]);
    // A cursor page: current_page is null.
    const cursor = await call('get', `${A}/contacts`, { query: `per_page=1&sort=-created_at&after=${encodeURIComponent(list.body.meta.next_cursor)}` });
    expect(cursor.status).toBe(200);
    expect(cursor.body.meta.current_page).toBeNull();
  });

  it('when two contacts are merged, then the base contact is answered bare', async () => {
    const base = await createContact(ctx, account);
    const mergee = await createContact(ctx, account, { phone_number: '+14155550111' });
    const res = await call('post', `${A}/actions/contact_merge`, { body: { base_contact_id: base.id, mergee_contact_id: mergee.id } });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(base.id);
  });

  it('when a contact is deleted, then it answers the empty object', async () => {
    const doomed = await createContact(ctx, account);
    expect((await call('delete', `${A}/contacts/{id}`, { params: { id: doomed.id } })).body).toEqual({});
  });
});

describe("inputs in Chatwoot's other spellings", () => {
  it('when a body the service takes is sent wrapped or with the numbers and empty strings Chatwoot clients send, then the document allows it too', async () => {
    const site = (await call('post', `${A}/inboxes`, { body: { name: 'Spellings', channel: { type: 'web_widget', website_url: 'https://spellings.example' } } })).body;
    expect((await call('post', `${A}/contacts`, { body: { name: 'Numeric id', identifier: 4711, inbox_id: '' } })).body.payload.contact.identifier).toBe('4711');
    expect((await call('post', `${A}/contacts`, { body: { name: 'Inbox id as text', inbox_id: String(site.id), source_id: '' } })).status).toBe(200);
    const label = await call('post', `${A}/labels`, { body: { label: { title: 'wrapped' } } });
    expect(label.body.title).toBe('wrapped');
    const definition = await call('post', `${A}/custom_attribute_definitions`, {
      body: { custom_attribute_definition: { attribute_key: 'seats', attribute_display_name: 'Seats', attribute_display_type: 1, attribute_model: 1 } },
    });
    expect(definition.body.attribute_display_type).toBe('number');
    const segment = await call('post', `${A}/custom_filters`, { body: { name: 'Numbered', filter_type: 1, query: { payload: [condition('email', 'contains', ['x'])] } } });
    expect(segment.body.filter_type).toBe('contact');
    const exported = await call('post', `${A}/contacts/export`, { body: { column_names: 'name,email', label: '' } });
    expect(exported.status).toBe(200);
    await call('delete', `${A}/inboxes/{id}`, { params: { id: site.id } });
  });
});

describe('labels', () => {
  it('when labels are created, listed, shown, updated, deleted and set on a contact, then each response matches', async () => {
    const label = await call('post', `${A}/labels`, { body: { title: 'Gold', description: 'big spenders', color: '#aabbcc' } });
    expect(label.body.title).toBe('gold');
    const id = label.body.id;
    expect((await call('get', `${A}/labels`)).body.payload.length).toBeGreaterThan(0);
    expect((await call('get', `${A}/labels/{id}`, { params: { id } })).body.id).toBe(id);
    expect((await call('patch', `${A}/labels/{id}`, { params: { id }, body: { show_on_sidebar: false } })).body.show_on_sidebar).toBe(false);
    expect((await call('put', `${A}/labels/{id}`, { params: { id }, body: { label: { description: 'by put' } } })).body.description).toBe('by put');
    const contact = await createContact(ctx, account);
    expect((await call('post', `${A}/contacts/{id}/labels`, { params: { id: contact.id }, body: { labels: ['gold', 'New'] } })).body.payload).toEqual(['gold', 'new']);
    expect((await call('get', `${A}/contacts/{id}/labels`, { params: { id: contact.id } })).body.payload).toEqual(['gold', 'new']);
    expect((await call('delete', `${A}/labels/{id}`, { params: { id } })).body).toEqual({});
  });
});

describe('custom attribute definitions', () => {
  it('when definitions are created, listed, shown, updated (PATCH and PUT) and deleted, then each response matches', async () => {
    const path = `${A}/custom_attribute_definitions`;
    const created = await call('post', path, {
      body: { attribute_key: 'tier', attribute_display_name: 'Tier', attribute_display_type: 'list', attribute_values: ['a', 'b'], attribute_model: 'contact_attribute' },
    });
    const id = created.body.id;
    // The contact created above with custom_attributes.plan defined `plan` on the fly.
    expect((await call('get', path, { query: 'attribute_model=contact_attribute' })).body.map((d: { attribute_key: string }) => d.attribute_key)).toEqual(
      expect.arrayContaining(['plan', 'tier']),
    );
    expect((await call('get', `${path}/{id}`, { params: { id } })).body.attribute_key).toBe('tier');
    expect((await call('patch', `${path}/{id}`, { params: { id }, body: { attribute_description: 'the plan tier' } })).body.attribute_description).toBe('the plan tier');
    expect((await call('put', `${path}/{id}`, { params: { id }, body: { attribute_values: ['a', 'b', 'c'] } })).body.attribute_values).toEqual(['a', 'b', 'c']);
    expect((await call('delete', `${path}/{id}`, { params: { id } })).status).toBe(204);
  });
});

describe('filters and segments', () => {
  const payload = [condition('email', 'contains', ['example.com'])];

  it('when a filter is run and a segment is created, listed (with and without counts), shown, updated, run and deleted, then each response matches', async () => {
    await ctx.settle(account.id);
    const filtered = await call('post', `${A}/contacts/filter`, { query: 'per_page=2', body: { payload } });
    expect(filtered.body.meta.count).toBeGreaterThan(0);
    // Paging as digits in the body, as Rails reads it: the document said integer only.
    const paged = await call('post', `${A}/contacts/filter`, { body: { payload, page: '1', per_page: ' 2 ' } });
    expect(paged.body.meta).toMatchObject({ current_page: 1 });
    expect(paged.body.payload).toHaveLength(Math.min(2, filtered.body.meta.count));

    const created = await call('post', `${A}/custom_filters`, { body: { custom_filter: { name: 'Example people', filter_type: 'contact', query: { payload } } } });
    const id = created.body.id;
    expect((await call('get', `${A}/custom_filters`)).body.map((s: { id: number }) => s.id)).toContain(id);
    const counted = await call('get', `${A}/custom_filters`, { query: 'filter_type=contact&with_counts=true' });
    expect(counted.body.find((s: { id: number }) => s.id === id).count).toBeGreaterThan(0);
    expect((await call('get', `${A}/custom_filters/{id}`, { params: { id } })).body.name).toBe('Example people');
    expect((await call('patch', `${A}/custom_filters/{id}`, { params: { id }, body: { name: 'Renamed' } })).body.name).toBe('Renamed');
    expect((await call('put', `${A}/custom_filters/{id}`, { params: { id }, body: { custom_filter: { query: { payload } } } })).body.name).toBe('Renamed');
    const run = await call('get', `${A}/custom_filters/{id}/contacts`, { params: { id }, query: 'per_page=2' });
    expect(run.body.payload.length).toBeGreaterThan(0);
    expect((await call('delete', `${A}/custom_filters/{id}`, { params: { id } })).status).toBe(204);
  });
});

describe('bulk actions', () => {
  it('when a filter of few contacts is labelled inline (200) and more than 100 ids are queued (202), then both and the progress match', async () => {
    const contact = await createContact(ctx, account);
    const inline = await call('post', `${A}/bulk_actions`, { body: { type: 'Contact', ids: [contact.id], labels: { add: ['bulk'] } } });
    expect(inline.status).toBe(200);
    expect(inline.body.status).toBe('completed');
    await ctx.settle(account.id);
    const filtered = await call('post', `${A}/bulk_actions`, { body: { type: 'Contact', payload: [condition('email', 'contains', ['example.com'])], labels: { add: ['everyone'] } } });
    expect(filtered.status).toBe(200);
    const ids = [contact.id, ...Array.from({ length: 100 }, (_, i) => 900000000 + i)];
    const queued = await call('post', `${A}/bulk_actions`, { body: { type: 'Contact', ids, labels: { add: ['everyone'] } } });
    expect(queued.status).toBe(202);
    await waitFor(async () => (await call('get', `${A}/bulk_actions/{id}`, { params: { id: queued.body.id } })).body.status === 'completed', 'the bulk action');
  });
});

describe('notes', () => {
  it('when a note is written, listed, shown, edited (PATCH and PUT) and deleted, then each response matches', async () => {
    const contact = await createContact(ctx, account);
    const params = { id: contact.id };
    const created = await call('post', `${A}/contacts/{id}/notes`, { params, body: { content: 'Called, **interested**.' } });
    expect(created.body.user).toEqual(expect.objectContaining({ name: 'Admin', role: 'administrator' }));
    const noteParams = { ...params, note_id: created.body.id };
    expect((await call('get', `${A}/contacts/{id}/notes`, { params })).body).toHaveLength(1);
    expect((await call('get', `${A}/contacts/{id}/notes/{note_id}`, { params: noteParams })).body.content).toBe('Called, **interested**.');
    expect((await call('patch', `${A}/contacts/{id}/notes/{note_id}`, { params: noteParams, body: { content: 'v2' } })).body.content).toBe('v2');
    expect((await call('put', `${A}/contacts/{id}/notes/{note_id}`, { params: noteParams, body: { content: 'v3' } })).body.content).toBe('v3');
    expect((await call('delete', `${A}/contacts/{id}/notes/{note_id}`, { params: noteParams })).body).toEqual({});
  });
});

describe('inboxes, outbound messages and the public website API', () => {
  let site: { id: number; inbox_identifier: string };

  it('when inboxes of every channel type are created, listed, shown, updated, reset and deleted, then each response matches', async () => {
    site = (await call('post', `${A}/inboxes`, { body: { name: 'Site', channel: { type: 'web_widget', website_url: 'https://shop.example' } } })).body;
    expect(site).toEqual(expect.objectContaining({ channel_type: 'Channel::WebWidget' }));
    const email = await call('post', `${A}/inboxes`, {
      body: { name: 'Mail', channel: { type: 'email', email: 'support@shop.example', smtp_address: '127.0.0.1', smtp_port: 1, smtp_password: 'a-long-smtp-password' } },
    });
    expect(email.body.smtp_password).toBe('a-long-smtp-password'.replace(/^.*(.{4})$/, '********$1'));
    const sms = await call('post', `${A}/inboxes`, {
      body: { name: 'Sms', channel: { type: 'sms', provider_url: 'http://127.0.0.1:1', account_sid: 'AC1', auth_token: 'token', phone_number: '+15550001111' } },
    });
    const whatsapp = await call('post', `${A}/inboxes`, {
      body: { name: 'Wa', channel: { type: 'whatsapp', provider_url: 'http://127.0.0.1:1', api_key: 'key', phone_number_id: '1', phone_number: '+15550002222' } },
    });
    expect((await call('get', `${A}/inboxes`, { token: account.agentToken })).body.payload).toHaveLength(4);
    expect((await call('get', `${A}/inboxes/{id}`, { params: { id: email.body.id } })).body.channel_type).toBe('Channel::Email');
    expect((await call('patch', `${A}/inboxes/{id}`, { params: { id: sms.body.id }, body: { name: 'Texts' } })).body.name).toBe('Texts');
    expect((await call('put', `${A}/inboxes/{id}`, { params: { id: sms.body.id }, body: { name: 'SMS' } })).body.name).toBe('SMS');
    expect((await call('post', `${A}/inboxes/{id}/reset_hmac_token`, { params: { id: site.id } })).body.hmac_token).toMatch(/^[^*]/);
    expect((await call('delete', `${A}/inboxes/{id}`, { params: { id: whatsapp.body.id } })).body).toEqual({});
  });

  it('when a contact is created in an inbox and a pre-chat form is set, then the contact inbox, the inbox and the visitor\'s contact match', async () => {
    const form = {
      pre_chat_form_enabled: true,
      pre_chat_form_options: { pre_chat_message: 'Hi', pre_chat_fields: [{ name: 'plan', type: 'text', label: 'Plan', required: true, enabled: true, field_type: 'contact_attribute' }] },
    };
    const formSite = await call('patch', `${A}/inboxes/{id}`, { params: { id: site.id }, body: { channel: form } });
    expect(formSite.body).toEqual(expect.objectContaining(form));
    const created = await call('post', `${A}/contacts`, { body: buildContact({ inbox_id: site.id, avatar_url: 'https://cdn.example/a.png', additional_attributes: { social_profiles: { twitter: 'ana' } } }) });
    expect(created.body.payload.contact_inbox).toEqual({ source_id: expect.any(String), inbox: expect.objectContaining({ id: site.id }) });
    const visitorParams = { inbox_identifier: site.inbox_identifier, source_id: created.body.payload.contact_inbox.source_id };
    expect((await call('get', `${P}/contacts/{source_id}`, { params: visitorParams })).status).toBe(200);
    const shown = await call('get', `${A}/contacts/{id}`, { params: { id: created.body.payload.contact.id } });
    expect(shown.body.payload).toEqual(expect.objectContaining({ availability_status: 'online', thumbnail: 'https://cdn.example/a.png' }));
    const refused = await call('post', `${P}/contacts/{source_id}/conversations`, { params: visitorParams, body: { message: { content: 'no plan' } } });
    expect(refused.status).toBe(422);
    await call('patch', `${A}/inboxes/{id}`, { params: { id: site.id }, body: { channel: { pre_chat_form_enabled: false } } });
  });

  it('when a message is sent to a contact by email, then the conversation, the contactable inboxes and the conversation list match', async () => {
    const contact = await createContact(ctx, account);
    const reachable = await call('get', `${A}/contacts/{id}/contactable_inboxes`, { params: { id: contact.id } });
    const mail = reachable.body.payload.find((entry: { inbox: { channel_type: string } }) => entry.inbox.channel_type === 'Channel::Email');
    expect(mail.source_id).toBe(contact.email);
    const linked = await call('post', `${A}/contacts/{id}/contact_inboxes`, { params: { id: contact.id }, body: { inbox_id: mail.inbox.id } });
    expect(linked.body).toEqual(expect.objectContaining({ source_id: contact.email }));
    const started = await call('post', `${A}/conversations`, { body: { inbox_id: mail.inbox.id, contact_id: contact.id, message: { content: 'Hello' } } });
    expect(started.body.messages[0]).toEqual(expect.objectContaining({ content: 'Hello', message_type: 1 }));
    // The SMTP port is closed: the delivery fails, and the failed message (with its external_error) must match too.
    await waitFor(async () => {
      const list = await call('get', `${A}/contacts/{id}/conversations`, { params: { id: contact.id } });
      return list.body.payload[0].messages[0].status === 'failed';
    }, 'the delivery to fail');
    const shown = await call('get', `${A}/conversations/{id}`, { params: { id: started.body.id } });
    expect(shown.body.messages[0].status).toBe('failed');
    const messages = await call('get', `${A}/conversations/{id}/messages`, { params: { id: started.body.id } });
    expect(messages.body.payload[0].content_attributes.external_error).toEqual(expect.any(String));
    const retried = await call('post', `${A}/conversations/{conversation_id}/messages/{id}/retry`, { params: { conversation_id: started.body.id, id: started.body.messages[0].id } });
    expect(retried.body.messages[0].status).toBe('queued');
  });

  it('when a visitor is created, shown, updated (PATCH and PUT), starts a conversation and leaves an email, then each public response matches', async () => {
    const params = { inbox_identifier: site.inbox_identifier };
    const visitor = await call('post', `${P}/contacts`, { params, body: { name: 'Visitor' } });
    const visitorParams = { ...params, source_id: visitor.body.source_id };
    const notCsv = await call('post', `${A}/contacts/import`, { attach: { field: 'import_file', content: '{}', fileName: 'people.json' } });
    expect(notCsv.status).toBe(415);
    expect((await call('get', `${P}/contacts/{source_id}`, { params: visitorParams })).body).toEqual(visitor.body);
    expect((await call('patch', `${P}/contacts/{source_id}`, { params: visitorParams, body: { phone_number: '+14155550177' } })).body.phone_number).toBe('+14155550177');
    expect((await call('put', `${P}/contacts/{source_id}`, { params: visitorParams, body: { name: 'Vee' } })).body.name).toBe('Vee');
    const conversation = await call('post', `${P}/contacts/{source_id}/conversations`, {
      params: visitorParams,
      body: { contact: { email: 'vee@visitor.example' }, message: { content: 'Hi there' } },
    });
    expect(conversation.body.contact.id).toBe(visitor.body.id);
    const collected = await call('post', `${P}/contacts/{source_id}/email_collect`, { params: visitorParams, body: { email: 'vee@visitor.example' } });
    expect(collected.body.email).toBe('vee@visitor.example');
    const conversations = await call('get', `${P}/contacts/{source_id}/conversations`, { params: visitorParams });
    expect(conversations.body[0].id).toBe(conversation.body.id);
    const messages = await call('get', `${P}/contacts/{source_id}/conversations/{conversation_id}/messages`, { params: { ...visitorParams, conversation_id: conversation.body.id } });
    expect(messages.body[0]).toEqual(expect.objectContaining({ content: 'Hi there', message_type: 0 }));
    const unsigned = await call('patch', `${P}/contacts/{source_id}`, { params: visitorParams, body: { identifier: 'user-unsigned' } });
    expect(unsigned.status).toBe(401);
  });
});

describe('people: agents, sign-in and profile', () => {
  it('when an agent is added, listed, changed, signs in, reads and changes its profile, resets and revokes its token, signs out and is removed, then each response matches', async () => {
    const added = await call('post', `${A}/agents`, { body: { name: 'Doc Agent', email: `doc-agent-${Date.now()}@people.test` } });
    const id = added.body.id;
    expect(typeof added.body.password).toBe('string');
    expect((await call('get', `${A}/agents`)).body.length).toBeGreaterThan(1);
    expect((await call('patch', `${A}/agents/{id}`, { params: { id }, body: { role: 'administrator' } })).body.role).toBe('administrator');
    expect((await call('put', `${A}/agents/{id}`, { params: { id }, body: { role: 'agent' } })).body.role).toBe('agent');
    const signedIn = await call('post', '/auth/sign_in', { body: { email: added.body.email, password: added.body.password } });
    const session = signedIn.body.data.access_token;
    expect((await call('get', '/api/v1/profile', { token: session })).body.id).toBe(id);
    expect((await call('patch', '/api/v1/profile', { token: session, body: { name: 'Doc' } })).body.name).toBe('Doc');
    expect((await call('put', '/api/v1/profile', { token: session, body: { profile: { name: 'Doc Two' } } })).body.name).toBe('Doc Two');
    const reset = await call('post', '/api/v1/profile/reset_access_token', { token: session });
    expect(typeof reset.body.access_token).toBe('string');
    expect((await call('delete', '/api/v1/profile/access_token', { token: reset.body.access_token })).body).toEqual({});
    expect((await call('delete', '/auth/sign_out', { token: session })).body).toEqual({ success: true });
    expect((await call('get', '/api/v1/profile', { token: session })).status).toBe(401);
    expect((await call('post', '/auth/sign_in', { body: { email: added.body.email, password: 'not the password' } })).status).toBe(401);
    expect((await call('delete', `${A}/agents/{id}`, { params: { id } })).body).toEqual({});
  });
});

describe('import and export', () => {
  it('when a CSV is uploaded, then the import, its progress, the list and the rejected rows CSV match', async () => {
    const csv = 'name,email\nAna,ana@import.example\nBad,not-an-email\n';
    const started = await call('post', `${A}/contacts/import`, { attach: { field: 'import_file', content: csv, fileName: 'people.csv' } });
    const id = started.body.payload.id;
    await waitFor(async () => (await call('get', `${A}/contacts/imports/{id}`, { params: { id } })).body.payload.status === 'completed', 'the import');
    const list = await call('get', `${A}/contacts/imports`, { query: 'per_page=10' });
    expect(list.body.payload[0]).toEqual(expect.objectContaining({ id, created: 1, rejected: 1 }));
    const rejected = await call('get', `${A}/contacts/imports/{id}/rejected`, { params: { id } });
    expect(rejected.text).toMatch(/not-an-email/);
  });

  it('when contacts are exported, then the answer is the documented CSV', async () => {
    await ctx.settle(account.id);
    const res = await call('post', `${A}/contacts/export`, { body: { column_names: ['name', 'email'] } });
    expect(res.status).toBe(200);
    expect(res.text.split('\n')[0]).toMatch(/name/);
    // Without a body: every contact, the default columns; so the body is not required.
    expect((await call('post', `${A}/contacts/export`)).status).toBe(200);
  });
});

describe('errors', () => {
  it('when a request fails, then the error body matches the documented Error for its status', async () => {
    expect((await call('get', `${A}/contacts`, { token: null })).status).toBe(401);
    expect((await call('delete', `${A}/labels/{id}`, { params: { id: 1 }, token: account.agentToken })).status).toBe(403);
    expect((await call('get', `${A}/contacts/{id}`, { params: { id: 999999999 } })).status).toBe(404);
    const invalid = await call('post', `${A}/contacts`, { body: { email: 'nope' } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.field).toBe('email');
    expect((await call('post', `${A}/contacts`, { rawBody: '{"name":' })).status).toBe(400);
    expect((await call('get', `${P}/contacts/{source_id}`, { params: { inbox_identifier: 'no-such-inbox', source_id: 'x' } })).status).toBe(404);
  });

  it('when a JSON route is sent another content type or a body over the limit, then its 415 and 413 are declared', async () => {
    const notJson = await call('post', `${A}/contacts`, { rawBody: '{"name":"x"}', contentType: 'text/plain' });
    expect(notJson.status).toBe(415);
    const site = (await call('post', `${A}/inboxes`, { body: { name: 'Site 415', channel: { type: 'web_widget', website_url: 'https://415.example' } } })).body;
    expect((await call('post', `${P}/contacts`, { params: { inbox_identifier: site.inbox_identifier }, rawBody: '{"name":"x"}', contentType: 'text/plain' })).status).toBe(415);
    expect((await call('post', `${A}/labels`, { rawBody: 'title=x', contentType: 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await call('patch', '/api/v1/profile', { token: account.agentToken, rawBody: 'name=x', contentType: 'text/plain' })).status).toBe(415);
    const tooLarge = await call('post', `${A}/contacts`, { rawBody: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }) });
    expect(tooLarge.status).toBe(413);
  });

  it('when any route, one without a body included, is sent a JSON body that is broken or over the limit, then its 400, 413 and 415 are declared (the body is parsed before routing)', async () => {
    expect((await call('get', '/health', { rawBody: '{"broken":' })).status).toBe(400);
    expect((await call('get', `${A}/labels`, { rawBody: '{}', contentType: 'application/json; charset=latin2' })).status).toBe(415);
    expect((await call('get', '/health', { rawBody: '{}', contentType: 'application/json; charset=latin2' })).status).toBe(415);
    expect((await call('get', '/metrics', { rawBody: JSON.stringify({ big: 'x'.repeat(2 * 1024 * 1024) }) })).status).toBe(413);
    expect((await call('get', `${A}/contacts`, { rawBody: JSON.stringify({ big: 'x'.repeat(2 * 1024 * 1024) }) })).status).toBe(413);
    expect((await call('delete', '/auth/sign_out', { rawBody: JSON.stringify({ big: 'x'.repeat(2 * 1024 * 1024) }) })).status).toBe(413);
  });

  it('when a write races another (an email whose user another request is creating right now), then the 409 is declared', async () => {
    const email = `racing-${Date.now()}@people.test`;
    // What a concurrent POST /agents leaves between taking the email and writing its user.
    await ctx.deps.models.userEmails.create({ _id: email, user_id: 999999999, created_at: new Date() });
    const raced = await call('post', `${A}/agents`, { body: { name: 'Racer', email } });
    expect(raced.status).toBe(409);
  });

  it("when an agent edits or deletes another user's note, or bulk-deletes contacts, then the 403 is declared", async () => {
    const contact = await createContact(ctx, account);
    const note = await call('post', `${A}/contacts/{id}/notes`, { params: { id: contact.id }, body: { content: "the administrator's" } });
    const params = { id: contact.id, note_id: note.body.id };
    expect((await call('patch', `${A}/contacts/{id}/notes/{note_id}`, { params, token: account.agentToken, body: { content: 'mine now' } })).status).toBe(403);
    expect((await call('put', `${A}/contacts/{id}/notes/{note_id}`, { params, token: account.agentToken, body: { content: 'mine now' } })).status).toBe(403);
    expect((await call('delete', `${A}/contacts/{id}/notes/{note_id}`, { params, token: account.agentToken })).status).toBe(403);
    const bulkDelete = await call('post', `${A}/bulk_actions`, { token: account.agentToken, body: { type: 'Contact', ids: [contact.id], action_name: 'delete' } });
    expect(bulkDelete.status).toBe(403);
  });

  it('when a status is not declared for an operation, then the check fails', () => {
    expect(() => expectMatchesDocument('get', `${A}/labels`, { status: 201, body: {}, headers: { 'content-type': 'application/json' } })).toThrow(/does not declare/);
    expect(() =>
      expectMatchesDocument('get', `${A}/labels/{id}`, { status: 200, body: { id: 1, title: 'x', description: null, color: '#000000', show_on_sidebar: true, extra: 1 }, headers: { 'content-type': 'application/json' } }),
    ).toThrow(/does not match/);
    // A client error is declared by its own status: `default` stands for the server's failures.
    expect(() => expectMatchesDocument('get', `${A}/labels`, { status: 409, body: { error: 'x' }, headers: { 'content-type': 'application/json' } })).toThrow(/does not declare/);
    expect(() => expectMatchesDocument('get', `${A}/labels`, { status: 500, body: { error: 'x', message: 'x' }, headers: { 'content-type': 'application/json' } })).not.toThrow();
    // Declared headers must come.
    expect(() => expectMatchesDocument('post', '/auth/sign_in', { status: 429, body: { error: 'x' }, headers: { 'content-type': 'application/json' } })).toThrow(/lacks the Retry-After header/);
  });
});

describe('coverage of this file', () => {
  it('when every test above has run, then every documented operation had a real response validated', () => {
    expect(documentedOperations(document).filter((op) => !exercised.has(op))).toEqual([]);
  });
});
