import http from 'node:http';
import https from 'node:https';
import { ForbiddenAddressError, guardedLookup, outboundUrlProblem } from '../shared/outbound-address';
import { withoutSecrets } from '../shared/redact';
import { PermanentDeliveryError, TransientDeliveryError } from './delivery-errors';

/** How a provider is called: the time one call may take, and the hosts that may lead to internal addresses. */
export interface ProviderCall {
  timeoutMs: number;
  allowedHosts: readonly string[];
}

function describe(body: unknown, text: string): string {
  const b = body as { message?: unknown; error?: { message?: unknown } } | null;
  // Twilio puts the reason in `message`, the WhatsApp Cloud API in `error.message`.
  const detail = typeof b?.message === 'string' ? b.message : typeof b?.error?.message === 'string' ? b.error.message : text;
  return detail.slice(0, 500);
}

/** What an Authorization header gives away: the header's value, its token, and a Basic one's user:password and password. */
function credentialsOf(authorization: string | undefined): string[] {
  if (!authorization) return [];
  const [scheme = '', token = ''] = authorization.split(' ', 2);
  if (scheme.toLowerCase() !== 'basic') return [authorization, token];
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  return [authorization, token, decoded, decoded.slice(decoded.indexOf(':') + 1)];
}

class TimeoutError extends Error {}

/** node:http rather than fetch: its `lookup` lets the address be checked as the connection is made. */
function post(url: URL, headers: Record<string, string>, body: string, call: ProviderCall): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, lookup: guardedLookup(call.allowedHosts) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    const timer = setTimeout(() => req.destroy(new TimeoutError(`timed out after ${call.timeoutMs} ms`)), call.timeoutMs);
    req.on('error', reject);
    req.on('close', () => clearTimeout(timer));
    req.end(body);
  });
}

/** One HTTP call to a messaging provider; the error it throws says whether retrying can help. */
export async function postToProvider(provider: string, url: string, init: { headers: Record<string, string>; body: string }, call: ProviderCall): Promise<unknown> {
  // Checked again at delivery: the host may resolve elsewhere than when the inbox was saved.
  const problem = await outboundUrlProblem(url, call.allowedHosts);
  if (problem) throw new PermanentDeliveryError(`${provider} may not be called: ${problem}`);
  let res: { status: number; text: string };
  try {
    res = await post(new URL(url), init.headers, init.body, call);
  } catch (err) {
    if (err instanceof ForbiddenAddressError) throw new PermanentDeliveryError(`${provider} may not be called: ${err.message}`);
    // A header the inbox's settings make unsendable (a line break in a key saved before such keys
    // were refused): no retry can help.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_INVALID_CHAR' || code === 'ERR_INVALID_HTTP_TOKEN') throw new PermanentDeliveryError(`${provider} cannot be called with this inbox's settings: ${(err as Error).message}`);
    throw new TransientDeliveryError(`${provider} could not be reached: ${(err as Error).message}`);
  }
  let body: unknown = null;
  try {
    body = res.text ? JSON.parse(res.text) : null;
  } catch {
    body = null;
  }
  if (res.status >= 200 && res.status < 300) return body;
  // The reason is logged and shown on the message to every agent: a provider (or a proxy before
  // it) that echoes the request must not put the inbox's credentials there.
  const reason = withoutSecrets(`${provider} answered ${res.status}: ${describe(body, res.text)}`, credentialsOf(init.headers.authorization));
  // 429 is "later", not "never": treat it like a 5xx.
  if (res.status >= 500 || res.status === 429) throw new TransientDeliveryError(reason);
  throw new PermanentDeliveryError(reason);
}
