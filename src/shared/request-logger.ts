import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp } from 'pino-http';
import type { Logger } from './logger';
import { loggableUrl } from './redact';

export const REQUEST_ID_HEADER = 'X-Request-Id';

// A caller's id is kept when it could not break a log line or a header: what proxies and
// tracing tools send (UUIDs, hex, base64-ish tokens), nothing longer than 128 characters.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:/+=-]{1,128}$/;

function requestIdOf(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/**
 * Gives every request an id (the caller's `X-Request-Id` when sane, else a UUID), echoes it in
 * the response header, and a child logger `req.log` whose every line carries it as
 * `request_id`; logs one line when the response is done. Health and metrics scrapes are not
 * logged.
 */
export function createRequestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: requestIdOf,
    customAttributeKeys: { reqId: 'request_id' },
    // req.log carries the id only; the request itself is on the completion line.
    quietReqLogger: true,
    // Not the default request serializer: it logs every header, api_access_token included.
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, url: loggableUrl(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    // The error handler logs a failed request's error with its stack; this line is the summary.
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'warn' : 'info'),
    autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
  });
}
