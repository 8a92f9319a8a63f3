import { PermanentDeliveryError, TransientDeliveryError } from './delivery-errors';

function describe(body: unknown, text: string): string {
  const b = body as { message?: unknown; error?: { message?: unknown } } | null;
  // Twilio puts the reason in `message`, the WhatsApp Cloud API in `error.message`.
  const detail = typeof b?.message === 'string' ? b.message : typeof b?.error?.message === 'string' ? b.error.message : text;
  return detail.slice(0, 500);
}

/** One HTTP call to a messaging provider; the error it throws says whether retrying can help. */
export async function postToProvider(provider: string, url: string, init: RequestInit, timeoutMs: number): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, method: 'POST', signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const reason = (err as Error).name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : (err as Error).message;
    throw new TransientDeliveryError(`${provider} could not be reached: ${reason}`);
  }
  const text = await res.text().catch(() => '');
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (res.ok) return body;
  const reason = `${provider} answered ${res.status}: ${describe(body, text)}`;
  // 429 is "later", not "never": treat it like a 5xx.
  if (res.status >= 500 || res.status === 429) throw new TransientDeliveryError(reason);
  throw new PermanentDeliveryError(reason);
}
