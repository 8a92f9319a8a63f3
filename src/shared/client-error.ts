import http from 'node:http';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

const KB = 1024;

export interface RequestTimeouts {
  /** The whole request, body included (Node's requestTimeout). */
  requestSeconds: number;
  /** The request line and headers (Node's headersTimeout); at most requestSeconds. */
  headersSeconds: number;
}

/** Node's defaults: 300 s for a request, 60 s for its headers. */
export const DEFAULT_REQUEST_TIMEOUTS: RequestTimeouts = { requestSeconds: 300, headersSeconds: 60 };

/**
 * What Node answers on its own, before the app sees the request (a request line and headers past
 * its header limit, a request it cannot parse, one not received in time), answered as every other
 * refusal is: a JSON `{"error"}` saying what is wrong and which limit. Node's default writes the
 * status with an empty body. A slow client holds its connection until the timeouts, which are the
 * server's: named in the 408 (SPEC §9, every limit is named), set by REQUEST_TIMEOUT_SECONDS.
 */
export function answerClientErrors(server: Server, timeouts: RequestTimeouts = DEFAULT_REQUEST_TIMEOUTS): void {
  server.requestTimeout = timeouts.requestSeconds * 1000;
  server.headersTimeout = Math.min(timeouts.headersSeconds, timeouts.requestSeconds) * 1000;
  const late = `the request was not received in time: its headers must arrive within ${server.headersTimeout / 1000} s and the whole request within ${timeouts.requestSeconds} s (REQUEST_TIMEOUT_SECONDS)`;
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || (err.code === 'ECONNRESET' && !socket.readable)) {
      socket.destroy();
      return;
    }
    const [status, error] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, `the request line and headers are larger than ${http.maxHeaderSize / KB} KB, the server's limit; send long lists in a POST body (POST /contacts/filter takes any filter)`]
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, late]
          : [400, `the request is not valid HTTP (${err.code ?? 'parse error'})`];
    const body = JSON.stringify({ error, message: error });
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
