import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import mongoose from 'mongoose';
import pino from 'pino';
import request from 'supertest';
import { errorHandler } from '../../src/shared/error-handler';
import { sendCsv } from '../../src/shared/send-csv';

/** An app whose one route fails with `err`, answered by the error handler. */
const failingWith = (err: Error) => {
  const app = express();
  app.get('/', () => {
    throw err;
  });
  app.use(errorHandler(pino({ level: 'silent' })));
  return request(app).get('/');
};

describe('error handler', () => {
  it('when the server refuses a document key (EmptyFieldName, found by fuzzing), then it is a 422, not a 500', async () => {
    const res = await failingWith(new mongoose.mongo.MongoServerError({ code: 56, errmsg: "The update path 'a.' contains an empty field name, which is not allowed." }));
    expect(res.status).toBe(422);
    // The server's own text names the stored document's paths: the answer says the rule instead.
    expect(res.body.error).not.toMatch(/update path|a\./);
    expect(res.body.error).toMatch(/empty, start with "\$" or contain "\."/);
  });

  it('when the MongoDB server cannot be reached, then it is a 503 with Retry-After', async () => {
    const res = await failingWith(new mongoose.mongo.MongoNetworkError('connection refused'));
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('2');
  });
});

async function waitFor(check: () => boolean, what: string) {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** An app streaming CSV lines from `lines` through sendCsv, its errors answered by the error handler, logging into `logs`. */
function streamingApp(lines: () => AsyncIterable<string>) {
  const logs: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const app = express();
  app.get('/', async (_req, res, next) => {
    try {
      await sendCsv(res, 'x.csv', lines());
    } catch (err) {
      next(err);
    }
  });
  app.use(errorHandler(logger));
  return { app, logs };
}

describe('a streamed response that ends early', () => {
  // It was logged at error level as "response failed while streaming": a client that leaves is no server fault.
  it('when the client disconnects mid-download, then it is logged at info, not as an error', async () => {
    let produced = 0;
    const { app, logs } = streamingApp(async function* () {
      for (;;) {
        produced += 1;
        yield `${'x'.repeat(1000)}\r\n`;
        await new Promise((resolve) => setImmediate(resolve));
      }
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      await new Promise<void>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port, path: '/' }, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', () => undefined);
        req.on('timeout', reject);
      });
      await waitFor(() => logs.length > 0, 'the disconnect to be logged');
    } finally {
      server.close();
    }
    expect(produced).toBeGreaterThan(0);
    expect(logs.filter((l) => l.level >= 50)).toEqual([]);
    expect(logs).toContainEqual(expect.objectContaining({ level: 30, msg: 'client went away during a streamed response' }));
  });

  it('when the stream itself fails midway, then it is still logged as an error', async () => {
    const { app, logs } = streamingApp(async function* () {
      yield 'name\r\n';
      throw new Error('the search failed');
    });
    const res = await request(app)
      .get('/')
      .buffer(true)
      .parse((response, done) => {
        response.on('data', () => undefined);
        response.on('error', () => done(null, null));
        response.on('end', () => done(null, null));
      })
      .catch((err: Error) => err);
    expect(res).toBeDefined();
    await waitFor(() => logs.length > 0, 'the failure to be logged');
    expect(logs).toContainEqual(expect.objectContaining({ level: 50, msg: 'response failed while streaming' }));
  });
});
