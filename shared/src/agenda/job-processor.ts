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
  jobStatus: Record<string, { running: number } | undefined>;
  enqueueJob(job: { attrs: { name: string } }): void;
  jobProcessing(): Promise<void>;
  jobQueueFilling(name: string): Promise<void>;
  updateStatus(name: string, key: 'locked' | 'running', delta: number): void;
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
 * A job defined with a `lockLimit` leaves the other due jobs of its name unlocked, free for other
 * processes, instead of holding them in a local queue where their locks expire unrenewed; so when
 * one of its jobs ends here, this process looks for the next at once, not at the next poll.
 */
export function refillLockLimitedOnRelease(agenda: Agenda, processor: JobProcessorInternals, fail: (err: unknown) => void): void {
  const updateStatus = processor.updateStatus.bind(processor);
  processor.updateStatus = (name, key, delta) => {
    updateStatus(name, key, delta);
    if (key === 'locked' && delta < 0 && agenda.definitions[name]?.lockLimit && processor.isRunning) {
      queueMicrotask(() => processor.jobQueueFilling(name).catch(fail));
    }
  };
}

/**
 * One queue filling at a time per lock-limited job name (agenda#1118). Agenda fills a name's queue
 * per notification and per poll, concurrently, and each filling checks the lock limit before its
 * lock lands: two fills could both lock a job, the second then unlocking its own (another process
 * saw it locked meanwhile). A filling asked for while one runs (including Agenda's own recursion
 * after each lock) becomes one more filling after it, which locks up to the limit and stops.
 */
export function serializeLockLimitedFills(agenda: Agenda, processor: JobProcessorInternals): void {
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
