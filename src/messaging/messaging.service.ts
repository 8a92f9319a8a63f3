import { randomUUID } from 'node:crypto';
import type { AccountsService, Caller } from '../accounts/accounts.service';
import { toUserSummary, type UserSummary } from '../accounts/user-summary.presenter';
import type { Contact, ContactModel } from '../records/contact.model';
import type { ContactInbox, ContactInboxModel } from '../inboxes/contact-inbox.model';
import { cannotSendReason, isChannel, type Inbox, type InboxModel } from '../inboxes/inbox.model';
import type { InboxesService } from '../inboxes/inboxes.service';
import { chatwootChannelOf, toInboxPayload } from '../inboxes/inbox.presenter';
import { toContactPayload } from '../records/contact.presenter';
import type { ContactInboxPayload } from '../inboxes/contact-inbox.presenter';
import { channelAddressField, channelSourceId, givenSourceIdProblem, storedSourceId } from '../inboxes/channel-source-id';
import type { ContactWriter } from '../contacts/contact-writer';
import type { ContactKeys } from '../records/contact-keys';
import { NotFoundError, ValidationError } from '../shared/errors';
import type { IdAllocator } from '../shared/id-allocator';
import { inChunks, type IdLists } from '../shared/id-lists';
import { contactLinksId } from '../records/contact-links';
import type { Logger } from '../shared/logger';
import { enqueueWithin, type Queue } from '../shared/queues';
import type { Conversation, ConversationModel } from './conversation.model';
import { toConversationPayload, type ConversationPayload } from './conversation.presenter';
import { deliveryJobId, type DeliveryJob } from './delivery.processor';
import type { PendingDeliveryModel } from './pending-delivery.model';
import type { Message, MessageModel } from './message.model';
import type { NewContactInboxInput, NewConversationInput } from './messaging.schemas';

/** How far ahead of this process's clock another process's may be: a later last_activity_at than that is no activity. */
const CLOCK_DRIFT_MS = 60_000;

/** A page of a visitor's conversations, with the agents who sent their messages, by id. */
export interface VisitorConversationPage {
  conversations: { conversation: Conversation; messages: Message[] }[];
  users: Map<number, UserSummary>;
}

export interface MessagingServiceDeps {
  contacts: ContactModel;
  inboxes: InboxModel;
  contactInboxes: ContactInboxModel;
  /** The contact's identities in the inboxes (read through its list in contact_links). */
  identities: Pick<InboxesService, 'contactInboxesOf' | 'inboxesOf' | 'findContactInbox' | 'prepareContactInbox'>;
  /** `<contact>:conversations` → the contact's conversation ids. */
  contactLinks: IdLists;
  conversations: ConversationModel;
  messages: MessageModel;
  /** Marks of outgoing messages in flight, for the delivery sweep (delivery-sweep.ts). */
  pendingDeliveries: PendingDeliveryModel;
  deliveryQueue: Queue.Queue<DeliveryJob>;
  writer: Pick<ContactWriter, 'modify'>;
  /** The account's members: a conversation's assignee. */
  people: Pick<AccountsService, 'usersIn'>;
  /** Who holds an email or phone number: a source_id of an e-mail, SMS or WhatsApp inbox is one. */
  keys: Pick<ContactKeys, 'owners'>;
  nextIds: IdAllocator;
  logger: Logger;
}

type Reach = { ok: true; sourceId: string; contactInboxId: number | null } | { ok: false; reason: string };

/** Where a contact can be written to: e-mail needs an email, SMS and WhatsApp a phone, the website an HMAC-verified identity there. */
function reach(inbox: Inbox, contact: Contact, verified: ContactInbox[]): Reach {
  if (inbox.channel_type !== 'web_widget') {
    const address = channelSourceId(inbox, contact);
    return address.ok ? { ok: true, sourceId: address.sourceId, contactInboxId: null } : address;
  }
  const identity = verified.find((ci) => ci.inbox_id === inbox._id);
  return identity
    ? { ok: true, sourceId: identity.source_id, contactInboxId: identity._id }
    : { ok: false, reason: 'the contact has no HMAC-verified identity in this website inbox' };
}

/**
 * Where the message goes when the caller named Chatwoot's contact inbox `source_id`: it must be
 * the address the inbox derives (the email in any case, the phone with or without its +), or the
 * source_id of the contact's own record in that inbox, which keeps the address it was made with
 * (`contact_inboxes` answers it, and Chatwoot takes it; the message goes to the contact's address
 * now), or, in a website inbox, one of the contact's verified sessions there, which it picks. It
 * used to be accepted and dropped: a message meant for one address went to another with a 200.
 */
async function reachGiven(
  inbox: Inbox,
  contact: Contact,
  verified: ContactInbox[],
  reached: Reach & { ok: true },
  given: string,
  isOwnRecord: () => Promise<boolean>,
): Promise<Reach & { ok: true }> {
  if (inbox.channel_type !== 'web_widget') {
    const problem = givenSourceIdProblem(inbox, given, reached.sourceId);
    if (problem && !(await isOwnRecord())) throw new ValidationError(problem, 'source_id');
    return reached;
  }
  const identity = verified.find((ci) => ci.inbox_id === inbox._id && ci.source_id === given);
  if (!identity) throw new ValidationError(`source_id is not an HMAC-verified session of contact ${contact._id} in inbox ${inbox._id}`, 'source_id');
  return { ok: true, sourceId: identity.source_id, contactInboxId: identity._id };
}

/** Conversations (with their messages) read and sent at a time when a list of them is answered. */
const CONVERSATIONS_PAGE = 25;

export function createMessagingService(deps: MessagingServiceDeps) {
  const { contacts, inboxes, contactInboxes, identities, contactLinks, conversations, messages, pendingDeliveries, deliveryQueue, writer, keys, people, nextIds, logger } = deps;
  const conversationList = (contactId: number) => contactLinksId(contactId, 'conversations');

  async function findContact(accountId: number, id: number): Promise<Contact> {
    const contact = await contacts.findOne({ _id: id, account_id: accountId, deleted: false }).lean();
    if (!contact) throw new NotFoundError('contact', id);
    return contact;
  }

  /**
   * In an e-mail, SMS or WhatsApp inbox, the contact whose email or phone this source_id is now
   * (contactable_inboxes lists that address as its source_id), else the contact whose record in
   * the inbox holds it (made with an address it has since changed, or a website session); 404
   * naming it when there is none. The address's holder comes first: a record keeps the address it
   * was made with, which may belong to another contact by now, who is the one it names.
   */
  async function contactOfSourceId(inbox: Inbox, given: string): Promise<number> {
    const sourceId = storedSourceId(inbox, given);
    const field = channelAddressField(inbox);
    const owner = field && (await keys.owners(inbox.account_id, { [field]: sourceId }))[field];
    if (owner) return Number(owner._id);
    const held = await identities.findContactInbox(inbox._id, sourceId);
    if (held && held.account_id === inbox.account_id) return held.contact_id;
    throw new NotFoundError(`contact with source_id ${JSON.stringify(given)} in inbox ${inbox._id}`);
  }

  /** Whether the contact's own record in this inbox holds this source_id (an address it had when the record was made). */
  async function isOwnRecord(inbox: Inbox, contactId: number, given: string): Promise<boolean> {
    const held = await identities.findContactInbox(inbox._id, storedSourceId(inbox, given));
    return held !== null && held.account_id === inbox.account_id && held.contact_id === contactId;
  }

  /** The contact's record in an e-mail, SMS or WhatsApp inbox under its address, made unless it has one. */
  async function linkToInbox(inbox: Inbox, contact: Contact, sourceId: string): Promise<void> {
    const held = await identities.findContactInbox(inbox._id, sourceId);
    if (held && held.account_id === inbox.account_id && held.contact_id === Number(contact._id)) return;
    const link = await identities.prepareContactInbox(inbox.account_id, inbox._id, contact, sourceId);
    await link(Number(contact._id));
  }

  const verifiedIdentities = async (accountId: number, contactId: number) =>
    (await identities.contactInboxesOf(accountId, contactId)).filter((ci) => ci.hmac_verified);

  /** The account's conversations among these ids, read by _id. */
  async function readConversations(accountId: number, ids: number[]): Promise<Conversation[]> {
    const found: Conversation[] = [];
    for (const chunk of inChunks(ids)) found.push(...(await conversations.find({ _id: { $in: chunk }, account_id: accountId }).lean()));
    return found;
  }

  /** The conversations a contact's list names that are still its own. */
  async function conversationsOfContacts(accountId: number, contactIds: number[]): Promise<Conversation[]> {
    const ids = await contactLinks.idsOf(accountId, contactIds.map(conversationList));
    const owners = new Set(contactIds);
    return (await readConversations(accountId, ids)).filter((c) => owners.has(c.contact_id));
  }

  /**
   * A conversation is activity: the contact's last_activity_at moves (a write conditional on its
   * version, then sync); answers the contact as it is then. A later time stays (two conversations
   * answered out of order), unless it is after `at` by more than a clock's drift: a time in the
   * future, given by a client, is no activity, and it kept the contact first in the list for good.
   */
  async function touchContact(accountId: number, contactId: number, at: Date): Promise<Contact> {
    return writer.modify(accountId, contactId, (current) => {
      const held = current.last_activity_at?.getTime();
      return held !== undefined && held >= at.getTime() && held <= at.getTime() + CLOCK_DRIFT_MS ? null : { set: { last_activity_at: at } };
    });
  }

  /** The messages of these conversations, read by the ids each holds, in order. */
  async function messagesOf(list: Conversation[]): Promise<Map<number, Message[]>> {
    const ids = list.flatMap((c) => c.message_ids ?? []);
    const found = ids.length ? await messages.find({ _id: { $in: ids } }).lean() : [];
    const byId = new Map(found.map((m) => [m._id, m]));
    return new Map(list.map((c) => [c._id, (c.message_ids ?? []).flatMap((id) => byId.get(id) ?? [])]));
  }

  /**
   * Presents conversations of one contact with Chatwoot's `meta`: the contact, its inbox's channel,
   * and whether the contact's identity there is HMAC-verified. 404 when the contact is gone.
   */
  async function presenterFor(accountId: number, contactId: number) {
    const contact = await findContact(accountId, contactId);
    const [verified, accountInboxes] = await Promise.all([verifiedIdentities(accountId, contactId), identities.inboxesOf(accountId)]);
    const sender = toContactPayload(contact);
    const channels = new Map(accountInboxes.map((inbox) => [inbox._id, chatwootChannelOf(inbox.channel_type)]));
    const verifiedIds = new Set(verified.map((ci) => ci._id));
    return (conversation: Conversation, messages: Message[], users: Map<number, UserSummary>): ConversationPayload =>
      toConversationPayload(
        conversation,
        messages,
        {
          sender,
          channel: channels.get(conversation.inbox_id) ?? null,
          hmac_verified: conversation.contact_inbox_id !== null && verifiedIds.has(conversation.contact_inbox_id),
        },
        users,
      );
  }

  /**
   * The users these conversations name, by id: their assignees and the agents who sent their
   * messages (a former member keeps their name, with no role).
   */
  async function usersOf(accountId: number, page: { conversation: Conversation; messages: Message[] }[]): Promise<Map<number, UserSummary>> {
    const named = page.flatMap(({ conversation, messages }) => [
      ...(conversation.assignee_id ? [conversation.assignee_id] : []),
      ...messages.flatMap((m) => (m.message_type === 'outgoing' && m.sender_id !== null ? [m.sender_id] : [])),
    ]);
    return usersById(accountId, named);
  }

  async function usersById(accountId: number, ids: number[]): Promise<Map<number, UserSummary>> {
    const found = await people.usersIn(accountId, [...new Set(ids)]);
    return new Map(found.map((member) => [member.user._id, toUserSummary(accountId, member)]));
  }

  /** Each conversation of `list` presented with its messages, CONVERSATIONS_PAGE conversations (and their messages) read at a time. */
  async function* withMessagesByPage<T>(list: Conversation[], present: (conversation: Conversation, messages: Message[]) => T): AsyncIterable<T[]> {
    for (const page of inChunks(list, CONVERSATIONS_PAGE)) {
      const byConversation = await messagesOf(page);
      yield page.map((conversation) => present(conversation, byConversation.get(conversation._id) ?? []));
    }
  }

  async function record(input: {
    accountId: number;
    inboxId: number;
    contactId: number;
    contactInboxId: number | null;
    customAttributes?: Record<string, unknown>;
    additionalAttributes?: Record<string, unknown>;
    assigneeId?: number;
    message?: Pick<Message, 'content' | 'message_type' | 'sender_id' | 'status' | 'recipient' | 'subject' | 'cc_emails' | 'bcc_emails'>;
  }): Promise<{ conversation: Conversation; message: Message | null; contact: Contact }> {
    const now = new Date();
    const [conversationId] = await nextIds('conversations');
    const messageId = input.message ? (await nextIds('messages'))[0] : null;
    const conversation: Conversation = {
      _id: conversationId,
      uuid: randomUUID(),
      account_id: input.accountId,
      inbox_id: input.inboxId,
      contact_id: input.contactId,
      contact_inbox_id: input.contactInboxId,
      message_ids: messageId === null ? [] : [messageId],
      status: 'open',
      custom_attributes: input.customAttributes ?? {},
      additional_attributes: input.additionalAttributes ?? {},
      assignee_id: input.assigneeId ?? null,
      created_at: now,
      updated_at: now,
      last_activity_at: now,
    };
    // Listed before it is written: a crash between leaves an id that names nothing (readers skip it),
    // never a conversation that its contact's deletion would miss.
    await contactLinks.add(input.accountId, conversationList(input.contactId), [conversationId]);
    await conversations.create(conversation);
    let message: Message | null = null;
    if (input.message && messageId !== null) {
      message = {
        _id: messageId,
        account_id: input.accountId,
        conversation_id: conversationId,
        inbox_id: input.inboxId,
        contact_id: input.contactId,
        ...input.message,
        failure_reason: null,
        provider_message_id: null,
        attempts: 0,
        created_at: now,
        updated_at: now,
        sent_at: null,
      };
      // Marked before it is written: a process that dies between the two leaves a mark the sweep
      // drops, never a queued message that nothing will deliver.
      if (message.status === 'queued') await pendingDeliveries.create({ _id: messageId, at: now });
      await messages.create(message);
    }
    // The website visitor's widget lists its conversations from its own identity, by _id.
    if (input.contactInboxId !== null) await contactInboxes.updateOne({ _id: input.contactInboxId }, { $addToSet: { conversation_ids: conversationId } });
    try {
      return { conversation, message, contact: await touchContact(input.accountId, input.contactId, now) };
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      return followOrTakeBack(input, conversation, message, now, err);
    }
  }

  /**
   * The contact of a conversation being recorded was deleted or merged away after it was read.
   * A merge that moved the conversation took it along: it stands, with the contact it moved to
   * (its message follows: the merge moves messages before conversations, and this one may have
   * been written between the two). Otherwise no delete or merge will take it any more (each read
   * the contact's list before it was listed), so it is taken back and `cause`, the contact's
   * 404, answered: the conversation stayed on no live contact with its message queued, and the
   * delivery sweep sent a message whose request had been answered 404.
   */
  async function followOrTakeBack(
    input: { accountId: number; contactId: number; contactInboxId: number | null },
    conversation: Conversation,
    message: Message | null,
    at: Date,
    cause: NotFoundError,
  ): Promise<{ conversation: Conversation; message: Message | null; contact: Contact }> {
    const moved = await conversations.findById(conversation._id).lean();
    if (moved && moved.contact_id !== input.contactId) {
      if (message) await messages.updateOne({ _id: message._id, contact_id: input.contactId }, { $set: { contact_id: moved.contact_id } });
      const contact = await touchContact(input.accountId, moved.contact_id, at).catch((err: unknown) => (err instanceof NotFoundError ? null : Promise.reject(err)));
      if (contact) return { conversation: moved, message: message && { ...message, contact_id: moved.contact_id }, contact };
    }
    if (message) {
      await pendingDeliveries.deleteOne({ _id: message._id });
      await messages.deleteOne({ _id: message._id });
    }
    await conversations.deleteOne({ _id: conversation._id });
    if (input.contactInboxId !== null) await contactInboxes.updateOne({ _id: input.contactInboxId }, { $pull: { conversation_ids: conversation._id } });
    await contactLinks.pull(new Map([[conversationList(input.contactId), [conversation._id]]]));
    throw cause;
  }

  async function showConversation(accountId: number, conversationId: number): Promise<ConversationPayload> {
    const conversation = await conversations.findOne({ _id: conversationId, account_id: accountId }).lean();
    if (!conversation) throw new NotFoundError('conversation', conversationId);
    const [present, byConversation] = await Promise.all([presenterFor(accountId, conversation.contact_id), messagesOf([conversation])]);
    const messages = byConversation.get(conversation._id) ?? [];
    return present(conversation, messages, await usersOf(accountId, [{ conversation, messages }]));
  }

  /** A fresh job for a message queued again: the one that failed it counted its attempts (its id is the message's: one job a message). */
  async function queueAgain(messageId: number): Promise<void> {
    try {
      await enqueueWithin(
        deliveryQueue,
        async () => {
          const old = await deliveryQueue.getJob(deliveryJobId(messageId));
          await old?.remove();
          await deliveryQueue.add({ messageId }, { jobId: deliveryJobId(messageId) });
        },
        2000,
        'queueing the delivery again',
      );
    } catch (err) {
      logger.warn({ messageId, err }, 'delivery not queued again now; the delivery sweep will queue it');
    }
  }

  return {
    /** None for a blocked contact: nothing may be sent to it; nor an inbox that sends nothing (SMTP switched off). */
    async contactableInboxes(accountId: number, contactId: number): Promise<ContactInboxPayload[]> {
      const contact = await findContact(accountId, contactId);
      if (contact.blocked) return [];
      const [list, verified] = await Promise.all([identities.inboxesOf(accountId), verifiedIdentities(accountId, contactId)]);
      return list.flatMap((inbox) => {
        if (cannotSendReason(inbox)) return [];
        const r = reach(inbox, contact, verified);
        return r.ok ? [{ source_id: r.sourceId, inbox: toInboxPayload(inbox) }] : [];
      });
    },

    /**
     * Chatwoot's POST /contacts/{id}/contact_inboxes: the contact's record in the inbox, made as
     * POST /contacts with inbox_id makes it (the inbox's address for the contact, or a new session
     * for a website), or the one it has already.
     */
    async linkContactInbox(accountId: number, contactId: number, input: NewContactInboxInput): Promise<ContactInboxPayload> {
      const contact = await findContact(accountId, contactId);
      const link = await identities.prepareContactInbox(accountId, input.inbox_id, contact, input.source_id);
      return link(contactId);
    },

    /** Records the conversation and the message as queued, then hands delivery to the queue. */
    async startConversation(caller: Caller, input: NewConversationInput): Promise<ConversationPayload> {
      const inbox = await inboxes.findOne({ _id: input.inbox_id, account_id: caller.accountId }).lean();
      if (!inbox) throw new NotFoundError('inbox', input.inbox_id);
      const contact = await findContact(caller.accountId, input.contact_id ?? (await contactOfSourceId(inbox, input.source_id!)));
      if (contact.blocked) throw new ValidationError(`contact ${contact._id} is blocked: no message is sent to a blocked contact`, 'contact_id');
      // Accepted, the message could only end failed.
      const unsendable = cannotSendReason(inbox);
      if (unsendable) throw new ValidationError(`inbox ${inbox._id} cannot send: ${unsendable}`, 'inbox_id');
      // The sender and the assignee, read once: the assignee must be a member of the account.
      const users = await usersById(caller.accountId, input.assignee_id === undefined ? [caller.userId] : [caller.userId, input.assignee_id]);
      if (input.assignee_id !== undefined && !users.get(input.assignee_id)?.role) {
        throw new ValidationError(`assignee_id ${input.assignee_id} is not a member of this account`, 'assignee_id');
      }
      const email = isChannel(inbox, 'email');
      const copies = { cc_emails: input.message.cc_emails, bcc_emails: input.message.bcc_emails };
      for (const [field, addresses] of Object.entries(copies)) {
        if (addresses && !email) throw new ValidationError(`${field}: only an e-mail inbox sends copies (inbox ${inbox._id} is ${inbox.channel_type})`, `message.${field}`);
      }
      const subject = input.additional_attributes?.mail_subject;
      const verified = await verifiedIdentities(caller.accountId, Number(contact._id));
      const reached = reach(inbox, contact, verified);
      if (!reached.ok) throw new ValidationError(`contact ${contact._id} cannot be reached in inbox ${inbox._id}: ${reached.reason}`, 'inbox_id');
      const r = input.source_id === undefined ? reached : await reachGiven(inbox, contact, verified, reached, input.source_id, () => isOwnRecord(inbox, Number(contact._id), input.source_id!));

      // As Chatwoot's ContactInboxBuilder does on a send: the inbox is then among the contact's
      // contact_inboxes (a script reusing contact_inboxes[…].source_id found none here).
      if (inbox.channel_type !== 'web_widget') await linkToInbox(inbox, contact, r.sourceId);

      const { conversation, message, contact: touched } = await record({
        accountId: caller.accountId,
        inboxId: inbox._id,
        contactId: Number(contact._id),
        contactInboxId: r.contactInboxId,
        customAttributes: input.custom_attributes,
        additionalAttributes: input.additional_attributes ?? undefined,
        assigneeId: input.assignee_id,
        // The address as the caller saw it answered: delivery may run later (a queue behind, retries)
        // and must not follow the contact to an address it took meanwhile.
        message: {
          content: input.message.content,
          message_type: 'outgoing',
          sender_id: caller.userId,
          status: 'queued',
          recipient: inbox.channel_type === 'web_widget' ? null : r.sourceId,
          ...(email ? { subject: typeof subject === 'string' && subject.trim() ? subject.trim() : null, ...copies } : {}),
        },
      });
      try {
        await enqueueWithin(deliveryQueue, () => deliveryQueue.add({ messageId: message!._id }, { jobId: deliveryJobId(message!._id) }), 2000, 'queueing the delivery');
      } catch (err) {
        // Recorded and marked in pending_deliveries: the delivery sweep queues it once Redis is
        // back, as it does a job Redis lost. The message stays queued, as a contact write stays
        // pending for the sync sweep: nothing the caller asked is dropped.
        logger.warn({ messageId: message!._id, err }, 'delivery not queued now; the delivery sweep will queue it');
      }
      return toConversationPayload(
        conversation,
        [message!],
        {
          // As the send left it (its last activity moved): it answered the contact as read before.
          sender: toContactPayload(touched),
          channel: chatwootChannelOf(inbox.channel_type),
          hmac_verified: inbox.channel_type === 'web_widget',
        },
        users,
      );
    },

    /** A conversation a website visitor started (pre-chat form), with its first message when there is one. */
    async recordIncoming(input: {
      accountId: number;
      inboxId: number;
      contactId: number;
      contactInboxId: number;
      content?: string;
      customAttributes?: Record<string, unknown>;
    }): Promise<{ conversation: Conversation; messages: Message[] }> {
      const { conversation, message } = await record({
        ...input,
        message: input.content === undefined ? undefined : { content: input.content, message_type: 'incoming', sender_id: null, status: 'received', recipient: null },
      });
      return { conversation, messages: message ? [message] : [] };
    },

    /**
     * The contact's conversations with their messages, newest first, CONVERSATIONS_PAGE at a time
     * (nothing bounds how many a contact has: a website visitor opens them at will), so that the
     * list is sent as it is read rather than held whole. 404 before the first page.
     */
    async conversationPagesOf(accountId: number, contactId: number): Promise<AsyncIterable<ConversationPayload[]>> {
      const [present, list] = await Promise.all([presenterFor(accountId, contactId), conversationsOfContacts(accountId, [contactId])]);
      list.sort((a, b) => b.created_at.getTime() - a.created_at.getTime() || b._id - a._id);
      const pages = withMessagesByPage(list, (conversation, messages) => ({ conversation, messages }));
      return (async function* () {
        for await (const page of pages) {
          const users = await usersOf(accountId, page);
          yield page.map(({ conversation, messages }) => present(conversation, messages, users));
        }
      })();
    },

    /** One conversation of the account with its messages, as POST /conversations answered it (Chatwoot's conversation show). */
    conversation: showConversation,

    /**
     * Chatwoot's retry of a message that failed: queued again, from its first attempt, to the
     * address it was sent to (a provider down for longer than the retries last left a new
     * conversation as the only way to send it). A message that has not failed is left as it is,
     * as Chatwoot leaves it. Answers the conversation as it reads now.
     */
    async retryMessage(accountId: number, conversationId: number, messageId: number): Promise<ConversationPayload> {
      const conversation = await conversations.findOne({ _id: conversationId, account_id: accountId }).lean();
      if (!conversation) throw new NotFoundError('conversation', conversationId);
      const message = (conversation.message_ids ?? []).includes(messageId) ? await messages.findOne({ _id: messageId, account_id: accountId }).lean() : null;
      if (!message) throw new NotFoundError('message', messageId);
      if (message.status === 'failed') {
        const contact = await findContact(accountId, conversation.contact_id);
        if (contact.blocked) throw new ValidationError(`contact ${contact._id} is blocked: no message is sent to a blocked contact`, 'id');
        const inbox = await inboxes.findOne({ _id: message.inbox_id, account_id: accountId }).lean();
        const unsendable = inbox ? cannotSendReason(inbox) : 'it no longer exists';
        if (unsendable) throw new ValidationError(`inbox ${message.inbox_id} cannot send: ${unsendable}`, 'id');
        const now = new Date();
        // Marked before it is queued again, as a send is: a lost job is queued by the delivery sweep.
        await pendingDeliveries.updateOne({ _id: messageId }, { $set: { at: now } }, { upsert: true });
        // Conditional on its failure: of two retries at once, one queues it.
        const claimed = await messages.updateOne({ _id: messageId, status: 'failed' }, { $set: { status: 'queued', failure_reason: null, attempts: 0, updated_at: now } });
        if (claimed.modifiedCount) await queueAgain(messageId);
      }
      return showConversation(accountId, conversationId);
    },

    /**
     * What a website visitor's widget may read: the conversations of its own identity in the
     * inbox (by the ids its contact inbox holds) that still belong to its contact, newest first.
     */
    async visitorConversationPages(visitor: ContactInbox, speaksForContact: boolean): Promise<AsyncIterable<VisitorConversationPage>> {
      const ids = visitor.conversation_ids ?? [];
      const found: Conversation[] = [];
      for (const chunk of inChunks(ids)) found.push(...(await conversations.find({ _id: { $in: chunk }, account_id: visitor.account_id }).lean()));
      const own = found.filter((c) => isVisitors(visitor, c)).sort((a, b) => b._id - a._id);
      const pages = withMessagesByPage(own, (conversation, all) => ({ conversation, all }));
      return (async function* () {
        for await (const read of pages) {
          const page = read.filter(({ all }) => mayRead(all, speaksForContact)).map(({ conversation, all }) => ({ conversation, messages: all.filter(isVisible) }));
          yield { conversations: page, users: await usersOf(visitor.account_id, page) };
        }
      })();
    },

    /**
     * One conversation's messages for its visitor, with the agents who sent them; another
     * visitor's conversation is a 404, as if it did not exist.
     */
    async visitorMessages(visitor: ContactInbox, conversationId: number, speaksForContact: boolean): Promise<{ messages: Message[]; users: Map<number, UserSummary> }> {
      const conversation = await conversations.findOne({ _id: conversationId, account_id: visitor.account_id }).lean();
      if (!conversation || !isVisitors(visitor, conversation)) throw new NotFoundError('conversation', conversationId);
      const all = (await messagesOf([conversation])).get(conversation._id) ?? [];
      if (!mayRead(all, speaksForContact)) throw new NotFoundError('conversation', conversationId);
      const messages = all.filter(isVisible);
      return { messages, users: await usersOf(visitor.account_id, [{ conversation, messages }]) };
    },

    /** A merge: the mergee's conversations and their messages become the base's (listed by the base first). */
    async moveToContact(accountId: number, fromId: number, toId: number): Promise<void> {
      const found = await readConversations(accountId, await contactLinks.idsOf(accountId, [conversationList(fromId)]));
      const list = found.filter((c) => c.contact_id === fromId);
      if (list.length) {
        const ids = list.map((c) => c._id);
        await contactLinks.add(accountId, conversationList(toId), ids);
        // Messages before their conversations: a crash between leaves the merge to be run again, with every conversation still the mergee's.
        for (const chunk of inChunks(list.flatMap((c) => c.message_ids ?? []))) await messages.updateMany({ _id: { $in: chunk } }, { $set: { contact_id: toId } });
        for (const chunk of inChunks(ids)) await conversations.updateMany({ _id: { $in: chunk }, contact_id: fromId }, { $set: { contact_id: toId } });
      }
      // Only the ids read: a conversation listed meanwhile (listed before it is written) stays
      // for the merge's second pass; the list goes once empty.
      await contactLinks.pull(new Map([[conversationList(fromId), found.map((c) => c._id)]]));
    },

    /** The conversations of deleted contacts go with them, and their messages (by the ids each conversation holds). */
    async removeForContacts(accountId: number, contactIds: number[]): Promise<void> {
      const list = await conversationsOfContacts(accountId, contactIds);
      for (const chunk of inChunks(list.flatMap((c) => c.message_ids ?? []))) await messages.deleteMany({ _id: { $in: chunk } });
      for (const chunk of inChunks(list.map((c) => c._id))) await conversations.deleteMany({ _id: { $in: chunk } });
      await contactLinks.drop(contactIds.map(conversationList));
    },
  };
}

/** The conversation was started by (or sent to) this identity, and the identity still speaks for its contact. */
const isVisitors = (visitor: ContactInbox, conversation: Conversation) =>
  conversation.contact_inbox_id === visitor._id && conversation.inbox_id === visitor.inbox_id && conversation.contact_id === visitor.contact_id;

/**
 * Whether a widget session reads a conversation of its own: one the visitor started (its first
 * message theirs, or none yet) always, one an agent started (sent to the session as a verified
 * identity) only while the session still speaks for the contact. A session whose verification
 * ended (the contact's identifier changed: it may have been put on the wrong person) kept reading
 * the messages sent to that person, though no new one reached it.
 */
const mayRead = (messages: Message[], speaksForContact: boolean) => speaksForContact || messages[0]?.message_type !== 'outgoing';

/** A message that failed (its contact was blocked or deleted meanwhile) was never delivered: the widget does not show it. */
const isVisible = (message: Message) => message.status !== 'failed';

export type MessagingService = ReturnType<typeof createMessagingService>;
