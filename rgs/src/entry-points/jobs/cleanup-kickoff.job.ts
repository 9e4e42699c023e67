import type { Agenda } from 'agenda';
import { Types } from 'mongoose';
import { heartbeatsOf } from '../../../../shared/src/agenda/job-heartbeat.js';
import type { CleanupKickoffService, KickoffScheduler, KickoffTrigger } from '../../domain/cleanup-kickoff.service.js';

export const CLEANUP_KICKOFF_JOB = 'cleanup-kickoff';

/**
 * A manual kickoff names its run (created by `startCleanup`, or approved by `approveCleanupRun`:
 * `trigger`, absent on jobs from before approvals); the scheduled one creates a run itself.
 */
export type CleanupKickoffJobData = { runId: string; trigger?: KickoffTrigger } | { scheduled: true };

const SCHEDULED: CleanupKickoffJobData = { scheduled: true };

export function defineCleanupKickoffJob(agenda: Agenda, deps: { kickoff: CleanupKickoffService; lockLifetimeMs: number }): void {
  heartbeatsOf(agenda).define<CleanupKickoffJobData>(
    CLEANUP_KICKOFF_JOB,
    async (job, lease) => {
      const data = job.attrs.data;
      if ('runId' in data) await deps.kickoff.kickoff(new Types.ObjectId(data.runId), lease.checkpoint);
      else await deps.kickoff.runScheduled(lease.checkpoint);
    },
    // A failed kickoff marks its run FAILED; a new run is the retry.
    { concurrency: 1, lockLifetime: deps.lockLifetimeMs },
  );
}

/**
 * Schedules the kickoff on `cron` in `timeZone`, or removes a schedule left by an earlier
 * configuration when `cron` is unset (runs then start only through `startCleanup`).
 */
export async function scheduleCleanupKickoff(agenda: Agenda, options: { cron: string | undefined; timeZone: string }): Promise<void> {
  if (!options.cron) {
    await agenda.cancel({ name: CLEANUP_KICKOFF_JOB, data: SCHEDULED });
    return;
  }
  await agenda.every(options.cron, CLEANUP_KICKOFF_JOB, SCHEDULED, { timezone: options.timeZone, skipImmediate: true });
}

export function agendaKickoffScheduler(agenda: Agenda): KickoffScheduler {
  return {
    enqueueKickoff: async (runId, trigger) => {
      await agenda
        .create<CleanupKickoffJobData>(CLEANUP_KICKOFF_JOB, { runId: String(runId), trigger })
        // One job per run and trigger: an approval needs a kickoff of its own, the first one has finished.
        .unique({ 'data.runId': String(runId), 'data.trigger': trigger }, { insertOnly: true })
        .schedule(new Date())
        .save();
    },
  };
}
