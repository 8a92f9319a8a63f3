import { Connection, Model, Schema } from 'mongoose';

export const CHANNEL_TYPES = ['web_widget', 'email', 'sms', 'whatsapp'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** Chatwoot's standard pre-chat fields and the contact field each fills. */
export const PRE_CHAT_STANDARD_FIELDS = { emailAddress: 'email', fullName: 'name', phoneNumber: 'phone_number' } as const;
export const PRE_CHAT_FIELD_TYPES = ['standard', 'contact_attribute', 'conversation_attribute'] as const;
export const PRE_CHAT_INPUT_TYPES = ['text', 'email', 'number', 'date', 'list', 'checkbox', 'link', 'phone'] as const;

/** One field of a website inbox's pre-chat form, as Chatwoot keeps it in `pre_chat_form_options.pre_chat_fields`. */
export interface PreChatField {
  /** A standard field's name (emailAddress, fullName, phoneNumber), or a custom attribute key. */
  name: string;
  type: (typeof PRE_CHAT_INPUT_TYPES)[number];
  label: string;
  placeholder?: string;
  required: boolean;
  enabled: boolean;
  /** standard: a contact field; contact_attribute / conversation_attribute: a custom attribute of the contact / the conversation. */
  field_type: (typeof PRE_CHAT_FIELD_TYPES)[number];
  /** The choices of a list field. */
  values?: string[];
  /** Chatwoot's dashboard copies a custom attribute's pattern and cue into the field: stored and answered. */
  regex_pattern?: string | null;
  regex_cue?: string | null;
}

export interface PreChatFormOptions {
  pre_chat_message: string;
  pre_chat_fields: PreChatField[];
}

/** What Chatwoot gives a new website inbox: the three standard fields, switched off. */
export const DEFAULT_PRE_CHAT_FORM_OPTIONS: PreChatFormOptions = {
  pre_chat_message: 'Share your queries or comments here.',
  pre_chat_fields: [
    { name: 'emailAddress', type: 'email', label: 'Email Id', required: true, enabled: false, field_type: 'standard' },
    { name: 'fullName', type: 'text', label: 'Full name', required: false, enabled: false, field_type: 'standard' },
    { name: 'phoneNumber', type: 'text', label: 'Phone number', required: false, enabled: false, field_type: 'standard' },
  ],
};

export interface WebsiteSettings {
  website_url: string | null;
  /** Keys the identifier_hash a site computes for its signed-in users (HMAC-SHA256, hex). */
  hmac_token: string;
  /** When set, a visitor may only claim an identifier with a valid hash. */
  hmac_mandatory: boolean;
  /** When set, starting a conversation must answer the form's required enabled fields. Absent on inboxes made before it existed (off). */
  pre_chat_form_enabled?: boolean;
  pre_chat_form_options?: PreChatFormOptions;
  /** The widget's look, stored and answered for Chatwoot's clients. Absent on inboxes made before it (DEFAULT_WIDGET_LOOK). */
  widget_color?: string;
  welcome_title?: string;
  welcome_tagline?: string;
  /** Chatwoot's expected reply time shown by the widget, and its e-mail continuity switch: stored and answered. */
  reply_time?: (typeof REPLY_TIMES)[number];
  continuity_via_email?: boolean;
}

export const REPLY_TIMES = ['in_a_few_minutes', 'in_a_few_hours', 'in_a_day'] as const;

/** Chatwoot's defaults for the widget's settings stored for its clients (its widget_color, no welcome texts, its reply time). */
export const DEFAULT_WIDGET_LOOK = { widget_color: '#1f93ff', welcome_title: '', welcome_tagline: '', reply_time: 'in_a_few_minutes', continuity_via_email: true } as const;

/** The pre-chat form of a website inbox, with Chatwoot's defaults where the inbox predates it. */
export function preChatFormOf(settings: WebsiteSettings): { enabled: boolean; options: PreChatFormOptions } {
  return { enabled: settings.pre_chat_form_enabled ?? false, options: settings.pre_chat_form_options ?? DEFAULT_PRE_CHAT_FORM_OPTIONS };
}

export interface EmailSettings {
  /** The From address of outbound mail. */
  email: string;
  smtp_address: string;
  smtp_port: number;
  smtp_login: string | null;
  smtp_password: string | null;
  /** Implicit TLS (port 465 style); otherwise STARTTLS when the server offers it. */
  smtp_enable_ssl_tls: boolean;
  /**
   * Chatwoot's further SMTP settings (its dashboard's SMTP form sends them all); absent on inboxes
   * made before them, read with SMTP_DEFAULTS. Off, `smtp_enabled` stops the inbox sending
   * (cannotSendReason): there is no other mailer to fall back on.
   */
  smtp_enabled?: boolean;
  /** The name the client greets the server with (EHLO); the machine's host name when null. */
  smtp_domain?: string | null;
  /** STARTTLS when the server offers it; off, the connection stays plain. */
  smtp_enable_starttls_auto?: boolean;
  /** How the login is sent; null, the first method the server offers (what nodemailer picks). */
  smtp_authentication?: (typeof SMTP_AUTHENTICATIONS)[number] | null;
  /** `none` takes any certificate (Chatwoot's default); the others verify it, as here by default. */
  smtp_openssl_verify_mode?: (typeof SMTP_VERIFY_MODES)[number];
}

export const SMTP_AUTHENTICATIONS = ['plain', 'login', 'cram_md5'] as const;
export const SMTP_VERIFY_MODES = ['none', 'peer', 'client_once', 'fail_if_no_peer_cert'] as const;
/** What an e-mail inbox without Chatwoot's further settings is read with (certificates verified). */
export const SMTP_DEFAULTS = {
  smtp_enabled: true,
  smtp_domain: null,
  smtp_enable_starttls_auto: true,
  smtp_authentication: null,
  smtp_openssl_verify_mode: 'peer',
} as const satisfies Partial<EmailSettings>;

/** Twilio's Messages API: {provider_url}/2010-04-01/Accounts/{account_sid}/Messages.json. */
export interface SmsSettings {
  provider_url: string;
  account_sid: string;
  auth_token: string;
  /** The sender (From). */
  phone_number: string;
}

/** WhatsApp Cloud API: {provider_url}/{phone_number_id}/messages with a bearer api_key. */
export interface WhatsappSettings {
  provider_url: string;
  api_key: string;
  phone_number_id: string;
  /** The sender's number, for display. */
  phone_number: string;
}

export interface ChannelSettings {
  web_widget: WebsiteSettings;
  email: EmailSettings;
  sms: SmsSettings;
  whatsapp: WhatsappSettings;
}

export interface Inbox<T extends ChannelType = ChannelType> {
  _id: number;
  account_id: number;
  name: string;
  channel_type: T;
  /** Public, unguessable: the website widget's API names its inbox with it. */
  inbox_identifier: string;
  settings: ChannelSettings[T];
  /** Chatwoot's greeting settings, stored and answered for its clients (absent before they existed: off, none). */
  greeting_enabled?: boolean;
  greeting_message?: string | null;
  /** Chatwoot's switch for the widget's "get notified by email" prompt, stored and answered (absent before it existed: on). */
  enable_email_collect?: boolean;
  created_at: Date;
  updated_at: Date;
}

const inboxSchema = new Schema<Inbox>(
  {
    _id: Number,
    account_id: { type: Number, required: true },
    name: { type: String, required: true },
    channel_type: { type: String, enum: CHANNEL_TYPES, required: true },
    inbox_identifier: { type: String, required: true },
    settings: { type: Schema.Types.Mixed, required: true },
    greeting_enabled: { type: Boolean },
    greeting_message: { type: String },
    enable_email_collect: { type: Boolean },
    created_at: { type: Date, required: true },
    updated_at: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);

export type InboxModel = Model<Inbox>;

export function defineInboxModel(conn: Connection): InboxModel {
  return conn.model<Inbox>('Inbox', inboxSchema, 'inboxes');
}

export const isChannel = <T extends ChannelType>(inbox: Inbox, type: T): inbox is Inbox<T> => inbox.channel_type === type;

/**
 * Why the inbox can deliver nothing, or undefined when it can: an e-mail inbox with SMTP switched
 * off has no other mailer, so a message to it could only fail.
 */
export function cannotSendReason(inbox: Inbox): string | undefined {
  if (isChannel(inbox, 'email') && !(inbox.settings.smtp_enabled ?? SMTP_DEFAULTS.smtp_enabled)) {
    return 'its SMTP sending is switched off (smtp_enabled is false) and there is no other mailer';
  }
  return undefined;
}
