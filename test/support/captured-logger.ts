import pino, { type Level } from 'pino';

/** A logger whose lines a test reads: `lines` as written (JSON text), `records()` parsed. */
export function capturedLogger(level: Level = 'info') {
  const lines: string[] = [];
  const logger = pino({ level }, { write: (line: string) => lines.push(line) });
  return { logger, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
