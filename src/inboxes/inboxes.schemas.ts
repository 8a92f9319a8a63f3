import { z } from 'zod';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const httpUrl = z
  .string()
  .url('must be a URL')
  .refine((value) => /^https?:\/\//i.test(value), 'must be an http(s) URL')
  .transform((value) => value.replace(/\/+$/, ''));

export const channelSettingsSchemas = {
  web_widget: z.strictObject({
    website_url: z.string().max(2048).nullable().default(null),
    hmac_mandatory: z.boolean().default(false),
  }),
  email: z.strictObject({
    email: z.string().email('must be an email address'),
    smtp_address: text(255),
    smtp_port: z.number().int().min(1).max(65535),
    smtp_login: z.string().max(255).nullable().default(null),
    smtp_password: z.string().max(1024).nullable().default(null),
    smtp_enable_ssl_tls: z.boolean().default(false),
  }),
  sms: z.strictObject({
    provider_url: httpUrl,
    account_sid: text(255),
    auth_token: text(1024),
    phone_number: text(40),
  }),
  whatsapp: z.strictObject({
    provider_url: httpUrl,
    api_key: text(4096),
    phone_number_id: text(255),
    phone_number: text(40),
  }),
};

export const createInboxSchema = z.strictObject({
  name: text(255),
  channel: z.discriminatedUnion('type', [
    channelSettingsSchemas.web_widget.extend({ type: z.literal('web_widget') }),
    channelSettingsSchemas.email.extend({ type: z.literal('email') }),
    channelSettingsSchemas.sms.extend({ type: z.literal('sms') }),
    channelSettingsSchemas.whatsapp.extend({ type: z.literal('whatsapp') }),
  ]),
});
export type CreateInboxInput = z.infer<typeof createInboxSchema>;

/** Channel fields are checked against the inbox's own type in the service; a secret left out is kept. */
export const updateInboxSchema = z.strictObject({
  name: text(255).optional(),
  channel: z.record(z.string(), z.unknown()).optional(),
});
export type UpdateInboxInput = z.infer<typeof updateInboxSchema>;

export const inboxParams = z.object({
  account_id: z.string(),
  id: z.coerce.number().int().positive('inbox id must be a positive integer'),
});
