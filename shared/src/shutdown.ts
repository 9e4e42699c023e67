import type { Logger } from './logger.js';

export type Stoppable = () => Promise<void>;

/**
 * Shutdown exits by this many milliseconds after the signal even if a step hangs (an unreachable
 * MongoDB), inside the 15 s an orchestrator usually grants before SIGKILL.
 */
export const SHUTDOWN_DEADLINE_MS = 14_000;

/**
 * Runs the given stop steps in order once, on SIGINT or SIGTERM, then exits. Steps are listed
 * outermost first: stop taking jobs and requests, hand Agenda's jobs over to another worker, then
 * close MongoDB. A second signal exits at once; so does reaching `SHUTDOWN_DEADLINE_MS`.
 */
export function stopOnSignals(steps: Stoppable[], logger: Logger): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'shutdown deadline reached: exiting now');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    runSteps(steps, logger).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}

export async function runSteps(steps: Stoppable[], logger: Logger): Promise<void> {
  let failed = false;
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      failed = true;
      logger.error({ err }, 'shutdown step failed');
    }
  }
  if (failed) throw new Error('shutdown incomplete');
}
