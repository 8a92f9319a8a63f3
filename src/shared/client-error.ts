import http from 'node:http';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

const KB = 1024;

/**
 * What Node answers on its own, before the app sees the request (a request line and headers past
 * its header limit, a request it cannot parse), answered as every other refusal is: a JSON
 * `{"error"}` saying what is wrong. Node's default writes the status with an empty body.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || (err.code === 'ECONNRESET' && !socket.readable)) {
      socket.destroy();
      return;
    }
    const [status, error] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, `the request line and headers are larger than ${http.maxHeaderSize / KB} KB, the server's limit; send long lists in a POST body (POST /contacts/filter takes any filter)`]
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'the request was not received in time']
          : [400, `the request is not valid HTTP (${err.code ?? 'parse error'})`];
    const body = JSON.stringify({ error, message: error });
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
