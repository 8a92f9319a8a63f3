import { pathId } from '../shared/id-schema';
import { regexCueSchema, regexPatternSchema } from '../shared/regex-pattern';
import { isIP } from 'node:net';
import { z } from 'zod';
import { customAttributeKeyProblem, normalizePhone } from '../records/contact-fields';
import { DEFAULT_PRE_CHAT_FORM_OPTIONS, DEFAULT_WIDGET_LOOK, PRE_CHAT_FIELD_TYPES, PRE_CHAT_INPUT_TYPES, PRE_CHAT_STANDARD_FIELDS, REPLY_TIMES, SMTP_AUTHENTICATIONS, SMTP_DEFAULTS, SMTP_VERIFY_MODES } from './inbox.model';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const httpUrl = z
  .string()
  .url('must be a URL')
  .refine((value) => /^https?:\/\//i.test(value), 'must be an http(s) URL')
  // The API's path is appended to it: a query or fragment would swallow that path, and
  // credentials belong in the channel's secret settings (masked), not in a URL shown in full.
  .refine((value) => !value.includes('?') && !value.includes('#'), 'must not have a query or fragment (the API path is appended to it)')
  .refine((value) => {
    const url = URL.canParse(value) ? new URL(value) : null;
    return !url || (!url.username && !url.password);
  }, 'must not hold credentials (user:password@): put them in the channel settings')
  .transform((value) => value.replace(/\/+$/, ''));

/**
 * The site a widget lives on, which clients show as a link: a web address, not a script
 * (`javascript:`), a file or another scheme, which were all kept. Blank is none.
 */
const websiteUrl = z
  .string()
  .trim()
  .max(2048, 'must be at most 2048 characters')
  .refine((value) => {
    if (!value) return true;
    const url = URL.canParse(value) ? new URL(value) : null;
    return !!url && (url.protocol === 'http:' || url.protocol === 'https:') && !!url.hostname && /^https?:\/\//i.test(value);
  }, 'must be an http(s) URL, as https://shop.example')
  .transform((value) => value || null);

/**
 * The number a channel sends from, written as a contact's phone is (E.164: spaces, dashes, dots
 * and parentheses stripped); for SMS also an alphanumeric sender id (up to 11 letters, digits and
 * spaces, a letter among them), which Twilio takes where the country allows it. Any text was kept:
 * a line break went to the provider in the From field, and `+1 555 000 1111` as typed.
 */
const senderNumber = (alphanumericId: boolean) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(40, 'must be at most 40 characters')
    .transform((value, ctx) => {
      const phone = normalizePhone(value);
      if (phone.ok) return phone.value;
      if (alphanumericId && /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/.test(value)) return value;
      ctx.addIssue({ code: 'custom', message: `must be a phone number with its country code (+ then 2 to 15 digits)${alphanumericId ? ', or an alphanumeric sender id of up to 11 letters, digits and spaces' : ''}` });
      return z.NEVER;
    });

/**
 * A host name or an IP address (an IPv6 one with or without brackets, kept without): a URL, a
 * `host:port` or a name with spaces was saved and then failed every delivery on a DNS error.
 */
const HOST_NAME = /^(?=.{1,253}\.?$)[\p{L}\p{N}_](?:[\p{L}\p{N}_-]{0,61}[\p{L}\p{N}_])?(?:\.[\p{L}\p{N}_](?:[\p{L}\p{N}_-]{0,61}[\p{L}\p{N}_])?)*\.?$/u;
const smtpHost = text(255)
  .transform((value) => (/^\[.*\]$/.test(value) && isIP(value.slice(1, -1)) === 6 ? value.slice(1, -1) : value))
  .refine((value) => isIP(value) !== 0 || HOST_NAME.test(value), 'must be a host name or an IP address (no scheme, port or path: the port is smtp_port)');

const STANDARD_NAMES = Object.keys(PRE_CHAT_STANDARD_FIELDS);

export const preChatFieldSchema = z
  .strictObject({
    name: z.string().trim().min(1, 'must not be empty').max(100),
    type: z.enum(PRE_CHAT_INPUT_TYPES),
    label: z.string().max(255).default(''),
    placeholder: z.string().max(255).optional(),
    required: z.boolean().default(false),
    enabled: z.boolean().default(true),
    field_type: z.enum(PRE_CHAT_FIELD_TYPES),
    values: z.array(z.string().max(255)).max(100).optional(),
    // Chatwoot's dashboard builds a field from a custom attribute with its pattern and cue (null
    // when it has none): a form it saved was a 422 for them. Stored and answered, as on a definition.
    regex_pattern: regexPatternSchema.nullable().optional(),
    regex_cue: regexCueSchema.nullable().optional(),
  })
  .superRefine((field, ctx) => {
    if (field.field_type === 'standard' && !STANDARD_NAMES.includes(field.name)) {
      ctx.addIssue({ code: 'custom', path: ['name'], message: `a standard field is one of ${STANDARD_NAMES.join(', ')}; got "${field.name}"` });
    }
    const problem = field.field_type === 'standard' ? undefined : customAttributeKeyProblem(field.name);
    if (problem) ctx.addIssue({ code: 'custom', path: ['name'], message: problem });
  });

export const preChatFormOptionsSchema = z.strictObject({
  pre_chat_message: z.string().max(5000).default(DEFAULT_PRE_CHAT_FORM_OPTIONS.pre_chat_message),
  pre_chat_fields: z
    .array(preChatFieldSchema)
    .max(50, 'a pre-chat form holds at most 50 fields')
    .refine((fields) => new Set(fields.map((f) => `${f.field_type}:${f.name}`)).size === fields.length, 'two pre-chat fields have the same name and field_type')
    .default(DEFAULT_PRE_CHAT_FORM_OPTIONS.pre_chat_fields),
});

export const channelSettingsSchemas = {
  web_widget: z.strictObject({
    website_url: websiteUrl.nullable().default(null),
    hmac_mandatory: z
      .boolean()
      .default(false)
      .describe("Chatwoot's setting, stored and answered; here every website inbox refuses an identifier without its identifier_hash, so it changes nothing"),
    pre_chat_form_enabled: z.boolean().default(false),
    pre_chat_form_options: preChatFormOptionsSchema.default(DEFAULT_PRE_CHAT_FORM_OPTIONS),
    // The widget's look, as Chatwoot's API document and dashboard create a website inbox with it:
    // stored and answered for Chatwoot's clients; this service draws no widget.
    widget_color: z
      .string()
      .regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, 'must be a hex colour such as #1f93ff')
      .default(DEFAULT_WIDGET_LOOK.widget_color)
      .describe("the widget's colour, stored and answered for Chatwoot's clients"),
    welcome_title: z.string().max(255, 'must be at most 255 characters').default(DEFAULT_WIDGET_LOOK.welcome_title).describe("the widget's welcome title, stored and answered"),
    welcome_tagline: z.string().max(255, 'must be at most 255 characters').default(DEFAULT_WIDGET_LOOK.welcome_tagline).describe("the widget's welcome tagline, stored and answered"),
    reply_time: z.enum(REPLY_TIMES).default(DEFAULT_WIDGET_LOOK.reply_time).describe("the reply time Chatwoot's widget shows, stored and answered"),
    continuity_via_email: z.boolean().default(DEFAULT_WIDGET_LOOK.continuity_via_email).describe("Chatwoot's e-mail continuity switch, stored and answered"),
  }),
  email: z.strictObject({
    email: z.string().email('must be an email address'),
    smtp_address: smtpHost,
    smtp_port: z.number().int().min(1).max(65535),
    smtp_login: z.string().max(255).nullable().default(null),
    smtp_password: z.string().max(1024).nullable().default(null),
    smtp_enable_ssl_tls: z.boolean().default(false),
    // Chatwoot's SMTP form sends these too; they were a 422 as unknown keys.
    smtp_enabled: z.boolean().default(SMTP_DEFAULTS.smtp_enabled).describe('off, the inbox delivers nothing (there is no other mailer): it is not contactable, a new conversation in it answers 422, a message already queued fails saying so'),
    // Blank is none: Chatwoot's form sends the empty field as "".
    smtp_domain: z
      .preprocess((value) => (typeof value === 'string' && !value.trim() ? null : value), smtpHost.nullable())
      .default(SMTP_DEFAULTS.smtp_domain)
      .describe('the name the client greets the server with (EHLO); null or blank: the machine\'s'),
    smtp_enable_starttls_auto: z.boolean().default(SMTP_DEFAULTS.smtp_enable_starttls_auto).describe('STARTTLS when the server offers it'),
    smtp_authentication: z.enum(SMTP_AUTHENTICATIONS).nullable().default(SMTP_DEFAULTS.smtp_authentication).describe('how the login is sent; null, the first method the server offers'),
    smtp_openssl_verify_mode: z
      .enum(SMTP_VERIFY_MODES)
      .default(SMTP_DEFAULTS.smtp_openssl_verify_mode)
      .describe("none takes any certificate; the others verify it (the default here; Chatwoot's default is none)"),
  }),
  sms: z.strictObject({
    provider_url: httpUrl,
    account_sid: text(255),
    auth_token: text(1024),
    phone_number: senderNumber(true),
  }),
  whatsapp: z.strictObject({
    provider_url: httpUrl,
    // Sent as `Authorization: Bearer <api_key>`: a line break or a character outside visible ASCII
    // was saved, then failed every delivery after all its retries.
    api_key: text(4096).regex(/^[\x21-\x7e]+$/, 'must be visible ASCII without spaces (it is sent as a Bearer token in an HTTP header)'),
    phone_number_id: text(255),
    phone_number: senderNumber(false),
  }),
};

// Chatwoot's greeting settings, as its dashboard creates a website inbox with them: stored and
// answered for Chatwoot's clients (this service sends no greeting).
const greeting = {
  greeting_enabled: z.boolean().describe("Chatwoot's greeting switch, stored and answered"),
  greeting_message: z.string().max(5000, 'must be at most 5000 characters').nullable().describe("Chatwoot's greeting text, stored and answered"),
};

// The name is the e-mail's subject: a line break in it was folded into the subject by the mailer
// (no header got in, but the subject came out mangled). One line, as a label or a title is.
// The control characters spelt out, not \p{Cc}: the pattern is in the API document, and clients
// and tools that read it (Python's re, schemathesis) know no Unicode property escapes.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const inboxName = text(255).regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, 'must be one line of text, without line breaks or control characters');

// Chatwoot's switch for the widget's "get notified by email" prompt, an attribute of every inbox.
const enableEmailCollect = z.boolean().describe("Chatwoot's switch for the widget's email prompt, stored and answered (this service draws no widget)");

export const createInboxSchema = z.strictObject({
  name: inboxName,
  enable_email_collect: enableEmailCollect.default(true),
  greeting_enabled: greeting.greeting_enabled.default(false),
  greeting_message: greeting.greeting_message.default(null),
  channel: z.discriminatedUnion('type', [
    channelSettingsSchemas.web_widget.extend({ type: z.literal('web_widget') }),
    channelSettingsSchemas.email.extend({ type: z.literal('email') }),
    channelSettingsSchemas.sms.extend({ type: z.literal('sms') }),
    channelSettingsSchemas.whatsapp.extend({ type: z.literal('whatsapp') }),
  ]),
});
export type CreateInboxInput = z.infer<typeof createInboxSchema>;

/**
 * A channel's settings as a PATCH leaves them, checked under `channel` so that a refusal names
 * the setting as a create does (`channel.provider_url`).
 */
export const channelUpdateSchemas = {
  web_widget: z.object({ channel: channelSettingsSchemas.web_widget }),
  email: z.object({ channel: channelSettingsSchemas.email }),
  sms: z.object({ channel: channelSettingsSchemas.sms }),
  whatsapp: z.object({ channel: channelSettingsSchemas.whatsapp }),
};

/** Channel fields are checked against the inbox's own type in the service; a secret left out is kept. */
export const updateInboxSchema = z.strictObject({
  name: inboxName.optional(),
  enable_email_collect: enableEmailCollect.optional(),
  greeting_enabled: greeting.greeting_enabled.optional(),
  greeting_message: greeting.greeting_message.optional(),
  channel: z.record(z.string(), z.unknown()).optional(),
});
export type UpdateInboxInput = z.infer<typeof updateInboxSchema>;

export const inboxParams = z.object({
  account_id: z.string(),
  id: pathId('inbox'),
});
