import type { Agenda } from 'agenda';
import { outsideRequestScope } from '../../../../shared/src/request-scope.js';
import { heartbeatsOf } from '../../../../shared/src/agenda/job-heartbeat.js';
import type { DispatchTrigger } from '../../domain/game-table-cleanup.service.js';
import type { OutboxDispatcherService } from '../../domain/outbox-dispatcher.service.js';

export const DISPATCH_TO_GAMES_JOB = 'dispatch-to-games';

/** The periodic run, and the one re-armed each time a slice is written (`trigger`). */
export type DispatchToGamesJobData = { trigger: 'interval' } | { trigger: 'slice-written' };

/**
 * Sends due outbox rows to Games. One at a time per worker: the rows are claimed one by one, so a
 * second worker elsewhere is safe, but two rounds in one process would only compete.
 */
export function defineDispatchToGamesJob(agenda: Agenda, deps: { dispatcher: OutboxDispatcherService; lockLifetimeMs: number }): void {
  heartbeatsOf(agenda).define<DispatchToGamesJobData>(
    DISPATCH_TO_GAMES_JOB,
    async (_job, lease) => {
      await deps.dispatcher.dispatchDue(lease.checkpoint);
    },
    { concurrency: 1, lockLifetime: deps.lockLifetimeMs },
  );
}

/** The safety net besides the trigger: retries fall due here, and rows written by a crashed process. */
export async function scheduleDispatchToGames(agenda: Agenda, options: { intervalMs: number }): Promise<void> {
  await agenda.every(options.intervalMs, DISPATCH_TO_GAMES_JOB, { trigger: 'interval' } satisfies DispatchToGamesJobData);
}

/**
 * Wakes the dispatcher: re-arms an idle wake-up job to run now, or adds one when every wake-up job
 * is locked by a running (or queued) round. Re-arming a running one-off job is a lost wake-up:
 * Agenda writes `nextRunAt: null` over it when the round ends, and the slice committed after the
 * round's last claim would wait for the interval. A locked job is never touched, so the wake-up
 * always starts a round after it was saved. At most one idle wake-up exists at a time (the
 * upsert re-arms it), so a burst of slices still costs one round per running one.
 */
export function agendaDispatchTrigger(agenda: Agenda): DispatchTrigger {
  return {
    trigger: async () => {
      await agenda
        .create<DispatchToGamesJobData>(DISPATCH_TO_GAMES_JOB, { trigger: 'slice-written' })
        .unique({ 'data.trigger': 'slice-written', lockedAt: null })
        .schedule(new Date())
        .save();
    },
  };
}

/**
 * The trigger the cleaner uses: a round running in this process takes the slice at once (see
 * `OutboxDispatcherService.wake`); otherwise the wake-up job starts a round in whichever process
 * is free, through the notification channel.
 */
export function localFirstDispatchTrigger(agenda: Agenda, dispatcher: OutboxDispatcherService): DispatchTrigger {
  const throughJob = agendaDispatchTrigger(agenda);
  return {
    trigger: async () => {
      // A lane joins a round that sends other dispatches too: not the calling request's work.
      if (!outsideRequestScope(() => dispatcher.wake())) await throughJob.trigger();
    },
  };
}
