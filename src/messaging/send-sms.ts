import type { SmsSettings } from '../inboxes/inbox.model';
import { PermanentDeliveryError } from './delivery-errors';
import { postToProvider, type ProviderCall } from './post-to-provider';

/** Twilio's Messages API: form-encoded To/From/Body, basic auth with the account SID; answers the message sid. */
export async function sendSms(settings: SmsSettings, to: string, body: string, call: ProviderCall): Promise<string> {
  const url = `${settings.provider_url}/2010-04-01/Accounts/${encodeURIComponent(settings.account_sid)}/Messages.json`;
  const answer = (await postToProvider(
    'the SMS provider',
    url,
    {
      headers: {
        authorization: `Basic ${Buffer.from(`${settings.account_sid}:${settings.auth_token}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ To: to, From: settings.phone_number, Body: body }).toString(),
    },
    call,
  )) as { sid?: unknown } | null;
  if (typeof answer?.sid !== 'string') throw new PermanentDeliveryError('the SMS provider accepted the message but returned no sid');
  return answer.sid;
}
