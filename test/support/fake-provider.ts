import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ProviderRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Reply = { status: number; body: unknown; delayMs?: number };

/**
 * Stands in for Twilio or the WhatsApp Cloud API on 127.0.0.1: records every request and
 * answers with the scripted replies first (503, 400, a slow answer…), then with `success`.
 */
export async function startFakeProvider(success: (n: number, req: ProviderRequest) => unknown) {
  const requests: ProviderRequest[] = [];
  const script: Reply[] = [];
  const answering = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      const reply = script.shift() ?? { status: 201, body: success(requests.length, recorded) };
      const timer = setTimeout(() => {
        answering.delete(timer);
        if (res.destroyed) return;
        res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
      }, reply.delayMs ?? 0);
      answering.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** Answers the next requests with these replies, in order. */
    failNext: (...replies: Reply[]) => script.push(...replies),
    /** Drops the answers still delayed, with their connections. */
    close: () => {
      answering.forEach(clearTimeout);
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface ReceivedMail {
  from: string;
  to: string[];
  user: string | undefined;
  /** The name the client greeted with (EHLO) and the AUTH method it logged in with. */
  helo: string;
  authMethod: string | undefined;
  raw: string;
}

/**
 * A real SMTP server on 127.0.0.1 that accepts mail for a login, refuses recipients at
 * reject.example for good (550) and those at busy.example once (450, accepted when tried again).
 */
export async function startSmtpServer(login: { user: string; pass: string }) {
  const received: ReceivedMail[] = [];
  const triedOnce = new Set<string>();
  const refuse = (code: number, text: string) => Object.assign(new Error(text), { responseCode: code });
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === login.user && auth.password === login.pass) return callback(null, { user: { name: auth.username, method: auth.method } });
      return callback(new Error('invalid credentials'));
    },
    onRcptTo(address, _session, callback) {
      if (address.address.endsWith('@reject.example')) return callback(refuse(550, 'mailbox unavailable'));
      if (address.address.endsWith('@busy.example') && !triedOnce.has(address.address)) {
        triedOnce.add(address.address);
        return callback(refuse(450, 'mailbox busy, try again later'));
      }
      return callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: (session.user as { name: string } | undefined)?.name,
          helo: session.hostNameAppearsAs,
          authMethod: (session.user as { method: string } | undefined)?.method,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
