import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/**
 * The one pino root of a process. Entry points derive children that carry the ids a reader needs to
 * follow one request or operation: `logger.child({ operationId })`, `logger.child({ requestId })`.
 */
export function createLogger(options: { name: string; level: LevelWithSilent }): Logger {
  return pino({
    name: options.name,
    level: options.level,
    base: { service: options.name },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
