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

export interface Mail {
  to: string;
  subject: string;
  text: string;
  cc?: string[];
  bcc?: string[];
}

/** The Message-ID the contact's copy went out with, and why some Cc or Bcc did not get theirs. */
export interface SentMail {
  messageId: string;
  copiesRefused: string | null;
}

/**
 * SMTP through the inbox's server, with Chatwoot's SMTP settings. The contact's copy goes first, in
 * a transaction of its own, and the Cc and Bcc copies after it in a second one: in one transaction a
 * server that refused the contact's address but took a Cc's delivered the message to the Cc alone,
 * and it was marked sent. So the contact's refusal fails (or retries) the message with no copy
 * sent, and a retry never sends the copies twice; a refused copy cannot fail a message the contact
 * has, and is said on it.
 */
export async function sendEmail(stored: EmailSettings, mail: Mail, { timeoutMs, allowedHosts }: ProviderCall): Promise<SentMail> {
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
  // Logged and shown to agents: a server that echoes the password (as sent, or base64 as AUTH sends it) must not put it there.
  const password = settings.smtp_password ?? '';
  const secrets = password ? [password, Buffer.from(password).toString('base64'), Buffer.from(`\u0000${settings.smtp_login ?? ''}\u0000${password}`).toString('base64')] : [];
  const problem = (err: unknown) => {
    const e = err as { responseCode?: number; message?: string; code?: string };
    // A server that never answered did not refuse anything (nodemailer's ECONNECTION, ETIMEDOUT, ESOCKET and DNS codes).
    const unreached = e.responseCode === undefined && ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS'].includes(e.code ?? '');
    return { code: e.responseCode, text: withoutSecrets(`${unreached ? 'could not be reached' : 'refused the message'}: ${e.message ?? String(err)}`, secrets) };
  };
  // Each address as one recipient: a string is parsed as a list, and a comma in an address stored
  // before the email rule refused it made a second recipient of what followed.
  const one = (address: string) => ({ name: '', address });
  const message = { from: settings.email, subject: mail.subject, text: mail.text, to: one(mail.to), cc: mail.cc?.map(one), bcc: mail.bcc?.map(one) };
  const copies = [...(mail.cc ?? []), ...(mail.bcc ?? [])];
  try {
    let messageId: string;
    try {
      messageId = (await transport.sendMail({ ...message, envelope: { from: settings.email, to: [one(mail.to)] } })).messageId;
    } catch (err) {
      const { code, text } = problem(err);
      // SMTP's own convention: 5xx replies are permanent, 4xx replies and lost connections are not.
      if (typeof code === 'number' && code >= 500) throw new PermanentDeliveryError(`the SMTP server ${text}`);
      throw new TransientDeliveryError(`the SMTP server ${text}`);
    }
    if (copies.length === 0) return { messageId, copiesRefused: null };
    try {
      const sent = await transport.sendMail({ ...message, messageId, envelope: { from: settings.email, to: copies.map(one) } });
      const refused = sent.rejected.map((address) => {
        const reply = sent.rejectedErrors?.find((e) => e.recipient === address)?.response;
        return reply ? `${address} (${withoutSecrets(reply, secrets)})` : address;
      });
      return { messageId, copiesRefused: refused.length ? `sent to the contact; the SMTP server refused the copy to ${refused.join(', ')}` : null };
    } catch (err) {
      return { messageId, copiesRefused: `sent to the contact; the copies to ${copies.join(', ')} were not sent: the SMTP server ${problem(err).text}` };
    }
  } finally {
    transport.close();
  }
}
