import type { Connection } from 'mongoose';
import { connectMongo, writesEndWhenSocketCloses } from '../../src/shared/mongo';

// Reaches into the driver (mongodb 6.20) to recreate, without stopping a shared server, the moment
// of a FerretDB restart that left the API answering 503 until it was restarted: a socket Node has
// destroyed (the server's FIN handled) whose 'close' has not been emitted yet, written to.
interface DriverConnection {
  socket: { destroy(): void };
}
interface DriverServer {
  requestCheck(): void;
  monitor: { connection: DriverConnection | null; monitorId?: { isExecutionInProgress: boolean; lastExecutionEnded: number } };
  pool: { connections: Iterable<DriverConnection> };
}

const uri = `${process.env.TEST_MONGODB_URI ?? 'mongodb://127.0.0.1:27017/contacts_test'}_write_on_closed_socket`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const hrNow = () => {
  const [s, ns] = process.hrtime();
  return Math.floor(s * 1000 + ns / 1e6);
};

describe('a command written to a socket that is closing', () => {
  let conn: Connection;
  let server: DriverServer;
  const heartbeats: string[] = [];

  beforeAll(async () => {
    conn = await connectMongo(uri, { timeoutMs: 1500, socketTimeoutMs: 5000 });
    const client = conn.getClient();
    for (const name of ['serverHeartbeatSucceeded', 'serverHeartbeatFailed']) client.on(name, () => heartbeats.push(name));
    server = [...(client as unknown as { topology: { s: { servers: Map<string, DriverServer> } } }).topology.s.servers.values()][0];
  });
  afterAll(async () => {
    await conn?.close(true);
  });

  it('the guard is in place (a driver upgrade that moves Connection.writeCommand fails here)', () => {
    expect(writesEndWhenSocketCloses).toBe(true);
  });

  // Before: the heartbeat hung for good, the monitor never checked the server again, and once
  // a pooled connection's error marked the server Unknown every operation failed server selection.
  it('when the heartbeat is woken while its socket is being closed, then it fails and the next one reconnects', async () => {
    const monitor = server.monitor;
    while (!monitor.connection) await sleep(50);
    // A wake-up runs a check at once only when the last one ended at least 500 ms ago.
    while (monitor.monitorId!.isExecutionInProgress || hrNow() - monitor.monitorId!.lastExecutionEnded < 600) await sleep(20);
    heartbeats.length = 0;
    monitor.connection.socket.destroy();
    server.requestCheck(); // what server selection does for a server it cannot use
    for (let i = 0; i < 50 && !heartbeats.includes('serverHeartbeatSucceeded'); i++) await sleep(100);
    expect(heartbeats[0]).toBe('serverHeartbeatFailed');
    expect(heartbeats).toContain('serverHeartbeatSucceeded');
    expect(monitor.monitorId!.isExecutionInProgress).toBe(false);
  });

  // Before: the read waited forever with its pooled connection (its socket timeout does not run on a destroyed socket).
  it('when an operation is written to a pooled connection being closed, then it does not hang', async () => {
    const collection = conn.db!.collection('probe');
    await collection.findOne({ _id: 1 as never });
    for (const pooled of server.pool.connections) pooled.socket.destroy();
    const outcome = await Promise.race([
      collection.findOne({ _id: 1 as never }).then(() => 'answered', (err: Error) => `failed: ${err.name}`),
      sleep(8000).then(() => 'hung'),
    ]);
    expect(outcome).not.toBe('hung');
  });
});
