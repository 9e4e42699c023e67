import { setTimeout as sleep } from 'node:timers/promises';
import { BaseNotificationChannel, toJobId, type JobNotification, type JobStateNotification, type NotificationChannelState } from 'agenda';
import { MongoClientClosedError, MongoTopologyClosedError, type Db, type FindCursor } from 'mongodb';
import { ensureJobWakeUps, JobWakeUps, type JobWakeUp, type StoredJobWakeUp } from './job-wake-ups.js';

/**
 * How long one wait of the tailing cursor lasts on the server before it answers empty and is asked
 * again, in milliseconds; also the longest `disconnect()` waits for the wait in flight.
 */
const TAIL_AWAIT_MS = 500;
/** The first and the longest pause before the cursor is opened again after an error, in milliseconds. */
const RETRY_MS = { first: 100, max: 5_000 } as const;

/**
 * Agenda's notification channel for one service: a wake-up in the capped `agendaWakeUps` collection
 * (job-wake-ups.ts) for every change that makes a job runnable, tailed by every process, so a job
 * saved by any process (a resolver, another worker, Agendash) starts at once in whichever process is
 * free instead of at the next poll. Polling stays as the fallback.
 *
 * Every path that makes a job runnable writes one: Agenda's `job.save()` through `publish`, the
 * backend's saves and releases through `wakeOnRunnableSaves` (backend-saves.ts), jobs queued in a
 * transaction once it commits (job-in-transaction.ts), and the locks a stopping process releases
 * (job-heartbeat.ts). Through a router the cursor reads from the one shard that holds the
 * collection; a change stream would merge every shard's stream, about a second later
 * (docs/decisions/0023).
 *
 * It also hands each job state change (start, success, fail, complete) of this process to its state
 * subscribers, so Agendash's live view updates itself.
 */
export class JobNotificationChannel extends BaseNotificationChannel {
  /** Where this process writes its wake-ups, whether or not it listens. */
  readonly wakeUps: JobWakeUps;
  /** From `connect()` to `disconnect()`. */
  private listening = false;
  /** The tail loop while listening. */
  private tailing: Promise<void> | undefined;
  private cursor: FindCursor<StoredJobWakeUp> | undefined;

  constructor(private readonly db: Db) {
    super({ channelName: 'agenda-jobs' });
    this.wakeUps = new JobWakeUps(db, (err) => this.emit('error', err));
  }

  /**
   * Agenda publishes a saved job only through a channel in state `connected`, and connects the
   * channel only in `start()`: a process that runs no jobs (RUN_JOBS=false) would then never wake
   * the workers. Writing a wake-up needs no listening, so this channel can always publish.
   */
  override get state(): NotificationChannelState {
    return this.listening ? super.state : 'connected';
  }

  /** Starts listening: every wake-up written from now on reaches the subscribers. */
  async connect(): Promise<void> {
    if (this.listening) return;
    this.listening = true;
    this.setState('connected');
    this.tailing = this.tail(new Date());
  }

  async disconnect(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    this.setState('disconnected');
    await this.cursor?.close().catch(() => undefined);
    await this.tailing;
    this.tailing = undefined;
    this.handlers.clear();
  }

  /** Agenda's `job.save()`: a wake-up when the saved job has a run time. */
  async publish(notification: JobNotification): Promise<void> {
    if (!notification.nextRunAt) return;
    await this.wakeUps.publish([{ name: notification.jobName, jobId: String(notification.jobId), nextRunAt: notification.nextRunAt, priority: notification.priority }]);
  }

  async publishState(notification: JobStateNotification): Promise<void> {
    await this.notifyStateHandlers(notification);
  }

  /**
   * Reads the wake-ups written since `since` as they arrive, until `disconnect()`. After an error
   * (a failover, an outage, the collection wrapped past this reader) it opens the cursor again from
   * the newest wake-up it saw, after a pause growing up to `RETRY_MS.max`; a wake-up read twice only
   * costs a lock attempt.
   */
  private async tail(since: Date): Promise<void> {
    let pauseMs: number = RETRY_MS.first;
    while (this.listening) {
      try {
        const wakeUps = await ensureJobWakeUps(this.db);
        if (!this.listening) return;
        this.cursor = wakeUps.find({ at: { $gte: since } }, { tailable: true, awaitData: true, maxAwaitTimeMS: TAIL_AWAIT_MS });
        for await (const wakeUp of this.cursor) {
          pauseMs = RETRY_MS.first;
          if (wakeUp.at > since) since = wakeUp.at;
          this.deliver(wakeUp);
        }
      } catch (err) {
        // A closed client is the process shutting down without disconnecting the channel first.
        if (err instanceof MongoClientClosedError || err instanceof MongoTopologyClosedError) return;
        if (this.listening) this.emit('error', err);
      } finally {
        await this.cursor?.close().catch(() => undefined);
        this.cursor = undefined;
      }
      if (!this.listening) return;
      // Unreferenced: a pause never keeps a stopping process alive.
      await sleep(pauseMs, undefined, { ref: false });
      pauseMs = Math.min(pauseMs * 2, RETRY_MS.max);
    }
  }

  private deliver(wakeUp: JobWakeUp & { at: Date }): void {
    const notification: JobNotification = {
      jobId: toJobId(String(wakeUp.jobId ?? '')),
      jobName: wakeUp.name,
      nextRunAt: wakeUp.nextRunAt,
      priority: wakeUp.priority ?? 0,
      timestamp: wakeUp.at,
      source: 'wake-up',
    };
    this.notifyHandlers(notification).catch((err: unknown) => this.emit('error', err));
  }
}
