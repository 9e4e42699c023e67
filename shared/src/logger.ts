import { pino, type Logger, type LevelWithSilent } from 'pino';
import { PinoPretty } from 'pino-pretty';
import { requestLogFields } from './request-scope.js';

export type { Logger };

/** The ids that let a reader follow one cleanup across both services; pretty lines show them first. */
const TRACE_IDS = ['runId', 'serverId', 'dispatchId', 'gamesOperationId', 'operationId', 'requestId'];

/**
 * True for a person reading a terminal in development: coloured one-line logs. Anything else (a
 * pipe, a file, a container's log driver, production) gets JSON lines, one object per line.
 */
export function wantsPrettyLogs(nodeEnv: string, stdout: { isTTY?: boolean } = process.stdout): boolean {
  return nodeEnv === 'development' && stdout.isTTY === true;
}

/**
 * The one pino root of a process. Entry points derive children that carry the ids a reader needs to
 * follow one request or operation: `logger.child({ operationId })`, `logger.child({ requestId })`.
 * `pretty` (default false) formats with pino-pretty in this thread (no worker: nothing is lost at exit).
 */
export function createLogger(options: { name: string; level: LevelWithSilent; pretty?: boolean }): Logger {
  // The mixin adds the request id and principal to every line written while serving a request.
  const base = { name: options.name, level: options.level, base: { service: options.name }, timestamp: pino.stdTimeFunctions.isoTime, mixin: requestLogFields };
  if (options.pretty) {
    return pino(
      base,
      PinoPretty({
        colorize: true,
        sync: true,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname,name,service',
        // "[rgs] run 65a… dispatch 65b… slice cleaned…": the ids a reader follows, before the message
        messageFormat: (log, messageKey) => {
          const ids = TRACE_IDS.filter((key) => log[key] !== undefined).map((key) => `${key}=${String(log[key])}`);
          return `[${String(log.service)}] ${ids.length ? `${ids.join(' ')} ` : ''}${String(log[messageKey] ?? '')}`;
        },
      }),
    );
  }
  return pino({ ...base, formatters: { level: (label) => ({ level: label }) } });
}
