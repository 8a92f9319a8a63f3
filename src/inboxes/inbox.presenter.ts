import { z } from 'zod';
import { toUnixSeconds } from '../shared/time';
import { unixSeconds } from '../shared/response-fields';
import { DEFAULT_WIDGET_LOOK, PRE_CHAT_FIELD_TYPES, PRE_CHAT_INPUT_TYPES, preChatFormOf, REPLY_TIMES, SMTP_AUTHENTICATIONS, SMTP_DEFAULTS, SMTP_VERIFY_MODES, type ChannelType, type EmailSettings, type Inbox, type WebsiteSettings } from './inbox.model';

const CHATWOOT_CHANNEL: Record<ChannelType, InboxPayload['channel_type']> = {
  web_widget: 'Channel::WebWidget',
  email: 'Channel::Email',
  sms: 'Channel::Sms',
  whatsapp: 'Channel::Whatsapp',
};

/** The channel type as Chatwoot names it (`Channel::Email`, …). */
export const chatwootChannelOf = (type: ChannelType): InboxPayload['channel_type'] => CHATWOOT_CHANNEL[type];

export const SECRET_SETTINGS = ['hmac_token', 'smtp_password', 'auth_token', 'api_key'] as const;

/** Enough of the end to tell two secrets apart, never enough to use one. None is shown as none (an empty SMTP password looked set). */
export function maskSecret(value: string): string {
  if (value === '') return '';
  return value.length >= 16 ? `********${value.slice(-4)}` : '********';
}

/** Chatwoot's channel provider: WhatsApp's Cloud API, Channel::Sms's `default`, none for a website or an e-mail inbox. */
const providerSchema = z.enum(['default', 'whatsapp_cloud']).nullable();
type Provider = z.infer<typeof providerSchema>;
const PROVIDER: Record<ChannelType, Provider> = { web_widget: null, email: null, sms: 'default', whatsapp: 'whatsapp_cloud' };

const inboxBase = {
  id: z.int(),
  account_id: z.int(),
  name: z.string(),
  channel_id: z.int(),
  // Chatwoot's inbox answers both, and its API document has them on every inbox a contact's
  // answers embed (a create's contact_inbox, contactable_inboxes): they were only on the slim one.
  avatar_url: z.string().describe("'' (inboxes have no avatar here), as Chatwoot's without one"),
  provider: providerSchema,
  inbox_identifier: z.string(),
  greeting_enabled: z.boolean(),
  enable_email_collect: z.boolean(),
  greeting_message: z.string().nullable(),
  created_at: unixSeconds.nullable(),
  updated_at: unixSeconds.nullable(),
};
const preChatFormOptions = z
  .object({
    pre_chat_message: z.string(),
    pre_chat_fields: z.array(
      z.object({
        name: z.string(),
        type: z.enum(PRE_CHAT_INPUT_TYPES),
        label: z.string(),
        placeholder: z.string().optional(),
        required: z.boolean(),
        enabled: z.boolean(),
        field_type: z.enum(PRE_CHAT_FIELD_TYPES),
        values: z.array(z.string()).optional(),
        regex_pattern: z.string().nullable().optional(),
        regex_cue: z.string().nullable().optional(),
      }),
    ),
  })
  .meta({ id: 'PreChatFormOptions' });

const secret = z.string().describe('masked ("********" and the last 4 characters) except where the operation says otherwise');
const hmacSecret = z.string().describe('in full to administrators (the site signs identifiers with it), masked as the other secrets to agents and where an inbox is embedded in another answer');

/** Chatwoot's inbox JSON: the channel's settings inline, secrets masked. */
export const inboxPayloadSchema = z
  .discriminatedUnion('channel_type', [
    z.object({
      ...inboxBase,
      channel_type: z.literal('Channel::WebWidget'),
      website_url: z.string().nullable(),
      hmac_token: hmacSecret,
      hmac_mandatory: z.boolean(),
      pre_chat_form_enabled: z.boolean(),
      pre_chat_form_options: preChatFormOptions,
      widget_color: z.string(),
      welcome_title: z.string(),
      welcome_tagline: z.string(),
      reply_time: z.enum(REPLY_TIMES),
      continuity_via_email: z.boolean(),
    }),
    z.object({
      ...inboxBase,
      channel_type: z.literal('Channel::Email'),
      email: z.string(),
      smtp_address: z.string(),
      smtp_port: z.int(),
      smtp_login: z.string().nullable(),
      smtp_password: secret.nullable(),
      smtp_enable_ssl_tls: z.boolean(),
      smtp_enabled: z.boolean(),
      smtp_domain: z.string().nullable(),
      smtp_enable_starttls_auto: z.boolean(),
      smtp_authentication: z.enum(SMTP_AUTHENTICATIONS).nullable(),
      smtp_openssl_verify_mode: z.enum(SMTP_VERIFY_MODES),
    }),
    z.object({ ...inboxBase, channel_type: z.literal('Channel::Sms'), provider_url: z.string(), account_sid: z.string(), auth_token: secret, phone_number: z.string() }),
    z.object({ ...inboxBase, channel_type: z.literal('Channel::Whatsapp'), provider_url: z.string(), api_key: secret, phone_number_id: z.string(), phone_number: z.string() }),
  ])
  .meta({ id: 'Inbox' });

export type InboxPayload = z.infer<typeof inboxPayloadSchema>;

/**
 * Chatwoot's slim inbox (`_inbox_slim`), the one a contact's `contact_inboxes` embed: enough to
 * name and draw the channel, none of its settings. Inboxes have no avatar here (Chatwoot's is ''
 * without one).
 */
export const inboxSlimSchema = z
  .object({
    id: z.int(),
    avatar_url: z.string(),
    channel_id: z.int(),
    name: z.string(),
    channel_type: z.enum(Object.values(CHATWOOT_CHANNEL) as [InboxPayload['channel_type'], ...InboxPayload['channel_type'][]]),
    provider: providerSchema,
    email: z.string().optional().describe('an e-mail inbox only'),
  })
  .meta({ id: 'InboxSlim' });

export type InboxSlim = z.infer<typeof inboxSlimSchema>;

export function toInboxSlim(inbox: Inbox): InboxSlim {
  return {
    id: inbox._id,
    avatar_url: '',
    channel_id: inbox._id,
    name: inbox.name,
    channel_type: CHATWOOT_CHANNEL[inbox.channel_type],
    provider: PROVIDER[inbox.channel_type],
    ...(inbox.channel_type === 'email' ? { email: (inbox.settings as EmailSettings).email } : {}),
  };
}

/** Chatwoot's inbox JSON with the channel's settings inline; secrets masked unless `reveal` names them. */
export function toInboxPayload(inbox: Inbox, reveal: readonly string[] = []): InboxPayload {
  const settings: Record<string, unknown> = { ...inbox.settings };
  if (inbox.channel_type === 'web_widget') {
    const form = preChatFormOf(inbox.settings as WebsiteSettings);
    settings.pre_chat_form_enabled = form.enabled;
    settings.pre_chat_form_options = form.options;
    for (const [key, value] of Object.entries(DEFAULT_WIDGET_LOOK)) settings[key] ??= value;
  }
  if (inbox.channel_type === 'email') for (const [key, value] of Object.entries(SMTP_DEFAULTS)) settings[key] ??= value;
  for (const key of SECRET_SETTINGS) {
    const value = settings[key];
    if (typeof value === 'string' && !reveal.includes(key)) settings[key] = maskSecret(value);
  }
  // The settings are typed per channel in the model but spread here as one record: the cast is
  // checked where it matters, by the API tests that validate every inbox response against the schema.
  return {
    id: inbox._id,
    account_id: inbox.account_id,
    name: inbox.name,
    channel_id: inbox._id,
    avatar_url: '',
    provider: PROVIDER[inbox.channel_type],
    channel_type: CHATWOOT_CHANNEL[inbox.channel_type],
    inbox_identifier: inbox.inbox_identifier,
    greeting_enabled: inbox.greeting_enabled ?? false,
    greeting_message: inbox.greeting_message ?? null,
    enable_email_collect: inbox.enable_email_collect ?? true,
    ...settings,
    created_at: toUnixSeconds(inbox.created_at),
    updated_at: toUnixSeconds(inbox.updated_at),
  } as InboxPayload;
}
