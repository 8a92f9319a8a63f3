import { isMongoUnavailable } from '../../src/shared/mongo';

/** Node's error for a write to a socket the other end closed, as it surfaces from some place. */
const socketEnded = (from: string) =>
  Object.assign(new Error('This socket has been ended by the other party'), { code: 'EPIPE', stack: `Error: This socket has been ended by the other party\n    at ${from}` });

describe('which errors mean the database cannot be reached', () => {
  // Thrown unwrapped by the driver's connection as FerretDB shut down: two requests answered 500
  // in a black-box fault audit (17,000 requests over 55 restarts); the rest were 503s.
  it('when the driver writes to a socket the server closed, then it is a store away (503), also wrapped', () => {
    const driver = socketEnded('Connection.writeCommand (/app/node_modules/mongodb/lib/cmap/connection.js:301:14)');
    expect(isMongoUnavailable(driver)).toBe(true);
    expect(isMongoUnavailable(new Error('the merge failed', { cause: driver }))).toBe(true);
    expect(isMongoUnavailable(Object.assign(driver, { code: 'ECONNRESET' }))).toBe(true);
  });

  it('when the same socket error comes from elsewhere (a client that went away), then it is not the database', () => {
    expect(isMongoUnavailable(socketEnded('ServerResponse.write (node:_http_outgoing:1,2)'))).toBe(false);
    expect(isMongoUnavailable(new Error('boom'))).toBe(false);
  });
});
