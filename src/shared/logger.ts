import pino, { Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, name = 'contacts'): Logger {
  return pino({ name, level });
}
