import { createHmac } from 'node:crypto';
import request from 'supertest';
import { buildApp } from '../../src/app';
import { sendSms } from '../../src/messaging/send-sms';
import { sendWhatsapp } from '../../src/messaging/send-whatsapp';
import { sendEmail } from '../../src/messaging/send-email';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { capturedLogger } from '../support/captured-logger';
import { startFakeProvider } from '../support/fake-provider';
import { startTestContext, type TestAccount, type TestContext } from '../support/context';

let ctx: TestContext;
let account: TestAccount;

beforeAll(async () => {
  ctx = await startTestContext({ worker: false });
  account = await ctx.createAccount();
});
afterAll(() => ctx.close());

describe('secrets in logs', () => {
  it('when requests carry tokens, passwords, inbox secrets and identifier hashes (even a token put in the query string by mistake), then no log line holds any of them', async () => {
    const { logger, lines } = capturedLogger('debug');
    const http = request(buildApp({ ...ctx.deps, logger }));
    const token = account.adminToken;

    await http.get(account.path(`/contacts?api_access_token=${token}`)).expect(401);
    await http.get(`/api/v1/profile?access_token=${token}&password=Query-Password-1`).expect(401);
    await http.get(account.path('/contacts/no-such-route/x')).set('api_access_token', token).query({ api_access_token: token }).expect(404);

    await http.post('/auth/sign_in').send({ email: 'nobody@example.com', password: 'Sign-In-Password-1' }).expect(401);
    const smtp = await http
      .post(account.path('/inboxes'))
      .set('api_access_token', token)
      .send({ name: 'Mail', channel: { type: 'email', email: 'from@example.com', smtp_address: '127.0.0.1', smtp_port: 2525, smtp_login: 'u', smtp_password: 'Smtp-Password-1' } });
    expect(smtp.status).toBe(200);
    const web = await http.post(account.path('/inboxes')).set('api_access_token', token).send({ name: 'Site', channel: { type: 'web_widget', website_url: 'https://shop.example' } });
    expect(web.status).toBe(200);
    const hash = createHmac('sha256', web.body.hmac_token).update('visitor-1').digest('hex');
    await http.post(`/public/api/v1/inboxes/${web.body.inbox_identifier}/contacts`).send({ identifier: 'visitor-1', identifier_hash: hash }).expect(200);

    const logged = lines.join('\n');
    expect(lines.length).toBeGreaterThan(5);
    for (const secret of [token, 'Query-Password-1', 'Sign-In-Password-1', 'Smtp-Password-1', web.body.hmac_token, hash]) expect(logged).not.toContain(secret);
    // The query string is still logged, with each secret's value replaced.
    expect(logged).toContain('api_access_token=[redacted]');
  });

  it("when a messaging provider's error answer echoes the credentials it was sent, then the failure reason (logged, and shown on the message) does not hold them", async () => {
    const provider = await startFakeProvider(() => ({}));
    try {
      const call = { timeoutMs: 5000, allowedHosts: ['127.0.0.1'] };
      const sms = { provider_url: provider.url, account_sid: 'AC123', auth_token: 'Sms-Auth-Token-1', phone_number: '+15550001111' };
      const whatsapp = { provider_url: provider.url, api_key: 'Whatsapp-Api-Key-1', phone_number_id: '123', phone_number: '+15550002222' };
      const basic = Buffer.from('AC123:Sms-Auth-Token-1').toString('base64');
      // What a provider (or a proxy before it) that echoes the request would answer.
      provider.failNext(
        { status: 400, body: { message: `bad request: Basic ${basic} (AC123:Sms-Auth-Token-1)` } },
        { status: 400, body: { error: { message: 'invalid token Bearer Whatsapp-Api-Key-1' } } },
      );
      const smsError = await sendSms(sms, '+14155550100', 'hi', call).catch((err: Error) => err.message);
      const whatsappError = await sendWhatsapp(whatsapp, '+14155550100', 'hi', call).catch((err: Error) => err.message);
      expect(smsError).toContain('the SMS provider answered 400: bad request');
      expect(whatsappError).toContain('the WhatsApp provider answered 400: invalid token');
      for (const text of [smsError, whatsappError]) for (const secret of ['Sms-Auth-Token-1', basic, 'Whatsapp-Api-Key-1']) expect(text).not.toContain(secret);
    } finally {
      await provider.close();
    }
  });

  it("when an SMTP server's refusal echoes the password it was given, then the failure reason does not hold it", async () => {
    const server = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      logger: false,
      onAuth: (auth, _session, callback) => callback(new Error(`no user ${auth.username} with password ${auth.password}`)),
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const { port } = server.server.address() as AddressInfo;
      const settings = { email: 'from@example.com', smtp_address: '127.0.0.1', smtp_port: port, smtp_login: 'mailer', smtp_password: 'Smtp-Password-2', smtp_enable_ssl_tls: false };
      const reason = await sendEmail(settings, { to: 'ana@example.com', subject: 's', text: 't' }, { timeoutMs: 5000, allowedHosts: ['127.0.0.1'] }).catch((err: Error) => err.message);
      expect(reason).toContain('the SMTP server refused the message');
      expect(reason).toContain('no user mailer with password');
      expect(reason).not.toContain('Smtp-Password-2');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
