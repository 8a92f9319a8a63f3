import { isIP } from 'node:net';
import nodemailer from 'nodemailer';
import type { EmailSettings } from '../inboxes/inbox.model';
import { ForbiddenAddressError, pinnedAddress } from '../shared/outbound-address';
import { withoutSecrets } from '../shared/redact';
import { PermanentDeliveryError, TransientDeliveryError } from './delivery-errors';
import type { ProviderCall } from './post-to-provider';

/** The SMTP server's address, checked as the connection will use it (a name that leads inside is refused). */
async function smtpAddress(host: string, allowedHosts: readonly string[]): Promise<string> {
  try {
    return await pinnedAddress(host, allowedHosts);
  } catch (err) {
    if (err instanceof ForbiddenAddressError) throw new PermanentDeliveryError(`the SMTP server may not be called: ${err.message}`);
    throw new TransientDeliveryError(`the SMTP server could not be reached: ${(err as Error).message}`);
  }
}

/** SMTP through the inbox's server; answers the Message-ID. */
export async function sendEmail(settings: EmailSettings, mail: { to: string; subject: string; text: string }, { timeoutMs, allowedHosts }: ProviderCall): Promise<string> {
  const host = settings.smtp_address;
  const transport = nodemailer.createTransport({
    // Connect to the address checked, and still verify the certificate for the name.
    host: await smtpAddress(host, allowedHosts),
    ...(isIP(host) ? {} : { tls: { servername: host } }),
    port: settings.smtp_port,
    secure: settings.smtp_enable_ssl_tls,
    auth: settings.smtp_login ? { user: settings.smtp_login, pass: settings.smtp_password ?? '' } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  try {
    const info = await transport.sendMail({ from: settings.email, ...mail });
    return info.messageId;
  } catch (err) {
    const e = err as { responseCode?: number; message?: string };
    // Logged and shown to agents: a server that echoes the password (as sent, or base64 as AUTH sends it) must not put it there.
    const password = settings.smtp_password ?? '';
    const sent = [password, Buffer.from(password).toString('base64'), Buffer.from(`\u0000${settings.smtp_login ?? ''}\u0000${password}`).toString('base64')];
    const reason = withoutSecrets(`the SMTP server refused the message: ${e.message ?? String(err)}`, password ? sent : []);
    // SMTP's own convention: 5xx replies are permanent, 4xx replies and lost connections are not.
    if (typeof e.responseCode === 'number' && e.responseCode >= 500) throw new PermanentDeliveryError(reason);
    throw new TransientDeliveryError(reason);
  } finally {
    transport.close();
  }
}
