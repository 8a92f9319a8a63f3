import { Connection, Model, Schema } from 'mongoose';

export interface Conversation {
  _id: number;
  /** Chatwoot's other id of a conversation (conversation-uuid.ts). Absent on older conversations. */
  uuid?: string;
  account_id: number;
  inbox_id: number;
  contact_id: number;
  /** The website visitor's identity in the inbox, when the conversation came from the widget. */
  contact_inbox_id: number | null;
  /** Its messages in order, so that they are read by _id. */
  message_ids: number[];
  status: 'open' | 'resolved';
  custom_attributes: Record<string, unknown>;
  /** Chatwoot's other attributes of a conversation; `mail_subject` is its e-mail's subject. Absent on older conversations. */
  additional_attributes?: Record<string, unknown>;
  /** The member it was assigned to when started (Chatwoot's assignee). Absent on older conversations. */
  assignee_id?: number | null;
  created_at: Date;
  updated_at: Date;
  last_activity_at: Date;
}

const conversationSchema = new Schema<Conversation>(
  {
    _id: Number,
    uuid: { type: String },
    account_id: { type: Number, required: true },
    inbox_id: { type: Number, required: true },
    contact_id: { type: Number, required: true },
    contact_inbox_id: { type: Number, default: null },
    message_ids: { type: [Number], default: () => [] },
    status: { type: String, enum: ['open', 'resolved'], default: 'open' },
    custom_attributes: { type: Schema.Types.Mixed, default: () => ({}) },
    additional_attributes: { type: Schema.Types.Mixed, default: () => ({}) },
    assignee_id: { type: Number, default: null },
    created_at: { type: Date, required: true },
    updated_at: { type: Date, required: true },
    last_activity_at: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);
// No secondary index: a contact's conversations are listed in contact_links (`<contact>:conversations`).

export type ConversationModel = Model<Conversation>;

export function defineConversationModel(conn: Connection): ConversationModel {
  return conn.model<Conversation>('Conversation', conversationSchema, 'conversations');
}
