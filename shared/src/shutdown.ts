import type { Logger } from './logger.js';

export type Stoppable = () => Promise<void>;

/**
 * Runs the given stop steps in order once, on SIGINT or SIGTERM, then exits. Steps are listed
 * outermost first: stop taking requests, stop Agenda (it unlocks its jobs for another worker), then
 * close MongoDB. A second signal exits at once.
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
