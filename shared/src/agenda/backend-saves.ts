import type { Agenda } from 'agenda';
import type { Logger } from '../logger.js';
import type { JobWakeUps } from './job-wake-ups.js';

/**
 * A one-off job that succeeded is removed (`removeOnComplete`) right after Agenda's final save of
 * it, which only unlocks it: a round trip more before the process's slot frees, an update for
 * mongod, and a released lock, which the notification channel passes on, so every process looks for
 * a job to lock and finds none. That save is skipped; every other one is kept: a failed run (its
 * reason, its retry), a job due again (recurring, or handed over at shutdown), and any save before
 * the job succeeded. Should the removal then fail, the job stays locked until its lock expires, and
 * the next run finds its work done (every handler is idempotent).
 *
 * Relies on `Job.run` emitting `success` before its final save, with the attributes object it then
 * saves (pinned by tests/shared/agenda-contract.test.ts).
 */
export function skipFinalSaveOfRemovedJobs(agenda: Agenda): void {
  const succeeded = new WeakSet<object>();
  agenda.on('success', (job: { attrs: object }) => succeeded.add(job.attrs));
  const save = agenda.db.saveJobState.bind(agenda.db);
  agenda.db.saveJobState = async (attrs, options) => {
    const removes = agenda.definitions[attrs.name]?.removeOnComplete ?? agenda.attrs.removeOnComplete;
    const removedNext = succeeded.has(attrs) && attrs.nextRunAt == null && attrs.lockedAt == null && removes === true;
    succeeded.delete(attrs);
    if (!removedNext) return save(attrs, options);
  };
}

/**
 * Agenda releases a lock it will not use without awaiting the release (JobProcessor: a job locked
 * over the lock limit, a job due too far away), so a release that fails because MongoDB is
 * unreachable (a failover, an outage) would be an unhandled rejection, which ends the process. A
 * failed release is logged instead; the lock then expires after its lifetime and a worker takes the
 * job. Relies on every such release going through `agenda.db.unlockJob` (pinned by the contract test).
 */
export function releaseLocksWithoutRejecting(agenda: Agenda, logger: Logger): void {
  const unlock = agenda.db.unlockJob.bind(agenda.db);
  agenda.db.unlockJob = (attrs) =>
    unlock(attrs).catch((err: unknown) => logger.warn({ err, job: attrs.name, jobId: String(attrs._id) }, 'could not release a job lock; it expires after its lifetime'));
}

/**
 * The backend's own writes that leave a job runnable write a wake-up (job-wake-ups.ts) once they
 * land: a run's end that leaves the job due again (recurring, a retry after a failure, a job handed
 * over at shutdown), and a lock released unused (`unlockJob` only unlocks a job with a run time). The
 * saves of a locked job (a run's start, a heartbeat, a progress) write none. Relies on the processor
 * saving through `agenda.db.saveJobState` and releasing through `agenda.db.unlockJob` (pinned by
 * tests/shared/agenda-contract.test.ts). Before `releaseLocksWithoutRejecting`: a failed release
 * writes no wake-up.
 */
export function wakeOnRunnableSaves(agenda: Agenda, wakeUps: JobWakeUps): void {
  const wake = (attrs: { _id?: unknown; name: string; nextRunAt?: Date | null; priority?: number }) =>
    attrs.nextRunAt ? wakeUps.publish([{ name: attrs.name, jobId: attrs._id === undefined ? null : String(attrs._id), nextRunAt: attrs.nextRunAt, priority: attrs.priority }]) : Promise.resolve();
  const save = agenda.db.saveJobState.bind(agenda.db);
  agenda.db.saveJobState = async (attrs, options) => {
    await save(attrs, options);
    if (attrs.lockedAt == null) await wake(attrs);
  };
  const unlock = agenda.db.unlockJob.bind(agenda.db);
  agenda.db.unlockJob = async (attrs) => {
    await unlock(attrs);
    await wake(attrs);
  };
}
