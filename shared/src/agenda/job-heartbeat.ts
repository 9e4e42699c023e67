import type { Agenda, Job } from 'agenda';
import { ObjectId, type Collection, type Db } from 'mongodb';
import type { Logger } from '../logger.js';
import type { JobWakeUps } from './job-wake-ups.js';

/** Agenda's collection (the MongoDB backend's default name). */
export const AGENDA_JOBS_COLLECTION = 'agendaJobs';

/**
 * A running job renews its lock this many times per lock lifetime, so one missed beat (a slow
 * primary, a GC pause) does not cost the lock.
 */
export const HEARTBEATS_PER_LOCK_LIFETIME = 3;

/** Thrown at a job's next step once its lock is gone: another worker may own the job now. */
export class JobLockLostError extends Error {
  constructor(
    readonly jobName: string,
    readonly reason: string,
  ) {
    super(`job ${jobName} lost its lock (${reason}); stopping at this step`);
    this.name = 'JobLockLostError';
  }
}

/** Thrown at a job's next step when this process shuts down: the job is handed to another worker. */
export class JobHandedOverError extends JobLockLostError {
  constructor(jobName: string) {
    super(jobName, 'this process is shutting down');
    this.name = 'JobHandedOverError';
  }
}

/** What a job handler holds while it runs: call `checkpoint()` between steps. */
export interface JobLease {
  /** Resolves while the lock is held; rejects with JobLockLostError once it is not. No I/O. */
  checkpoint(): Promise<void>;
  /** Progress in percent (0–100), written to the job with the next heartbeat (Agendash shows it). */
  progress(percent: number): void;
}

/** What `agenda.define` accepts as options. */
export type JobOptions = NonNullable<Parameters<Agenda['define']>[2]>;

export type LeasedJobHandler<T> = (job: Job<T>, lease: JobLease) => Promise<void>;

/** Agenda hands job ids to handlers as strings; the collection keys them by ObjectId. */
const jobObjectId = (id: unknown): ObjectId => new ObjectId(String(id));

type LeaseState = { kind: 'held' } | { kind: 'lost'; reason: string } | { kind: 'handed-over' };

/**
 * One run's lock. A timer renews `lockedAt` (only that field, compare-and-set on the value this run
 * wrote, so a lock another worker took after expiry is never stolen back) independent of the
 * handler's progress: a handler retrying write conflicts inside a transaction keeps its lock.
 */
class Lease implements JobLease {
  private state: LeaseState = { kind: 'held' };
  private lockedAt: Date | null;
  private percent: number | undefined;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly job: Job<unknown>,
    private readonly jobs: Collection,
    private readonly lockLifetimeMs: number,
    private readonly logger: Logger,
  ) {
    this.lockedAt = job.attrs.lockedAt ? new Date(job.attrs.lockedAt) : null;
  }

  get handedOver(): boolean {
    return this.state.kind === 'handed-over';
  }

  checkpoint = async (): Promise<void> => {
    // Agenda cancels a run whose lock expired but lets its handler go on; stop it here.
    const canceled = this.job.getCanceledMessage();
    if (canceled && this.state.kind === 'held') this.state = { kind: 'lost', reason: String(canceled) };
    if (this.state.kind === 'lost') throw new JobLockLostError(this.job.attrs.name, this.state.reason);
    if (this.state.kind === 'handed-over') throw new JobHandedOverError(this.job.attrs.name);
  };

  progress(percent: number): void {
    this.percent = Math.max(0, Math.min(100, Math.round(percent)));
  }

  handOver(): void {
    if (this.state.kind === 'held') this.state = { kind: 'handed-over' };
  }

  /** One heartbeat; never throws. Overlapping beats are skipped. */
  beat(): void {
    this.inFlight = this.inFlight.then(() => this.renew());
  }

  /** Waits for a heartbeat still on the wire, so none lands after Agenda's final save. */
  async settle(): Promise<void> {
    await this.inFlight;
  }

  private async renew(): Promise<void> {
    if (this.state.kind !== 'held') return;
    const id = jobObjectId(this.job.attrs._id);
    const now = new Date();
    try {
      const set: Record<string, unknown> = { lockedAt: now };
      if (this.percent !== undefined) set.progress = this.percent;
      const renewed = await this.jobs.updateOne({ _id: id, lockedAt: this.lockedAt }, { $set: set });
      if (renewed.matchedCount === 1) return this.renewedAt(now);
      const current = await this.jobs.findOne<{ lockedAt: Date | null; lastModifiedBy: string | null }>(
        { _id: id },
        { projection: { lockedAt: 1, lastModifiedBy: 1 } },
      );
      if (!current) return this.lose('the job was removed');
      // Released by a re-arm of a unique job (Agenda's save writes lockedAt: null): nobody else
      // holds it, so this run goes on; only Agenda's own copy is kept fresh.
      if (current.lockedAt == null) return this.renewedAt(now, { localOnly: true });
      this.lose(`locked since ${current.lockedAt.toISOString()} by ${current.lastModifiedBy ?? 'another worker'}`);
    } catch (err) {
      // MongoDB unreachable: keep trying; once the lock has run out another worker may take it.
      const heldFor = this.lockedAt ? now.getTime() - this.lockedAt.getTime() : Infinity;
      if (heldFor > this.lockLifetimeMs) this.lose('lock expired while MongoDB was unreachable');
      else this.logger.warn({ err, job: this.job.attrs.name }, 'job heartbeat failed; retrying');
    }
  }

  private renewedAt(now: Date, options: { localOnly?: boolean } = {}): void {
    if (!options.localOnly) this.lockedAt = now;
    // Agenda's own liveness check reads the in-memory copy.
    this.job.attrs.lockedAt = now;
  }

  private lose(reason: string): void {
    this.state = { kind: 'lost', reason };
    this.logger.warn({ job: this.job.attrs.name, jobId: String(this.job.attrs._id), reason }, 'job lost its lock; it stops at its next step');
  }
}

/** A job a process holds the lock of: its id, and its name (what a wake-up names). */
export interface HeldJob {
  _id?: unknown;
  name: string;
}

const registry = new WeakMap<Agenda, JobHeartbeats>();

/** The heartbeats of an Agenda made by `createAgenda` (shared/src/agenda/agenda.ts), which attaches them. */
export function heartbeatsOf(agenda: Agenda): JobHeartbeats {
  const heartbeats = registry.get(agenda);
  if (!heartbeats) throw new Error('this Agenda has no job heartbeats: create it with createAgenda()');
  return heartbeats;
}

/**
 * The one place job locks are kept alive. Every long job is defined through `define`, which runs the
 * handler with a lease renewed every lockLifetime/3 on a timer. At shutdown `handOverAll` makes
 * every running handler stop at its next step; the job is left due now and unlocked, for the next
 * worker.
 */
export class JobHeartbeats {
  private readonly leases = new Map<Lease, Promise<void>>();
  private readonly jobs: Collection;

  private constructor(
    private readonly agenda: Agenda,
    db: Db,
    private readonly logger: Logger,
    private readonly wakeUps: JobWakeUps,
  ) {
    this.jobs = db.collection(AGENDA_JOBS_COLLECTION);
  }

  /** Gives `agenda` its heartbeats; `heartbeatsOf(agenda)` finds them again. `wakeUps`: where released jobs wake the workers. */
  static attach(agenda: Agenda, db: Db, logger: Logger, wakeUps: JobWakeUps): JobHeartbeats {
    const heartbeats = new JobHeartbeats(agenda, db, logger, wakeUps);
    registry.set(agenda, heartbeats);
    return heartbeats;
  }

  /** `agenda.define` with a heartbeat: the handler gets a lease to check between its steps. */
  define<T>(name: string, handler: LeasedJobHandler<T>, options: JobOptions = {}): void {
    this.agenda.define<T>(name, (job) => this.run(job, handler), options);
  }

  /**
   * Tells every running handler to stop at its next step and waits up to `graceMs` for them.
   * Returns how many were still running at the deadline.
   */
  async handOverAll(graceMs: number): Promise<number> {
    for (const lease of this.leases.keys()) lease.handOver();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.allSettled(this.leases.values()), deadline]);
    clearTimeout(timer);
    return this.leases.size;
  }

  /**
   * Releases the jobs among `jobs` that `owner` (this process's Agenda name) still holds: unlocked,
   * and due now if they had started (a started one-off job has nextRunAt null, and would never run
   * again). A job that finished or that another worker took over is left alone. Then one wake-up
   * per name released, so a free process takes them at once. Returns how many.
   */
  async releaseHeld(jobs: HeldJob[], owner: string): Promise<number> {
    if (jobs.length === 0) return 0;
    const released = await this.jobs.updateMany(
      { _id: { $in: jobs.map((job) => jobObjectId(job._id)) }, lockedAt: { $ne: null }, lastModifiedBy: owner },
      [{ $set: { lockedAt: null, nextRunAt: { $ifNull: ['$nextRunAt', '$$NOW'] } } }],
    );
    if (released.modifiedCount > 0) {
      const now = new Date();
      await this.wakeUps.publish([...new Set(jobs.map((job) => job.name))].map((name) => ({ name, nextRunAt: now })));
    }
    return released.modifiedCount;
  }

  private async run<T>(job: Job<T>, handler: LeasedJobHandler<T>): Promise<void> {
    const lockLifetimeMs = this.agenda.definitions[job.attrs.name]!.lockLifetime;
    const lease = new Lease(job as Job<unknown>, this.jobs, lockLifetimeMs, this.logger);
    const timer = setInterval(() => lease.beat(), Math.max(100, Math.floor(lockLifetimeMs / HEARTBEATS_PER_LOCK_LIFETIME)));
    let done!: () => void;
    this.leases.set(lease, new Promise<void>((resolve) => (done = resolve)));
    try {
      await handler(job, lease);
    } catch (err) {
      if (!lease.handedOver) throw err;
      // Handed over at shutdown: not a failure. Agenda's final save writes these attributes, so
      // the job is unlocked and due now, and the next worker resumes it within a poll.
      job.attrs.nextRunAt = new Date();
      this.logger.info({ job: job.attrs.name, jobId: String(job.attrs._id) }, 'job handed over at shutdown');
    } finally {
      clearInterval(timer);
      await lease.settle();
      this.leases.delete(lease);
      done();
    }
  }
}
