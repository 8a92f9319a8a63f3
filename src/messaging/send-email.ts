import nodemailer from 'nodemailer';
import type { EmailSettings } from '../inboxes/inbox.model';
import { PermanentDeliveryError, TransientDeliveryError } from './delivery-errors';

/** SMTP through the inbox's server; answers the Message-ID. */
export async function sendEmail(settings: EmailSettings, mail: { to: string; subject: string; text: string }, timeoutMs: number): Promise<string> {
  const transport = nodemailer.createTransport({
    host: settings.smtp_address,
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
    const reason = `the SMTP server refused the message: ${e.message ?? String(err)}`;
    // SMTP's own convention: 5xx replies are permanent, 4xx replies and lost connections are not.
    if (typeof e.responseCode === 'number' && e.responseCode >= 500) throw new PermanentDeliveryError(reason);
    throw new TransientDeliveryError(reason);
  } finally {
    transport.close();
  }
}
