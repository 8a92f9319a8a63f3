import net from 'node:net';
import { createQueueFactory, redisErrorLog } from '../../src/shared/queues';

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('Redis connection errors', () => {
  // While Redis was away, ioredis printed each failed reconnect of a connection without a listener
  // as an "Unhandled error event" stack trace, plain text among the JSON log lines.
  it('when Redis cannot be reached, then every connection of the queues reports to the given listener, and ioredis prints nothing of its own', async () => {
    const printed = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const errors: Error[] = [];
    const factory = createQueueFactory(`redis://127.0.0.1:${await closedPort()}`, 'test-redis-errors', (err) => errors.push(err));
    try {
      factory.createQueue('one');
      factory.subscriberConnection();
      const deadline = Date.now() + 10000;
      while (errors.length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(errors.length).toBeGreaterThanOrEqual(3);
      expect(errors[0].message).toMatch(/ECONNREFUSED/);
      expect(printed.mock.calls.map((args) => String(args[0]))).not.toContainEqual(expect.stringContaining('Unhandled error event'));
    } finally {
      factory.disconnect();
      printed.mockRestore();
    }
  });

  it('when the same failure repeats, then it is logged once per period', () => {
    const warn = jest.fn();
    const log = redisErrorLog({ warn }, 60000);
    for (let i = 0; i < 5; i++) log(new Error('connect ECONNREFUSED'));
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toEqual({ err: 'connect ECONNREFUSED' });
  });
});
