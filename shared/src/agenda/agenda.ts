import { Agenda } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import type { Db } from 'mongodb';
import type { Registry } from 'prom-client';
import { DEFAULT_SHUTDOWN_DRAIN_MS } from '../config.js';
import { backendOf } from './backend-saves.js';
import { overlapRunStartWrites, type RunStartWrites } from './run-start.js';
import { AGENDA_JOBS_COLLECTION, JobHeartbeats, heartbeatsOf } from './job-heartbeat.js';
import { instrumentAgendaJobs } from '../metrics/agenda-metrics.js';
import { JobNotificationChannel } from './notification-channel.js';
import { stalledJobsGauge } from './stalled-jobs.js';
import type { Logger } from '../logger.js';

export interface AgendaFactoryOptions {
  /** The service's database; Agenda keeps its jobs in its `agendaJobs` collection. */
  db: Db;
  /** Identifies this worker in job locks (`lastModifiedBy`). */
  name: string;
  /**
   * How often to poll for due jobs, in milliseconds. A number, never a string: see DEVELOPERS.md.
   * Jobs saved while running start at once through the change-stream channel; polling is the fallback.
   */
  processEveryMs: number;
  /**
   * Lock lifetime of jobs defined without one, in milliseconds (JOB_LOCK_LIFETIME_MS, default 30 000).
   * Running jobs renew it on a timer (shared/src/agenda/job-heartbeat.ts), so it only bounds how long a
   * crashed process's job waits for another worker. Agenda also keeps a timer of half this per
   * running job, so tests use a short one to let the process exit promptly.
   */
  defaultLockLifetimeMs: number;
  logger: Logger;
  /**
   * The service's Prometheus registry: job counters and durations by name (agenda-metrics.ts), and
   * `agenda_jobs_stalled` (stalled-jobs.ts).
   */
  metrics?: Registry;
}

/** How long handed-over jobs get to reach their next step and stop, in milliseconds. */
export const AGENDA_HAND_OVER_GRACE_MS = 3_000;

/**
 * Creates Agenda on an already-connected database and waits until it is ready: an Agenda whose
 * backend is not ready crashes the process on its first poll. Jobs are defined by the caller, which
 * then calls `startAgenda()`; `stopAgenda()` belongs in the shutdown sequence.
 */
export async function createAgenda(options: AgendaFactoryOptions): Promise<Agenda> {
  const notificationChannel = new JobNotificationChannel(options.db);
  // An EventEmitter 'error' without a listener would crash the process; the channel reconnects by
  // itself (a MongoDB outage), and polling covers the gap.
  notificationChannel.on('error', (err) => options.logger.warn({ err }, 'job notification channel error; polling meanwhile'));
  const agenda = new Agenda({
    backend: new MongoBackend({ mongo: options.db }),
    notificationChannel,
    name: options.name,
    processEvery: options.processEveryMs,
    defaultLockLifetime: options.defaultLockLifetimeMs,
    // One-off jobs that succeeded are history only: removed, so the collection (and Agendash's
    // overview, which loads every job) stays proportional to live work. Failures stay visible in
    // Agendash until a retention job ages them out (`removeFinishedJobs`).
    removeOnComplete: true,
  });
  await agenda.ready;
  skipFinalSaveOfRemovedJobs(agenda);
  runStartWrites.set(agenda, overlapRunStartWrites(agenda, options.db.collection(AGENDA_JOBS_COLLECTION), options.logger));
  releaseLocksWithoutRejecting(agenda, options.logger);
  JobHeartbeats.attach(agenda, options.db, options.logger);
  agenda.on('error', (err) => options.logger.error({ err }, 'agenda error'));
  if (options.metrics) {
    instrumentAgendaJobs(agenda, options.metrics);
    stalledJobsGauge(agenda, options.db, options.metrics);
  }
  agenda.on('fail', (err, job) => {
    if (typeof err === 'string') return; // a notification from another process; that process logs it
    options.logger.warn({ err, job: job.attrs.name, jobId: String(job.attrs._id) }, 'job failed');
  });
  return agenda;
}

/** Each Agenda's run-start writes (agenda-run-start.ts): created with it, told by its processor which jobs are about to run. */
const runStartWrites = new WeakMap<Agenda, RunStartWrites>();

/**
 * A one-off job that succeeded is removed (`removeOnComplete`) right after Agenda's final save of
 * it, which only unlocks it: a round trip more before the process's slot frees (a Games operation
 * waited for one in bursts), an update for mongod, and a released lock, which the notification
 * channel passes on, so every process looks for a job to lock and finds none. That save is skipped;
 * every other one is kept: a failed run (its reason, its retry), a job due again (recurring, or
 * handed over at shutdown), and any save before the job succeeded. Should the removal then fail,
 * the job stays locked until its lock expires, and the next run finds its work done (every handler
 * is idempotent).
 */
function skipFinalSaveOfRemovedJobs(agenda: Agenda): void {
  const succeeded = new WeakSet<object>();
  // Emitted by `Job.run` after the handler returned and before its final save.
  agenda.on('success', (job: { attrs: object }) => succeeded.add(job.attrs));
  const backend = backendOf(agenda);
  const save = backend.saveJobState.bind(backend);
  backend.saveJobState = async (attrs, options) => {
    const removes = (agenda.definitions[attrs.name] as { removeOnComplete?: boolean } | undefined)?.removeOnComplete ?? agenda.attrs.removeOnComplete;
    const removedNext = succeeded.has(attrs) && attrs.nextRunAt == null && attrs.lockedAt == null && removes === true;
    succeeded.delete(attrs);
    if (!removedNext) return save(attrs, options);
  };
}

/**
 * Agenda releases a lock it will not use without awaiting the release (JobProcessor: a job locked
 * over the lock limit, a job due too far away), so a release that fails because MongoDB is
 * unreachable (a failover, an outage) would be an unhandled rejection, which ends the process. A
 * failed release is logged instead; the lock then expires after its lifetime and a worker takes the job.
 */
function releaseLocksWithoutRejecting(agenda: Agenda, logger: Logger): void {
  const backend = backendOf(agenda);
  const unlock = backend.unlockJob.bind(backend);
  backend.unlockJob = (attrs) =>
    unlock(attrs).catch((err: unknown) => logger.warn({ err, job: attrs.name, jobId: String(attrs._id) }, 'could not release a job lock; it expires after its lifetime'));
}

/** The part of Agenda's JobProcessor (agenda/dist/JobProcessor.js) that start and shutdown have to reach. */
interface JobProcessorInternals {
  isRunning: boolean;
  processInterval?: NodeJS.Timeout;
  notificationUnsubscribe?: () => void;
  lockedJobs: Array<{ attrs: { _id?: unknown } }>;
  runningJobs: unknown[];
  maxConcurrency: number;
  jobStatus: Record<string, { running: number } | undefined>;
  enqueueJob(job: { attrs: { name: string } }): void;
  jobProcessing(): Promise<void>;
  jobQueueFilling(name: string): Promise<void>;
  updateStatus(name: string, key: 'locked' | 'running', delta: number): void;
}

const jobProcessorOf = (agenda: Agenda) => (agenda as unknown as { jobProcessor?: JobProcessorInternals }).jobProcessor;

/**
 * Starts processing jobs, each as soon as it is locked. Agenda's queue filling locks every due job
 * it finds, one round trip each, and one more that finds none, and only then starts the first:
 * a burst of 8 Games operations waited 125 ms (p50 at 100,000 tables) between lock and start. Now
 * each locked job goes to the processing loop at once, which still respects every concurrency
 * limit and refuses to start anything once shutdown began (`stopTakingJobs`), and its handler
 * starts without waiting for the save of its start (agenda-run-start.ts).
 *
 * A job defined with a `lockLimit` leaves the other due jobs of its name unlocked, free for other
 * processes, instead of holding them in a local queue where their locks expire unrenewed; when one
 * of its jobs ends here, this process looks for the next at once, not at the next poll.
 */
export async function startAgenda(agenda: Agenda): Promise<void> {
  await agenda.start();
  const processor = jobProcessorOf(agenda);
  if (!processor) return;
  const fail = (err: unknown) => agenda.emit('error', err);
  serializeLockLimitedFills(agenda, processor);
  const updateStatus = processor.updateStatus.bind(processor);
  processor.updateStatus = (name, key, delta) => {
    updateStatus(name, key, delta);
    if (key === 'locked' && delta < 0 && agenda.definitions[name]?.lockLimit && processor.isRunning) {
      queueMicrotask(() => processor.jobQueueFilling(name).catch(fail));
    }
  };
  const enqueue = processor.enqueueJob.bind(processor);
  // Agenda's own test before running a job (JobProcessor.runOrRetry), which queues the job again
  // when it fails: processing only a job that can run now never turns that into a loop.
  const canRunNow = (name: string) =>
    processor.runningJobs.length < processor.maxConcurrency && (processor.jobStatus[name]?.running ?? 0) < (agenda.definitions[name]?.concurrency || Infinity);
  const starts = runStartWrites.get(agenda);
  processor.enqueueJob = (job) => {
    starts?.expect(job.attrs);
    enqueue(job);
    if (canRunNow(job.attrs.name)) queueMicrotask(() => processor.jobProcessing().catch(fail));
  };
}

/**
 * One queue filling at a time per lock-limited job name. Agenda fills a name's queue per
 * notification and per poll, concurrently, and each filling checks the lock limit before its lock
 * lands: two fills could both lock a job, the second then unlocking its own (another process saw
 * it locked meanwhile). A filling asked for while one runs (including Agenda's own recursion after
 * each lock) becomes one more filling after it, which locks up to the limit and stops.
 */
function serializeLockLimitedFills(agenda: Agenda, processor: JobProcessorInternals): void {
  const fill = processor.jobQueueFilling.bind(processor);
  const filling = new Map<string, { again: boolean }>();
  processor.jobQueueFilling = async (name) => {
    if (!agenda.definitions[name]?.lockLimit) return fill(name);
    const running = filling.get(name);
    if (running) {
      running.again = true;
      return;
    }
    const state = { again: true };
    filling.set(name, state);
    try {
      while (state.again && processor.isRunning) {
        state.again = false;
        await fill(name);
      }
    } finally {
      filling.delete(name);
    }
  };
}

/** Jobs this process locked, for `handOverJobs`; empty when Agenda was never started. */
export interface TakenJobs {
  lockedIds(): unknown[];
}

/**
 * Shutdown, step 1: take no new job. Agenda's `drain()` stops polling but still starts jobs it has
 * already locked and queued (and jobs a notification locks meanwhile), so the processor is marked
 * stopped first: `runOrRetry` then refuses to start anything. Running jobs go on.
 */
export function stopTakingJobs(agenda: Agenda): TakenJobs {
  const processor = jobProcessorOf(agenda);
  if (!processor) return { lockedIds: () => [] };
  processor.isRunning = false;
  clearInterval(processor.processInterval);
  processor.processInterval = undefined;
  processor.notificationUnsubscribe?.();
  processor.notificationUnsubscribe = undefined;
  return { lockedIds: () => processor.lockedJobs.map((job) => job.attrs._id) };
}

/**
 * Shutdown, step 2: lets running jobs finish for up to `drainMs` (SHUTDOWN_DRAIN_MS, default 8 s),
 * then hands the rest over (they stop at their next step, up to `AGENDA_HAND_OVER_GRACE_MS`), then
 * releases every job this process still holds: unlocked and, if it had started, due now. Another
 * process (or this one restarted) takes them within one poll instead of waiting for the locks to
 * expire. At most about 11 s with the defaults.
 */
export async function handOverJobs(agenda: Agenda, taken: TakenJobs, logger: Logger, drainMs: number): Promise<void> {
  const drained = await agenda.drain(drainMs);
  if (drained.timedOut) {
    const stuck = await heartbeatsOf(agenda).handOverAll(AGENDA_HAND_OVER_GRACE_MS);
    logger.warn({ running: drained.running, stuck }, 'jobs still running at the drain deadline were handed over');
  }
  const ids = taken.lockedIds();
  if (ids.length === 0) return;
  // A run's start landing after the release would write `nextRunAt: null` over "due now".
  await runStartWrites.get(agenda)?.settled();
  const released = await heartbeatsOf(agenda).releaseHeld(ids, agenda.attrs.name ?? '');
  logger.info({ released }, 'released the jobs this process held');
}

/** Both shutdown steps, for callers with nothing to do in between (tests, scripts). */
export async function stopAgenda(agenda: Agenda, logger: Logger, drainMs = DEFAULT_SHUTDOWN_DRAIN_MS): Promise<void> {
  await handOverJobs(agenda, stopTakingJobs(agenda), logger, drainMs);
}
