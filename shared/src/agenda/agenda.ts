import { Agenda } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import type { Db } from 'mongodb';
import type { Registry } from 'prom-client';
import { DEFAULT_SHUTDOWN_DRAIN_MS } from '../config.js';
import { lockOnlyDueJobs, lockOnlyWhatCanStart, processEachJobOnceLocked, refillOnRelease, releaseLocksExpiredInQueue, serializeFills, startedJobProcessorOf, stopProcessor } from './job-processor.js';
import { releaseLocksWithoutRejecting, skipFinalSaveOfRemovedJobs, wakeOnRunnableSaves } from './backend-saves.js';
import { overlapRunStartWrites, type RunStartWrites } from './run-start.js';
import { AGENDA_JOBS_COLLECTION, JobHeartbeats, heartbeatsOf, type HeldJob } from './job-heartbeat.js';
import { instrumentAgendaJobs } from '../metrics/agenda-metrics.js';
import type { JobWakeUps } from './job-wake-ups.js';
import { JobNotificationChannel } from './notification-channel.js';
import { stalledJobsGauge } from './stalled-jobs.js';
import type { Logger } from '../logger.js';

export interface AgendaFactoryOptions {
  /** The service's database; Agenda keeps its jobs in its `agendaJobs` collection. */
  db: Db;
  /** Identifies this worker in job locks (`lastModifiedBy`). */
  name: string;
  /**
   * How often to poll for due jobs, in milliseconds. A number: Agenda parses a string as a human interval (`'5 seconds'`) and falls back to 5 s when it cannot.
   * Jobs saved while running start at once through the wake-ups (notification-channel.ts); polling is the fallback.
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
  /**
   * Keep one-off jobs that succeed, for Agendash to show what ran (JOB_HISTORY_HOURS > 0; aged out by
   * `scheduleFinishedJobsRetention`). Default false: removed at once, without Agenda's final save.
   */
  keepFinishedJobs?: boolean;
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
  // An EventEmitter 'error' without a listener would crash the process; the channel reopens its
  // cursor by itself (a MongoDB outage), and polling covers the gap.
  notificationChannel.on('error', (err) => options.logger.warn({ err }, 'job notification channel error; polling meanwhile'));
  const agenda = new Agenda({
    backend: new MongoBackend({ mongo: options.db }),
    notificationChannel,
    name: options.name,
    processEvery: options.processEveryMs,
    defaultLockLifetime: options.defaultLockLifetimeMs,
    // Kept, they are Agendash's history of what ran, aged out by the retention job (finished-jobs.ts);
    // else removed at once, so the collection (and Agendash's overview, which loads every job of a
    // name) stays proportional to live work. Failures are kept either way, until the retention.
    removeOnComplete: !options.keepFinishedJobs,
  });
  await agenda.ready;
  skipFinalSaveOfRemovedJobs(agenda);
  wakeUpsByAgenda.set(agenda, notificationChannel.wakeUps);
  runStartWrites.set(agenda, overlapRunStartWrites(agenda, options.db.collection(AGENDA_JOBS_COLLECTION), options.logger));
  wakeOnRunnableSaves(agenda, notificationChannel.wakeUps);
  releaseLocksWithoutRejecting(agenda, options.logger);
  lockOnlyDueJobs(agenda);
  JobHeartbeats.attach(agenda, options.db, options.logger, notificationChannel.wakeUps);
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

/** Each Agenda's wake-up writer, its notification channel's (job-wake-ups.ts). */
const wakeUpsByAgenda = new WeakMap<Agenda, JobWakeUps>();

/** Where `agenda`'s process writes wake-ups: one writer per Agenda, shared by everything that queues its jobs. */
export function wakeUpsOf(agenda: Agenda): JobWakeUps {
  const wakeUps = wakeUpsByAgenda.get(agenda);
  if (!wakeUps) throw new Error('this Agenda has no job wake-ups: create it with createAgenda()');
  return wakeUps;
}

/** Each Agenda's run-start writes (run-start.ts): created with it, told by its processor which jobs are about to run. */
const runStartWrites = new WeakMap<Agenda, RunStartWrites>();

/**
 * Starts processing jobs, each as soon as it is locked (job-processor.ts), its handler starting
 * without waiting for the save of its start (run-start.ts). Only jobs that can start now are locked,
 * one filling at a time per name, and a name is looked for again as soon as one of its jobs ends here.
 */
export async function startAgenda(agenda: Agenda): Promise<void> {
  await agenda.start();
  const processor = startedJobProcessorOf(agenda);
  const fail = (err: unknown) => agenda.emit('error', err);
  lockOnlyWhatCanStart(agenda, processor);
  serializeFills(processor);
  refillOnRelease(agenda, processor, fail);
  releaseLocksExpiredInQueue(processor);
  const starts = runStartWrites.get(agenda);
  if (!starts) throw new Error('this Agenda has no run-start writes: create it with createAgenda()');
  processEachJobOnceLocked(agenda, processor, (attrs) => starts.expect(attrs), fail);
}

/** Jobs this process locked, for `handOverJobs`; empty when Agenda was never started. */
export interface TakenJobs {
  locked(): HeldJob[];
}

/**
 * Shutdown, step 1: take no new job (`stopProcessor`: Agenda's `drain()` would still start the jobs
 * it has locked and queued). Running jobs go on.
 */
export function stopTakingJobs(agenda: Agenda): TakenJobs {
  if (!agenda.isActiveJobProcessor()) return { locked: () => [] };
  const processor = startedJobProcessorOf(agenda);
  stopProcessor(processor);
  return { locked: () => processor.lockedJobs.map((job) => job.attrs) };
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
  const held = taken.locked();
  if (held.length === 0) return;
  // A run's start landing after the release would write `nextRunAt: null` over "due now".
  await runStartWrites.get(agenda)?.settled();
  const released = await heartbeatsOf(agenda).releaseHeld(held, agenda.attrs.name ?? '');
  logger.info({ released }, 'released the jobs this process held');
}

/** Both shutdown steps, for callers with nothing to do in between (tests, scripts). */
export async function stopAgenda(agenda: Agenda, logger: Logger, drainMs = DEFAULT_SHUTDOWN_DRAIN_MS): Promise<void> {
  await handOverJobs(agenda, stopTakingJobs(agenda), logger, drainMs);
}
