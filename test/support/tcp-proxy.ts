import net from 'node:net';
import type { Config } from '../../src/config';
import { createElasticsearchClient } from '../../src/shared/elasticsearch';
import { startTestContext, testConfig } from './context';

/**
 * A TCP proxy in front of a real local service, so that a test can take the service away from
 * one process (every connection cut, new ones refused) or make it hang, and give it back, on the
 * same port, without stopping the service that other tests share.
 */
export async function startTcpProxy(targetPort: number) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  let frozen = false;

  function listen(): Promise<void> {
    if (server?.listening) return Promise.resolve();
    server = net.createServer((client) => {
      const upstream = net.connect(targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => undefined);
      }
      // Bytes pass unless frozen; frozen, they are dropped and the connections stay open.
      client.on('data', (chunk) => frozen || upstream.write(chunk));
      upstream.on('data', (chunk) => frozen || client.write(chunk));
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    return new Promise((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(port, '127.0.0.1', () => {
        port = (server!.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  await listen();
  return {
    get port() {
      return port;
    },
    /** Refuses new connections and cuts the open ones. */
    async cut(): Promise<void> {
      const closed = new Promise((resolve) => server!.close(resolve));
      for (const s of sockets) s.destroy();
      await closed;
    },
    /** Accepts connections again, on the same port. */
    restore: listen,
    /** Answers nothing and closes nothing (a server that hangs): until thawed, bytes either way are dropped. */
    freeze(): void {
      frozen = true;
    },
    thaw(): void {
      frozen = false;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => (server?.listening ? server.close(resolve) : resolve(undefined)));
    },
  };
}

/**
 * A test context that reaches Elasticsearch through a proxy the test can cut, so that the shared
 * node stays up for everyone else. Close the context before the proxy.
 */
export async function startContextBehindElasticsearchProxy(options: { worker?: boolean; config?: Config } = {}) {
  const config = options.config ?? testConfig();
  const proxy = await startTcpProxy(Number(new URL(config.ELASTICSEARCH_URL).port || 9200));
  const ctx = await startTestContext({ worker: options.worker, config, es: createElasticsearchClient(`http://127.0.0.1:${proxy.port}`) });
  return { proxy, ctx };
}

/**
 * A test context that reaches MongoDB through a proxy the test can cut (server selection given
 * up after 500 ms), so that the shared server stays up for everyone else. `stop` restores the
 * proxy (a test may have left it cut), closes the context, then the proxy.
 */
export async function startContextBehindMongoProxy(options: { worker?: boolean; config?: Partial<Record<keyof Config, string>> } = {}) {
  const mongoUrl = new URL(process.env.TEST_MONGODB_URI ?? 'mongodb://127.0.0.1:27017/contacts_test');
  const proxy = await startTcpProxy(Number(mongoUrl.port || 27017));
  const uri = `mongodb://127.0.0.1:${proxy.port}${mongoUrl.pathname}`;
  const ctx = await startTestContext({ worker: options.worker ?? false, config: testConfig({ MONGODB_URI: uri, MONGO_TIMEOUT_MS: '500', ...options.config }) });
  const stop = async () => {
    await proxy.restore().catch(() => undefined);
    await ctx.close().catch(() => undefined);
    await proxy.close();
  };
  return { proxy, ctx, stop };
}
