import { Connection, Model, Schema } from 'mongoose';

/** queued → sent or failed for outgoing messages; received for what a visitor wrote. */
export const MESSAGE_STATUSES = ['queued', 'sent', 'failed', 'received'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export interface Message {
  _id: number;
  account_id: number;
  conversation_id: number;
  inbox_id: number;
  /** The contact delivery writes to; a merge moves it (by the ids the conversations hold). */
  contact_id: number;
  content: string;
  /**
   * Where an outgoing e-mail, SMS or WhatsApp message goes: the contact's email or phone number
   * when it was queued (a change to the contact afterwards does not redirect it). Null for the
   * website and for incoming messages; absent on messages queued before it was kept, which go to
   * the contact's address at delivery.
   */
  recipient?: string | null;
  /** An outgoing e-mail's subject (the conversation's mail_subject) and its copies; absent elsewhere. */
  subject?: string | null;
  cc_emails?: string[];
  bcc_emails?: string[];
  message_type: 'incoming' | 'outgoing';
  /** The user who sent an outgoing message. */
  sender_id: number | null;
  status: MessageStatus;
  failure_reason: string | null;
  /** The provider's id for the sent message (SMTP Message-ID, Twilio sid, WhatsApp wamid). */
  provider_message_id: string | null;
  attempts: number;
  created_at: Date;
  updated_at: Date;
  sent_at: Date | null;
}

const messageSchema = new Schema<Message>(
  {
    _id: Number,
    account_id: { type: Number, required: true },
    conversation_id: { type: Number, required: true },
    inbox_id: { type: Number, required: true },
    contact_id: { type: Number, required: true },
    content: { type: String, required: true },
    recipient: { type: String, default: null },
    subject: { type: String, default: undefined },
    cc_emails: { type: [String], default: undefined },
    bcc_emails: { type: [String], default: undefined },
    message_type: { type: String, enum: ['incoming', 'outgoing'], required: true },
    sender_id: { type: Number, default: null },
    status: { type: String, enum: MESSAGE_STATUSES, required: true },
    failure_reason: { type: String, default: null },
    provider_message_id: { type: String, default: null },
    attempts: { type: Number, default: 0 },
    created_at: { type: Date, required: true },
    updated_at: { type: Date, required: true },
    sent_at: { type: Date, default: null },
  },
  { versionKey: false },
);
// No secondary index: messages are read by the ids their conversation holds.

export type MessageModel = Model<Message>;

export function defineMessageModel(conn: Connection): MessageModel {
  return conn.model<Message>('Message', messageSchema, 'messages');
}
