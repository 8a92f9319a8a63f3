import type { Contact, ContactModel } from '../records/contact.model';
import { isChannel, type Inbox, type InboxModel } from '../inboxes/inbox.model';
import type { Logger } from '../shared/logger';
import type { Queue } from '../shared/queues';
import type { ConversationModel } from './conversation.model';
import { messageForCaller } from '../shared/errors';
import { PermanentDeliveryError, TransientDeliveryError } from './delivery-errors';
import type { ProviderCall } from './post-to-provider';
import type { Message, MessageModel } from './message.model';
import type { PendingDeliveryModel } from './pending-delivery.model';
import { sendEmail } from './send-email';
import { sendSms } from './send-sms';
import { sendWhatsapp } from './send-whatsapp';

export interface DeliveryJob {
  messageId: number;
}

export const DELIVERY_QUEUE = 'message-delivery';

/** One job id per message: bull never holds two jobs of one message, so it is never sent twice at once. */
export const deliveryJobId = (messageId: number) => `message-${messageId}`;

/** The address kept when the message was queued; the contact's current one for a message queued before addresses were kept. */
const recipientOf = (message: Message, current: string | null, what: string) => {
  const to = message.recipient ?? current;
  if (!to) throw new PermanentDeliveryError(`the contact has no ${what}`);
  return to;
};

/** What a delivery answers: the provider's id for the message, and what did not go as asked though the contact has it. */
interface Delivered {
  providerId: string | null;
  note: string | null;
}

/** Sends through the inbox's channel. */
async function deliver(inbox: Inbox, contact: Contact, message: Message, call: ProviderCall): Promise<Delivered> {
  const sent = (providerId: string | null): Delivered => ({ providerId, note: null });
  if (isChannel(inbox, 'email')) {
    // The conversation's mail_subject when one was given, else the inbox's name.
    const mail = { to: recipientOf(message, contact.email, 'email'), subject: message.subject || inbox.name, text: message.content, cc: message.cc_emails, bcc: message.bcc_emails };
    const { messageId, copiesRefused } = await sendEmail(inbox.settings, mail, call);
    return { providerId: messageId, note: copiesRefused };
  }
  if (isChannel(inbox, 'sms')) return sent(await sendSms(inbox.settings, recipientOf(message, contact.phone_number, 'phone number'), message.content, call));
  if (isChannel(inbox, 'whatsapp')) return sent(await sendWhatsapp(inbox.settings, recipientOf(message, contact.phone_number, 'phone number'), message.content, call));
  // The website widget fetches its conversation's messages itself: recording is the delivery.
  return sent(null);
}

export interface DeliveryProcessorDeps {
  messages: MessageModel;
  conversations: ConversationModel;
  /** The marks of messages in flight (delivery-sweep.ts): dropped once a message is settled. */
  pending: PendingDeliveryModel;
  inboxes: InboxModel;
  contacts: ContactModel;
  logger: Logger;
  timeoutMs: number;
  /** Hosts whose provider URLs may lead to loopback or private addresses (OUTBOUND_ALLOWED_HOSTS). */
  allowedHosts: readonly string[];
}

/**
 * Delivers one queued message. Safe to run twice: a message no longer queued is left alone.
 * A transient failure is rethrown for bull to retry with back-off; a permanent one, or the
 * last attempt, marks the message failed with the reason.
 */
export function createDeliveryProcessor({ messages, conversations, pending, inboxes, contacts, logger, timeoutMs, allowedHosts }: DeliveryProcessorDeps) {
  // The sweep drops a mark left behind (this failed between the two writes) at its next run.
  const settled = (id: number) => pending.deleteOne({ _id: id }).catch((err) => logger.warn({ err, messageId: id }, 'delivery mark not dropped; the sweep drops it'));

  return async function processDelivery(job: Queue.Job<DeliveryJob>): Promise<void> {
    const id = job.data?.messageId;
    if (!Number.isSafeInteger(id)) {
      logger.warn({ jobId: job.id, data: job.data }, 'malformed delivery job discarded');
      return;
    }
    const message = await messages.findById(id).lean();
    if (!message || message.status !== 'queued') return void (await settled(id));
    const attempt = job.attemptsMade + 1;
    const lastAttempt = attempt >= (job.opts.attempts ?? 1);
    try {
      const inbox = await inboxes.findOne({ _id: message.inbox_id, account_id: message.account_id }).lean();
      if (!inbox) throw new PermanentDeliveryError('the inbox no longer exists');
      // The conversation names the contact: a merge moves a message before its conversation, and a
      // message written between the two keeps the contact merged away (messaging.service.ts).
      const conversation = await conversations.findOne({ _id: message.conversation_id, account_id: message.account_id }).lean();
      if (!conversation) throw new PermanentDeliveryError('the conversation no longer exists');
      const contact = await contacts.findOne({ _id: conversation.contact_id, account_id: message.account_id, deleted: false }).lean();
      // Deleted, its message goes with it, and the next try finds none. Merged away, the merge is
      // still moving its conversation: the next try finds it on the contact it was merged into.
      if (!contact) throw new TransientDeliveryError('the contact no longer exists');
      // Blocked after the message was queued: it is not sent.
      if (contact.blocked) throw new PermanentDeliveryError('the contact is blocked');
      const { providerId, note } = await deliver(inbox, contact, message, { timeoutMs, allowedHosts });
      const now = new Date();
      await messages.updateOne(
        { _id: id, status: 'queued' },
        { $set: { status: 'sent', provider_message_id: providerId, failure_reason: note, attempts: attempt, sent_at: now, updated_at: now } },
      );
      if (note) logger.warn({ messageId: id, note }, 'message sent, not to all its copies');
      await settled(id);
    } catch (err) {
      // Shown to agents: the delivery's own reasons (a provider's answer), never a store's or a library's text.
      const ours = err instanceof PermanentDeliveryError || err instanceof TransientDeliveryError;
      const reason = ours ? err.message : messageForCaller(err);
      if (err instanceof PermanentDeliveryError || lastAttempt) {
        await messages.updateOne({ _id: id, status: 'queued' }, { $set: { status: 'failed', failure_reason: reason, attempts: attempt, updated_at: new Date() } });
        await settled(id);
        logger.warn({ messageId: id, attempt, reason, ...(ours ? {} : { err }) }, 'message delivery failed');
        return;
      }
      await messages.updateOne({ _id: id, status: 'queued' }, { $set: { failure_reason: reason, attempts: attempt, updated_at: new Date() } });
      throw err;
    }
  };
}
