import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';

/**
 * Streams CSV lines to the response as the client reads them (backpressure), so memory stays
 * flat at any size. Once the first byte is out the status cannot change: a failure then cuts
 * the response short, which the client sees as an incomplete download, never as a whole file.
 */
export async function sendCsv(res: Response, fileName: string, lines: AsyncIterable<string>): Promise<void> {
  res.status(200);
  res.setHeader('content-type', 'text/csv; charset=utf-8');
  res.setHeader('content-disposition', `attachment; filename="${fileName.replace(/[^\w.-]/g, '_')}"`);
  await pipeline(Readable.from(lines), res);
}
