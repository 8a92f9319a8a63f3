import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';

/**
 * Sends a JSON array (bare, or as the one key of an object: `{"payload": [...]}`) page by page as the client reads it (backpressure), so memory holds one
 * page, not the list. The first page is read before the status is sent, so a failure there is
 * still an error answer; a failure later cuts the response short (invalid JSON to the client,
 * never a shorter list passing for the whole).
 */
export async function sendJsonArray(res: Response, pages: AsyncIterable<unknown[]>, wrap: { key?: string } = {}): Promise<void> {
  const iterator = pages[Symbol.asyncIterator]();
  const first = await iterator.next();
  async function* text() {
    yield wrap.key === undefined ? '[' : `{${JSON.stringify(wrap.key)}:[`;
    let comma = false;
    for (let page = first; !page.done; page = await iterator.next()) {
      let chunk = '';
      for (const item of page.value) {
        chunk += (comma ? ',' : '') + JSON.stringify(item);
        comma = true;
      }
      if (chunk) yield chunk;
    }
    yield wrap.key === undefined ? ']' : ']}';
  }
  res.status(200);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  await pipeline(Readable.from(text()), res);
}
