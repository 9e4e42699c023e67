import type { Logger } from './logger.js';

export type Stoppable = () => Promise<void>;

/**
 * Shutdown exits by this many milliseconds after the signal even if a step hangs (an unreachable
 * MongoDB), inside the 15 s an orchestrator usually grants before SIGKILL.
 */
export const SHUTDOWN_DEADLINE_MS = 14_000;

/** Shutdown on signals, armed before a service starts; `stopWith` says what to stop once it has. */
export interface SignalShutdown {
  stopWith(steps: Stoppable[]): void;
}

/**
 * Stops the process on SIGINT or SIGTERM: runs the stop steps given to `stopWith` in order, once,
 * then exits. Steps are listed outermost first: stop taking jobs and requests, hand Agenda's jobs
 * over to another worker, then close MongoDB. Armed before start-up, so a signal that arrives
 * while the service starts (an orchestrator scaling down, a test stopping a worker it just
 * launched) does not kill it halfway, with jobs already locked: start-up finishes, then the steps
 * run. A second signal exits at once; so does reaching `SHUTDOWN_DEADLINE_MS` after the first.
 */
export function stopOnSignals(logger: Logger): SignalShutdown {
  let steps: Stoppable[] | null = null;
  let signalled = false;
  const stop = (toRun: Stoppable[]) =>
    runSteps(toRun, logger).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  const handler = (signal: NodeJS.Signals) => {
    if (signalled) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    signalled = true;
    logger.info({ signal, startingUp: steps === null }, steps ? 'shutting down' : 'shutting down once start-up is done');
    setTimeout(() => {
      logger.error({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'shutdown deadline reached: exiting now');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    if (steps) void stop(steps);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    stopWith(given) {
      steps = given;
      if (signalled) void stop(given);
    },
  };
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
