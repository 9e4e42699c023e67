import type { Logger } from '../../../shared/src/logger.js';

/**
 * A decision about a run that an operator will want to find later: the limit held it back, a
 * person approved or cancelled it, environments were left alone, or the cron found a run active.
 */
export type RunEvent =
  | { event: 'awaiting-approval'; runId: string; maxShare: number; overLimit: string[] }
  | { event: 'approved'; runId: string; by: string; startedBy: string }
  | { event: 'cancelled'; runId: string; previousStatus: string; by: string }
  | { event: 'environments-skipped'; runId: string; skipped: Array<{ environment: string; reason: string }> }
  | { event: 'cron-skipped'; activeRunId: string; activeStatus: string };

/** Keeps run events where Agendash shows them (the `cleanup-run-event` job's data). */
export interface RunEventRecorder {
  record(event: RunEvent): Promise<void>;
}

/** Logs each run event with its run id and records it for Agendash. */
export class RunAudit {
  constructor(private readonly deps: { logger: Logger; recorder: RunEventRecorder }) {}

  async note(event: RunEvent, message: string): Promise<void> {
    this.deps.logger.info(event, message);
    try {
      await this.deps.recorder.record(event);
    } catch (err) {
      // The decision itself is already stored on the run; only its Agendash copy is missing.
      this.deps.logger.warn({ err, ...event }, 'could not record the run event for Agendash');
    }
  }
}
