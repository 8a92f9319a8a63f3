import express from 'express';
import mongoose from 'mongoose';
import pino from 'pino';
import request from 'supertest';
import { errorHandler } from '../../src/shared/error-handler';

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
  });

  it('when the MongoDB server cannot be reached, then it is a 503 with Retry-After', async () => {
    const res = await failingWith(new mongoose.mongo.MongoNetworkError('connection refused'));
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('2');
  });
});
