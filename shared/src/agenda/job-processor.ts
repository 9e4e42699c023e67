import type { Agenda } from 'agenda';

/**
 * The members of Agenda's JobProcessor (agenda/dist/JobProcessor.js, private in its types) that this
 * adapter reads or wraps. `tested-internals.ts` checks each of them at start-up, and
 * tests/shared/agenda-contract.test.ts pins the behaviour the wrappers rely on.
 */
export interface JobProcessorInternals {
  isRunning: boolean;
  processInterval?: NodeJS.Timeout;
  notificationUnsubscribe?: () => void;
  lockedJobs: Array<{ attrs: { _id?: unknown; name: string } }>;
  runningJobs: unknown[];
  maxConcurrency: number;
  jobStatus: Record<string, { running: number; locked: number } | undefined>;
  enqueueJob(job: LockedJob): void;
  jobProcessing(): Promise<void>;
  jobQueueFilling(name: string): Promise<void>;
  shouldLock(name: string): boolean;
  updateStatus(name: string, key: 'locked' | 'running', delta: number): void;
}

/** A job this processor locked (Agenda's Job): its `isExpired` is what `jobProcessing` asks before starting it. */
export interface LockedJob {
  attrs: { name: string; _id?: unknown };
  isExpired(): Promise<boolean>;
}

/** Agenda's processor: it exists from `agenda.start()` until `stop()`/`drain()` completes. */
export function jobProcessorOf(agenda: Agenda): JobProcessorInternals | undefined {
  return (agenda as unknown as { jobProcessor?: JobProcessorInternals }).jobProcessor;
}

/** The processor of a started Agenda; throws when Agenda no longer keeps it where this adapter looks. */
export function startedJobProcessorOf(agenda: Agenda): JobProcessorInternals {
  const processor = jobProcessorOf(agenda);
  if (!processor) throw new Error('agenda.start() left no `jobProcessor` on the Agenda: the installed agenda is not the one shared/src/agenda/ was tested with (docs/dependencies.md)');
  return processor;
}

/** What the processor tells about each job it locked and is about to run. */
export type OnJobEnqueued = (attrs: object) => void;

/**
 * Each locked job goes to the processing loop at once instead of after the whole queue filling
 * (Agenda locks every due job it finds, one round trip each, and only then starts the first). The
 * loop still respects every concurrency limit, and `runOrRetry` still refuses to start anything
 * once the processor is stopped (`stopProcessor`).
 */
export function processEachJobOnceLocked(agenda: Agenda, processor: JobProcessorInternals, onEnqueued: OnJobEnqueued, fail: (err: unknown) => void): void {
  const enqueue = processor.enqueueJob.bind(processor);
  // Agenda's own test before running a job (JobProcessor.runOrRetry), which queues the job again
  // when it fails: processing only a job that can run now never turns that into a loop.
  const canRunNow = (name: string) =>
    processor.runningJobs.length < processor.maxConcurrency && (processor.jobStatus[name]?.running ?? 0) < (agenda.definitions[name]?.concurrency || Infinity);
  processor.enqueueJob = (job) => {
    onEnqueued(job.attrs);
    enqueue(job);
    if (canRunNow(job.attrs.name)) queueMicrotask(() => processor.jobProcessing().catch(fail));
  };
}

/**
 * A job is locked only when this process can start it now: no more locks of a name than its
 * `concurrency`, and no more in all than the processor's `maxConcurrency`, on top of Agenda's own
 * lock limits. Agenda would lock every due job it finds into a local queue, where the locks are not
 * renewed (the heartbeat renews running jobs only, job-heartbeat.ts): behind a backlog they expire,
 * and another process, or this one, takes the job again while the first copy starts late. Left
 * unlocked, the waiting jobs stay free for whichever process has a slot (`refillOnRelease`).
 */
export function lockOnlyWhatCanStart(agenda: Agenda, processor: JobProcessorInternals): void {
  const shouldLock = processor.shouldLock.bind(processor);
  processor.shouldLock = (name) => {
    const locked = processor.jobStatus[name]?.locked ?? 0;
    const slots = agenda.definitions[name]?.concurrency || Infinity;
    return locked < slots && processor.lockedJobs.length < processor.maxConcurrency && shouldLock(name);
  };
}

/**
 * Only due jobs are locked: Agenda's filling also locks jobs due within the next poll interval
 * (to start each on a timer), and with locks limited to what can start, such a job would hold a
 * slot of its name until its time while a job due now waits; RGS's recurring outbox round, locked
 * ahead, kept a slice's wake-up waiting up to a poll. A job due later is locked by the first
 * filling after its time instead: the poll (every `processEveryMs`), a wake-up, or a slot freed
 * here. The backend's `getNextJobToRun` is part of Agenda's public repository interface; a job whose
 * lock expired is still taken over as before (`lockDeadline`).
 */
export function lockOnlyDueJobs(agenda: Agenda): void {
  const repository = agenda.db;
  const getNextJobToRun = repository.getNextJobToRun.bind(repository);
  repository.getNextJobToRun = (jobName, nextScanAt, lockDeadline, now, options) => {
    const dueBy = now ?? new Date();
    return getNextJobToRun(jobName, nextScanAt < dueBy ? nextScanAt : dueBy, lockDeadline, now, options);
  };
}

/**
 * Agenda drops a queued job whose lock expired before its turn (`jobProcessing`: another process
 * may hold it by now) without counting its lock as released here. With locks limited to what can
 * start, that name would then never be locked again by this process: so the release is counted when
 * that happens, and the job is looked for again (`refillOnRelease`). A running job's expiry check
 * (Agenda's `isDead`) is left alone: its release is counted when it ends.
 */
export function releaseLocksExpiredInQueue(processor: JobProcessorInternals): void {
  const enqueue = processor.enqueueJob.bind(processor);
  processor.enqueueJob = (job) => {
    const isExpired = job.isExpired.bind(job);
    job.isExpired = async () => {
      const expired = await isExpired();
      const index = processor.lockedJobs.indexOf(job);
      if (expired && index !== -1 && !processor.runningJobs.includes(job)) {
        processor.lockedJobs.splice(index, 1);
        processor.updateStatus(job.attrs.name, 'locked', -1);
      }
      return expired;
    };
    enqueue(job);
  };
}

/**
 * With locks limited to what can start (`lockOnlyWhatCanStart`), a job ending here frees a slot the
 * next due job would otherwise wait a poll for: its name is looked for again at once, and every name
 * when the process had as many jobs locked as it runs at once.
 */
export function refillOnRelease(agenda: Agenda, processor: JobProcessorInternals, fail: (err: unknown) => void): void {
  const updateStatus = processor.updateStatus.bind(processor);
  const fill = (name: string) => queueMicrotask(() => processor.jobQueueFilling(name).catch(fail));
  processor.updateStatus = (name, key, delta) => {
    updateStatus(name, key, delta);
    if (key !== 'locked' || delta >= 0 || !processor.isRunning) return;
    // Agenda counts the release after taking the job off `lockedJobs`: one more was locked before.
    if (processor.lockedJobs.length + 1 >= processor.maxConcurrency) for (const other of Object.keys(agenda.definitions)) fill(other);
    else fill(name);
  };
}

/**
 * One queue filling at a time per job name (agenda#1118). Agenda fills a name's queue per
 * notification and per poll, concurrently, and each filling checks the lock limit before its lock
 * lands: two fills could both lock a job, the second then unlocking its own (another process saw it
 * locked meanwhile). A filling asked for while one runs (including Agenda's own recursion after
 * each lock) becomes one more filling after it, which locks up to the limit and stops.
 */
export function serializeFills(processor: JobProcessorInternals): void {
  const fill = processor.jobQueueFilling.bind(processor);
  const filling = new Map<string, { again: boolean }>();
  processor.jobQueueFilling = async (name) => {
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

/**
 * Marks the processor stopped without unlocking anything: no poll, no notification, and
 * `runOrRetry` refuses to start the jobs already locked and queued, which Agenda's `drain()` would
 * still start (it keeps `isRunning` true until the running jobs end). Running jobs go on.
 */
export function stopProcessor(processor: JobProcessorInternals): void {
  processor.isRunning = false;
  clearInterval(processor.processInterval);
  processor.processInterval = undefined;
  processor.notificationUnsubscribe?.();
  processor.notificationUnsubscribe = undefined;
}
