import { createHmac } from 'node:crypto';
import { waitFor, withTestAccount, type TestAccount, type TestContext } from '../support/context';
import { createInbox, createVisitor, visitorsPath, websiteChannel } from '../support/inboxes';

let ctx: TestContext;
let account: TestAccount;
let site: { id: number; inbox_identifier: string; hmac_token?: string };

withTestAccount((c, a) => {
  ctx = c;
  account = a;
});
beforeAll(async () => {
  site = await createInbox(ctx, account, websiteChannel(), 'Shop');
});

const as = (token: string) => ({ api_access_token: token });
const widget = (sourceId: string, suffix = '', inbox = site) => visitorsPath(inbox, `/${sourceId}${suffix}`);
const sign = (identifier: string) => createHmac('sha256', site.hmac_token!).update(identifier).digest('hex');
const visitor = (body: object = {}) => createVisitor(ctx, site, body);

const verifiedVisitor = (identifier: string) => visitor({ identifier, identifier_hash: sign(identifier) });
const sendToContact = (contactId: number, content: string) =>
  ctx.http.post(account.path('/conversations')).set(as(account.agentToken)).send({ inbox_id: site.id, contact_id: contactId, message: { content } });

describe("the visitor's widget reads its messages", () => {
  it('when an agent writes to an HMAC-verified visitor, then the widget finds the conversation and reads the message, as sent', async () => {
    const me = await verifiedVisitor(`user-${Date.now()}`);
    const sent = await sendToContact(me.id, 'Your order has shipped.');
    expect(sent.status).toBe(200);
    const conversationId = sent.body.id as number;

    const list = await ctx.http.get(widget(me.source_id, '/conversations'));
    expect(list.status).toBe(200);
    expect(list.body).toEqual([expect.objectContaining({ id: conversationId, inbox_id: site.id, status: 'open' })]);
    // Chatwoot's public conversation: its uuid, its last-seen times (0: not tracked), its contact.
    expect(list.body[0]).toMatchObject({ uuid: sent.body.uuid, contact_last_seen_at: 0, agent_last_seen_at: 0, contact: { id: me.id, source_id: me.source_id } });

    let messages: { content: string; message_type: number; conversation_id: number }[] = [];
    await waitFor(async () => {
      const res = await ctx.http.get(widget(me.source_id, `/conversations/${conversationId}/messages`));
      messages = res.body;
      return res.status === 200 && messages.length === 1;
    }, 'the message to be readable');
    expect(messages[0]).toMatchObject({ content: 'Your order has shipped.', message_type: 1, content_type: 'text', conversation_id: conversationId });
    expect(Object.keys(messages[0]).sort()).toEqual(['content', 'content_attributes', 'content_type', 'conversation_id', 'created_at', 'id', 'message_type', 'sender']);
    // Who wrote it, as Chatwoot's public message says (the widget shows the agent's name): no email.
    expect(messages[0]).toMatchObject({ sender: { id: sent.body.messages[0].sender_id, name: 'Agent', available_name: 'Agent', type: 'user' } });
    expect(messages[0]).not.toHaveProperty('sender.email');
    expect(list.body[0].messages).toEqual(messages);
    // The delivery marks it sent: recording is what delivers to the widget.
    await waitFor(async () => (await ctx.deps.models.messages.findById(sent.body.messages[0].id).lean())?.status === 'sent', 'the website message to be marked sent');
  });

  it("when another visitor asks for that conversation, then it is a 404, and its own list does not show it; nor does another inbox's identifier", async () => {
    const me = await verifiedVisitor(`owner-${Date.now()}`);
    const conversationId = (await sendToContact(me.id, 'for your eyes only')).body.id as number;
    const stranger = await visitor({ name: 'Stranger' });
    const res = await ctx.http.get(widget(stranger.source_id, `/conversations/${conversationId}/messages`));
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toContain('for your eyes only');
    expect((await ctx.http.get(widget(stranger.source_id, '/conversations'))).body).toEqual([]);

    const otherSite = await createInbox(ctx, account, websiteChannel(), 'Other shop');
    expect((await ctx.http.get(widget(me.source_id, `/conversations/${conversationId}/messages`, otherSite))).status).toBe(404);
    expect((await ctx.http.get(widget('no-such-source', `/conversations/${conversationId}/messages`))).status).toBe(404);
    expect((await ctx.http.get(widget(me.source_id, '/conversations/999999999/messages'))).status).toBe(404);
  });

  it('when the same person is verified on a second visitor, then the first keeps its conversation and the second does not read it', async () => {
    const identifier = `two-devices-${Date.now()}`;
    const first = await verifiedVisitor(identifier);
    const conversationId = (await sendToContact(first.id, 'hello first device')).body.id as number;
    const second = await verifiedVisitor(identifier);
    expect(second.id).toBe(first.id);
    expect((await ctx.http.get(widget(second.source_id, `/conversations/${conversationId}/messages`))).status).toBe(404);
    expect((await ctx.http.get(widget(first.source_id, `/conversations/${conversationId}/messages`))).status).toBe(200);
  });

  it('when a visitor starts a conversation with the pre-chat form, then its own message is in its list, oldest first', async () => {
    const me = await visitor();
    const started = await ctx.http.post(widget(me.source_id, '/conversations')).send({ contact: { name: 'Pat' }, message: { content: 'Is anyone there?' } });
    expect(started.status).toBe(200);
    const list = await ctx.http.get(widget(me.source_id, '/conversations'));
    expect(list.body).toHaveLength(1);
    const pat = { id: me.id, name: 'Pat', email: null, phone_number: null, thumbnail: '', type: 'contact' };
    expect(list.body[0].messages).toEqual([expect.objectContaining({ content: 'Is anyone there?', message_type: 0, sender: pat })]);
    // Listed as the form answered it.
    expect(list.body[0]).toEqual(started.body);
    const read = await ctx.http.get(widget(me.source_id, `/conversations/${started.body.id}/messages`)).expect(200);
    expect(read.body).toEqual(started.body.messages);
  });
});

describe('a blocked visitor', () => {
  /*
   * Decision: capture keeps working for a blocked visitor (what it types is recorded, its
   * conversations and its own messages are there for it), but nothing is ever sent to it.
   * Refusing the widget would tell a blocked person they are blocked, inviting them to come
   * back under a new identity, and would lose what they wrote, which the account may need.
   */
  it('when a blocked visitor fills the pre-chat form, then it is recorded and readable by the visitor, but a message to it is refused with 422', async () => {
    const me = await verifiedVisitor(`blocked-${Date.now()}`);
    await ctx.http.patch(account.path(`/contacts/${me.id}`)).set(as(account.adminToken)).send({ blocked: true });
    const started = await ctx.http.post(widget(me.source_id, '/conversations')).send({ contact: { email: `blocked-${Date.now()}@visitor.example` }, message: { content: 'let me in' } });
    expect(started.status).toBe(200);
    const contact = (await ctx.http.get(account.path(`/contacts/${me.id}`)).set(as(account.adminToken))).body.payload;
    expect(contact).toMatchObject({ blocked: true, email: expect.stringMatching(/^blocked-/) });
    expect((await ctx.http.get(widget(me.source_id, '/conversations'))).body[0].messages[0].content).toBe('let me in');

    const refused = await sendToContact(me.id, 'hello');
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatch(/blocked/);
  });
});

describe("the conversation's attributes from the widget", () => {
  it.each([
    [{ topic: { $gt: 1 } }, /"\$gt"/],
    [{ topic: { 'a.b': 1 } }, /"a\.b"/],
    [{ 'x.y': 1 }, /"x\.y"/],
    [{ deep: JSON.parse('{"a":'.repeat(30) + '1' + '}'.repeat(30)) }, /nested more than/],
    [Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])), /at most 50/],
    [{ big: 'x'.repeat(20000) }, /at most 16384 characters/],
    [JSON.parse('{"__proto__":{"polluted":1}}'), /"__proto__" is not allowed/],
  ])('when they are %j, then the pre-chat form answers 422 saying what is wrong (MongoDB refused some: a 500)', async (custom_attributes, message) => {
    const me = await visitor();
    const res = await ctx.http.post(widget(me.source_id, '/conversations')).send({ message: { content: 'hi' }, custom_attributes });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(message);
  });

  it('when they are a few plain values, then the conversation keeps them', async () => {
    const me = await visitor();
    const res = await ctx.http.post(widget(me.source_id, '/conversations')).send({ message: { content: 'hi' }, custom_attributes: { topic: 'billing', order: { id: 7 } } });
    expect(res.status).toBe(200);
  });
});

// Found by the hostile-input probe (2026-12-01): a visitor may open any number of conversations
// (public, only rate limited), and both conversation lists were built whole with their messages:
// 300 conversations of one 9,999-character message made an 18 MB answer, and 300 more each
// minute at the default rate limit. Both lists now stream a page of conversations at a time.
describe('a visitor with many conversations', () => {
  it('when the widget and the account list them, then both answers stream (no Content-Length), newest first, each with its message', async () => {
    const me = await visitor();
    const made: number[] = [];
    for (let i = 0; i < 60; i++) {
      const res = await ctx.http.post(widget(me.source_id, '/conversations')).send({ message: { content: `hello ${i}` } });
      expect(res.status).toBe(200);
      made.push(res.body.id);
    }
    const mine = await ctx.http.get(widget(me.source_id, '/conversations'));
    expect(mine.status).toBe(200);
    expect(mine.headers['content-length']).toBeUndefined();
    expect(mine.body.map((c: { id: number }) => c.id)).toEqual([...made].reverse());
    expect(mine.body.map((c: { messages: { content: string }[] }) => c.messages.map((m) => m.content))).toEqual(made.map((_, i) => [`hello ${i}`]).reverse());

    const theirs = await ctx.http.get(account.path(`/contacts/${me.id}/conversations`)).set(as(account.agentToken));
    expect(theirs.status).toBe(200);
    expect(theirs.headers['content-length']).toBeUndefined();
    expect(theirs.body.payload.map((c: { id: number }) => c.id)).toEqual([...made].reverse());
  });
});
