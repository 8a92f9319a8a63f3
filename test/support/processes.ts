import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** A port free right now on loopback: children of parallel runs must not take each other's. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Child {
  process: ChildProcess;
  /** The JSON log lines the process has written so far (pino: each carries its pid). */
  logs: Record<string, unknown>[];
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
}

/** Starts `src/<entry>` as the scripts do (ts-node, transpile only), keeping its JSON log lines. */
export function startChild(entry: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Child {
  const child = spawn(process.execPath, [...nodeArgs, '-r', 'ts-node/register/transpile-only', path.join(ROOT, 'src', entry)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let rest = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop()!;
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line));
      } catch {
        // not a log line
      }
    }
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      if (code !== 0 && stderr) console.error(`${entry} exited ${code}: ${stderr}`);
      resolve(code);
    }),
  );
  return { process: child, logs, exited };
}

export async function waitForHealth(port: number, timeoutMs = 120000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`the API on port ${port} did not start`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function waitForLog(child: Child, msg: string, timeoutMs = 120000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!child.logs.some((line) => line.msg === msg)) {
    if (Date.now() > deadline) throw new Error(`no "${msg}" logged`);
    if (child.process.exitCode !== null) throw new Error(`exited ${child.process.exitCode} before logging "${msg}"`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** SIGTERM, then the exit code (SIGKILL past the timeout: a test must not leave processes behind). */
export async function stopChild(child: Child, timeoutMs = 20000): Promise<number | null> {
  if (child.process.exitCode !== null) return child.process.exitCode;
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), timeoutMs);
  try {
    return await child.exited;
  } finally {
    clearTimeout(timer);
  }
}

export const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
