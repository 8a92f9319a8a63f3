import { spawn } from 'node:child_process';
import path from 'node:path';
import { settleWithin } from '../../src/shared/lifecycle';

const ROOT = path.resolve(__dirname, '../..');

/** Runs runUntilSignal in a process of its own with this shutdown, sends SIGTERM once it is ready, answers its exit code. */
function exitCodeAfterSigterm(shutdown: string, timeoutMs: number): Promise<number | null> {
  const script = `
    const { runUntilSignal } = require('./src/shared/lifecycle');
    const logger = require('pino')({ level: 'silent' });
    runUntilSignal(logger, ${shutdown}, ${timeoutMs});
    setInterval(() => undefined, 1000);
    console.log('ready');`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) child.kill('SIGTERM');
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code));
  });
}

describe('shutdown', () => {
  it('when the shutdown finishes, then the process exits 0', async () => {
    expect(await exitCodeAfterSigterm('() => Promise.resolve()', 5000)).toBe(0);
  });

  it('when the shutdown never finishes (a dependency gone), then the process still exits, with 1, at the deadline', async () => {
    expect(await exitCodeAfterSigterm('() => new Promise(() => undefined)', 200)).toBe(1);
  });

  it('when the shutdown fails, then the process exits 1', async () => {
    expect(await exitCodeAfterSigterm('() => Promise.reject(new Error("no"))', 5000)).toBe(1);
  });

  it('settleWithin says whether a step finished, failed or ran out of time, and never rejects', async () => {
    expect(await settleWithin(Promise.resolve(1), 1000)).toBe('done');
    expect(await settleWithin(Promise.reject(new Error('x')), 1000)).toBe('failed');
    expect(await settleWithin(new Promise(() => undefined), 10)).toBe('timed out');
  });
});
