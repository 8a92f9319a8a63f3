// What the benchmarks share: running the API and the worker as child processes (so their memory
// and CPU can be read apart from the benchmark's own), and reading the memory and CPU of processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

/**
 * The worker's heap cap, as `npm run start:worker` sets it (package.json); BENCH_WORKER_EXTRA_ARGS
 * (space-separated) adds flags, such as `--cpu-prof` to see where an import's time goes.
 */
export const WORKER_NODE_ARGS = ['--max-old-space-size=256', '--max-semi-space-size=32', ...(process.env.BENCH_WORKER_EXTRA_ARGS ?? '').split(' ').filter(Boolean)];

/**
 * The API's node flags, as `npm start` sets them; BENCH_API_NODE_ARGS (space-separated) replaces
 * them for a comparison.
 */
export const API_NODE_ARGS = process.env.BENCH_API_NODE_ARGS !== undefined ? process.env.BENCH_API_NODE_ARGS.split(' ').filter(Boolean) : [];

export function startProcess(entry: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, '-r', 'ts-node/register/transpile-only', path.join(ROOT, entry)], { env, stdio: ['ignore', 'inherit', 'inherit'] });
}

function statusField(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)![1]) / 1024;
}

/** The most resident memory the process has had since it started, in MB. */
export const peakMemoryMb = (pid: number) => statusField(pid, 'VmHWM');

/** CPU time (user + system) the process has used since it started, in seconds. */
export function cpuSeconds(pid: number): number {
  // Fields 14 and 15 of /proc/<pid>/stat (utime, stime), counted after the command's closing
  // parenthesis (it may hold spaces), in clock ticks of 1/100 s (Linux's USER_HZ).
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * The local services' processes (scripts/services.sh writes their pid files), for the benchmarks'
 * CPU accounting; a service not started by that script (MONGODB_URI given, a cluster) is left out.
 */
export function servicePids(): Record<string, number> {
  const data = process.env.SERVICES_DIR ?? path.join(ROOT, '.local');
  const files = { elasticsearch: 'es-run/es.pid', ferretdb: 'ferretdb.pid', redis: 'redis/redis.pid' };
  const pids: Record<string, number> = {};
  for (const [name, file] of Object.entries(files)) {
    try {
      const pid = Number(readFileSync(path.join(data, file), 'utf8').trim());
      if (pid > 0 && existsSync(`/proc/${pid}/stat`)) pids[name] = pid;
    } catch {
      // not started by services.sh: not counted
    }
  }
  return pids;
}

/** CPU seconds each process used between start() and stop(). */
export function cpuMeter(pids: Record<string, number>) {
  let first: Record<string, number> = {};
  const read = () => Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
  return {
    start() {
      first = read();
    },
    stop(): Record<string, number> {
      const last = read();
      return Object.fromEntries(Object.keys(pids).map((name) => [name, last[name] - first[name]]));
    },
  };
}

/** Resident memory now, in MB. */
export const residentMemoryMb = (pid: number) => statusField(pid, 'VmRSS');

export async function waitForHealth(port: number): Promise<void> {
  for (let i = 0; ; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
    if (ok) return;
    if (i > 120) throw new Error('API did not start');
    await new Promise((r) => setTimeout(r, 500));
  }
}

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
