import type { Config } from '../../src/config';
import { startTestContext } from './context';
import { startFakeProvider } from './fake-provider';
import { createInbox } from './inboxes';

/** A context with its worker, an account, a fake Twilio on loopback and an SMS inbox sending through it. */
export async function startSmsTestbed(config: Config) {
  const ctx = await startTestContext({ config });
  const account = await ctx.createAccount();
  const twilio = await startFakeProvider((n) => ({ sid: `SM${n}`, status: 'queued' }));
  const sms: { id: number } = await createInbox(ctx, account, { type: 'sms', provider_url: twilio.url, account_sid: 'AC123', auth_token: 'twilio-token', phone_number: '+15550001111' });
  return {
    ctx,
    account,
    twilio,
    sms,
    /** The SMS bodies the provider received, in order. */
    bodiesSent: () => twilio.requests.map((r) => new URLSearchParams(r.body).get('Body')),
    close: async () => {
      await ctx.close();
      await twilio.close();
    },
  };
}
