import { isIP } from 'node:net';
import nodemailer from 'nodemailer';
import { SMTP_DEFAULTS, type EmailSettings } from '../inboxes/inbox.model';
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

const AUTH_METHODS = { plain: 'PLAIN', login: 'LOGIN', cram_md5: 'CRAM-MD5' } as const;

/** SMTP through the inbox's server, with Chatwoot's SMTP settings; answers the Message-ID. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  cc?: string[];
  bcc?: string[];
}

export async function sendEmail(stored: EmailSettings, mail: Mail, { timeoutMs, allowedHosts }: ProviderCall): Promise<string> {
  const settings = { ...SMTP_DEFAULTS, ...stored };
  if (!settings.smtp_enabled) throw new PermanentDeliveryError("the inbox's SMTP sending is switched off (smtp_enabled is false)");
  const host = settings.smtp_address;
  const verify = settings.smtp_openssl_verify_mode !== 'none';
  const transport = nodemailer.createTransport({
    // Connect to the address checked, and still verify the certificate for the name.
    host: await smtpAddress(host, allowedHosts),
    tls: { ...(isIP(host) ? {} : { servername: host }), rejectUnauthorized: verify },
    port: settings.smtp_port,
    secure: settings.smtp_enable_ssl_tls,
    ignoreTLS: !settings.smtp_enable_ssl_tls && !settings.smtp_enable_starttls_auto,
    ...(settings.smtp_domain ? { name: settings.smtp_domain } : {}),
    auth: settings.smtp_login ? { user: settings.smtp_login, pass: settings.smtp_password ?? '' } : undefined,
    ...(settings.smtp_authentication ? { authMethod: AUTH_METHODS[settings.smtp_authentication] } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  try {
    // Each address as one recipient: a string is parsed as a list, and a comma in an address stored
    // before the email rule refused it made a second recipient of what followed.
    const one = (address: string) => ({ name: '', address });
    const info = await transport.sendMail({ from: settings.email, ...mail, to: one(mail.to), cc: mail.cc?.map(one), bcc: mail.bcc?.map(one) });
    return info.messageId;
  } catch (err) {
    const e = err as { responseCode?: number; message?: string; code?: string };
    // Logged and shown to agents: a server that echoes the password (as sent, or base64 as AUTH sends it) must not put it there.
    const password = settings.smtp_password ?? '';
    const sent = [password, Buffer.from(password).toString('base64'), Buffer.from(`\u0000${settings.smtp_login ?? ''}\u0000${password}`).toString('base64')];
    // A server that never answered did not refuse anything (nodemailer's ECONNECTION, ETIMEDOUT, ESOCKET and DNS codes).
    const unreached = e.responseCode === undefined && ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS'].includes(e.code ?? '');
    const reason = withoutSecrets(`the SMTP server ${unreached ? 'could not be reached' : 'refused the message'}: ${e.message ?? String(err)}`, password ? sent : []);
    // SMTP's own convention: 5xx replies are permanent, 4xx replies and lost connections are not.
    if (typeof e.responseCode === 'number' && e.responseCode >= 500) throw new PermanentDeliveryError(reason);
    throw new TransientDeliveryError(reason);
  } finally {
    transport.close();
  }
}
