import type { WhatsappSettings } from '../inboxes/inbox.model';
import { PermanentDeliveryError } from './delivery-errors';
import { postToProvider, type ProviderCall } from './post-to-provider';

/** WhatsApp Cloud API: a text message to the number's digits, bearer token; answers the wamid. */
export async function sendWhatsapp(settings: WhatsappSettings, to: string, body: string, call: ProviderCall): Promise<string> {
  const url = `${settings.provider_url}/${encodeURIComponent(settings.phone_number_id)}/messages`;
  const answer = (await postToProvider(
    'the WhatsApp provider',
    url,
    {
      headers: { authorization: `Bearer ${settings.api_key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: to.replace(/^\+/, ''),
        type: 'text',
        text: { preview_url: false, body },
      }),
    },
    call,
  )) as { messages?: { id?: unknown }[] } | null;
  const id = answer?.messages?.[0]?.id;
  if (typeof id !== 'string') throw new PermanentDeliveryError('the WhatsApp provider accepted the message but returned no id');
  return id;
}
