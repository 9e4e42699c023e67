import { createMultiServiceLogger, type Logger, type LoggerOptions } from '../../shared/src/logger.js';

/** The demo's loggers: one root, and one child per service it runs, each line with one `service`. */
export function demoLoggers(options: Omit<LoggerOptions, 'name'>): { demo: Logger; games: Logger; rgs: Logger } {
  const root = createMultiServiceLogger({ ...options, name: 'demo' });
  return { demo: root.child({ service: 'demo' }), games: root.child({ service: 'games' }), rgs: root.child({ service: 'rgs' }) };
}
