import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from '../../shared/src/logger.js';
import { requestLogFields } from '../../shared/src/request-scope.js';

/** A logger that keeps every line as an object, for asserting what an operator would see. */
export function capturedLogger(): { logger: Logger; lines: Array<Record<string, any>> } {
  const lines: Array<Record<string, any>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  // The services' own mixin, so lines written while serving a request carry its principal as in production.
  return { logger: pino({ level: 'info', mixin: requestLogFields }, stream), lines };
}
