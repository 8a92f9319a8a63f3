import { toUnixSeconds } from '../shared/time';
import type { ChannelType, Inbox } from './inbox.model';

const CHATWOOT_CHANNEL: Record<ChannelType, string> = {
  web_widget: 'Channel::WebWidget',
  email: 'Channel::Email',
  sms: 'Channel::Sms',
  whatsapp: 'Channel::Whatsapp',
};

export const SECRET_SETTINGS = ['hmac_token', 'smtp_password', 'auth_token', 'api_key'] as const;

/** Enough of the end to tell two secrets apart, never enough to use one. */
export function maskSecret(value: string): string {
  return value.length >= 16 ? `********${value.slice(-4)}` : '********';
}

export type InboxPayload = Record<string, unknown> & { id: number; name: string; channel_type: string; inbox_identifier: string };

/** Chatwoot's inbox JSON with the channel's settings inline; secrets masked unless `reveal` names them. */
export function toInboxPayload(inbox: Inbox, reveal: readonly string[] = []): InboxPayload {
  const settings: Record<string, unknown> = { ...inbox.settings };
  for (const key of SECRET_SETTINGS) {
    const value = settings[key];
    if (typeof value === 'string' && !reveal.includes(key)) settings[key] = maskSecret(value);
  }
  return {
    id: inbox._id,
    account_id: inbox.account_id,
    name: inbox.name,
    channel_id: inbox._id,
    channel_type: CHATWOOT_CHANNEL[inbox.channel_type],
    inbox_identifier: inbox.inbox_identifier,
    ...settings,
    created_at: toUnixSeconds(inbox.created_at),
    updated_at: toUnixSeconds(inbox.updated_at),
  };
}
