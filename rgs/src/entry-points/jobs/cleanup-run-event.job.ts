import type { Agenda } from 'agenda';
import type { RunEvent, RunEventRecorder } from '../../domain/run-audit.js';

export const CLEANUP_RUN_EVENT_JOB = 'cleanup-run-event';

/**
 * One job per run decision (held for approval, approved, cancelled, environments skipped, cron
 * skipped), so Agendash lists them by name with the run id in their data next to the jobs that did
 * the work. The handler does nothing: the job document is the record (the log line was written
 * when the decision was taken). Kept when done even with JOB_HISTORY_HOURS=0, and spared by the
 * finished-jobs retention: they are few, one per decision, and they are the record.
 */
export function defineCleanupRunEventJob(agenda: Agenda): void {
  agenda.define<RunEvent>(CLEANUP_RUN_EVENT_JOB, async () => {}, { removeOnComplete: false });
}

export function agendaRunEventRecorder(agenda: Agenda): RunEventRecorder {
  return {
    record: async (event) => {
      await agenda.now<RunEvent>(CLEANUP_RUN_EVENT_JOB, event);
    },
  };
}
