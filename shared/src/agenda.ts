import { Agenda } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import type { Db } from 'mongodb';
import type { Registry } from 'prom-client';
import { instrumentAgendaJobs } from './metrics/agenda-metrics.js';
import { JobNotificationChannel } from './job-notification-channel.js';
import type { Logger } from './logger.js';

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
   * Lock lifetime of jobs defined without one, in milliseconds. Agenda also keeps a timer of half
   * this per running job, so tests use a short one to let the process exit promptly.
   */
  defaultLockLifetimeMs: number;
  logger: Logger;
  /** The service's Prometheus registry: job counters and durations by name (agenda-metrics.ts). */
  metrics?: Registry;
}

/** How long shutdown waits for running jobs to finish before leaving their locks to expire. */
export const AGENDA_DRAIN_TIMEOUT_MS = 10_000;

/**
 * Creates Agenda on an already-connected database and waits until it is ready: an Agenda whose
 * backend is not ready crashes the process on its first poll. Jobs are defined by the caller, which
 * then calls `agenda.start()`; `stopAgenda()` belongs in the shutdown sequence.
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
  agenda.on('error', (err) => options.logger.error({ err }, 'agenda error'));
  if (options.metrics) instrumentAgendaJobs(agenda, options.metrics);
  agenda.on('fail', (err, job) => {
    if (typeof err === 'string') return; // a notification from another process; that process logs it
    options.logger.warn({ err, job: job.attrs.name, jobId: String(job.attrs._id) }, 'job failed');
  });
  return agenda;
}

/**
 * Stops Agenda at shutdown: waits (up to `AGENDA_DRAIN_TIMEOUT_MS`) for running jobs to finish.
 * Draining, not `agenda.stop()`: stop() unlocks jobs that are still writing, so another worker could
 * start them while their writes here fail on the connection closed next. A job still running at
 * the deadline keeps its lock until the lock expires; every job is safe to run again.
 */
export async function stopAgenda(agenda: Agenda, logger: Logger): Promise<void> {
  const drained = await agenda.drain(AGENDA_DRAIN_TIMEOUT_MS);
  if (drained.timedOut) logger.warn({ running: drained.running }, 'jobs still running at shutdown; their locks will expire');
}
