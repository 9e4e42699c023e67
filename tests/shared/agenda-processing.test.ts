import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Agenda } from 'agenda';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient, ObjectId } from 'mongodb';
import { createAgenda, startAgenda, stopAgenda } from '../../shared/src/agenda/agenda.js';
import { createLogger } from '../../shared/src/logger.js';
import { eventually } from '../support/eventually.js';
import { freshDatabaseUri } from '../support/mongo.js';

const logger = createLogger({ name: 'agenda-processing-test', level: 'silent' });
const BURST = 20;

/** Agenda's processor as the tests drive it: polls and fillings by hand, with notifications off. */
interface Processor {
  process(): Promise<void>;
  jobQueueFilling(name: string): Promise<void>;
  notificationUnsubscribe?: () => void;
}

/** `worker`'s processor, deaf to notifications: with polls 10 minutes apart, only the test's calls look for jobs. */
function handDriven(worker: Agenda): Processor {
  const processor = (worker as unknown as { jobProcessor: Processor }).jobProcessor;
  processor.notificationUnsubscribe?.();
  return processor;
}

/** A started worker on a fresh database, polling every 10 minutes, and how to stop it (`release` first lets held handlers end). */
async function startQuietWorker(prefix: string, define: (worker: Agenda) => void): Promise<{ client: MongoClient; worker: Agenda; stop(release: () => void): Promise<void> }> {
  const client = await MongoClient.connect(freshDatabaseUri(prefix));
  const worker = await createAgenda({ db: client.db(), name: 'worker', processEveryMs: 10 * 60_000, defaultLockLifetimeMs: 5_000, logger });
  define(worker);
  await startAgenda(worker);
  return {
    client,
    worker,
    stop: async (release) => {
      release();
      await stopAgenda(worker, logger);
      await client.close();
    },
  };
}

describe('Agenda processing', () => {
  let client: MongoClient;
  let worker: Agenda;
  const started: Array<{ at: number; lockedAt: number }> = [];

  beforeAll(async () => {
    client = await MongoClient.connect(freshDatabaseUri('agenda_processing'));
    worker = await createAgenda({ db: client.db(), name: 'worker', processEveryMs: 10 * 60_000, defaultLockLifetimeMs: 5_000, logger });
    worker.define(
      'burst-job',
      async (job) => {
        started.push({ at: Date.now(), lockedAt: job.attrs.lockedAt!.getTime() });
      },
      { concurrency: BURST },
    );
    await startAgenda(worker);
  });

  afterAll(async () => {
    await stopAgenda(worker, logger);
    await client.close();
  });

  it('When a poll finds a burst of due jobs, then the first starts before the last is locked, not after the whole burst', async () => {
    // Arrange: a burst of due jobs that only the poll below takes (no notification, no timer)
    const processor = handDriven(worker);
    const now = new Date();
    await client
      .db()
      .collection('agendaJobs')
      .insertMany(Array.from({ length: BURST }, () => ({ name: 'burst-job', data: {}, type: 'normal', priority: 0, nextRunAt: now, lockedAt: null })));

    // Act: Agenda's poll locks them one round trip at a time
    await processor.process();

    // Assert
    await eventually(async () => started.length, (count) => count === BURST, { intervalMs: 10 });
    const firstStart = Math.min(...started.map((s) => s.at));
    const lastLock = Math.max(...started.map((s) => s.lockedAt));
    expect(firstStart).toBeLessThan(lastLock);
  });
});

describe('Agenda processing of a job that runs one at a time', () => {
  let client: MongoClient;
  let worker: Agenda;
  const runs: Array<{ i: number; start: number; end: number; othersLocked: number }> = [];

  beforeAll(async () => {
    client = await MongoClient.connect(freshDatabaseUri('agenda_lock_limit'));
    // Polling every 10 minutes: whatever starts within the test started without a poll.
    worker = await createAgenda({ db: client.db(), name: 'worker', processEveryMs: 10 * 60_000, defaultLockLifetimeMs: 5_000, logger });
    worker.define<{ i: number }>(
      'limited-job',
      async (job) => {
        const start = Date.now();
        const othersLocked = await client.db().collection('agendaJobs').countDocuments({ name: 'limited-job', _id: { $ne: new ObjectId(String(job.attrs._id)) }, lockedAt: { $ne: null } });
        await new Promise((resolve) => setTimeout(resolve, 200));
        runs.push({ i: job.attrs.data.i, start, end: Date.now(), othersLocked });
      },
      { concurrency: 1 },
    );
    await startAgenda(worker);
  });

  afterAll(async () => {
    await stopAgenda(worker, logger);
    await client.close();
  });

  it('When three are due at once, then one runs at a time, the others stay unlocked for other processes, and each starts as the previous ends, without a poll', async () => {
    // Act
    for (let i = 0; i < 3; i++) await worker.now('limited-job', { i });

    // Assert
    await eventually(async () => runs.length, (count) => count === 3, { timeoutMs: 10_000 });
    expect(runs.map((r) => r.othersLocked)).toEqual([0, 0, 0]);
    for (let k = 1; k < runs.length; k++) {
      expect(runs[k]!.start).toBeGreaterThanOrEqual(runs[k - 1]!.end);
      expect(runs[k]!.start - runs[k - 1]!.end).toBeLessThan(2_000);
    }
  });
});

describe('Agenda queue fillings of a job that runs one at a time', () => {
  let client: MongoClient;
  let worker: Agenda;
  let release: () => void = () => {};
  let stop: (release: () => void) => Promise<void>;

  beforeAll(async () => {
    ({ client, worker, stop } = await startQuietWorker('agenda_lock_fills', (w) => {
      w.define('held-job', () => new Promise<void>((resolve) => (release = resolve)), { concurrency: 1 });
    }));
  });

  afterAll(() => stop(release));

  it('When two fillings run at once (a notification and a poll), then only one job is locked, not one each', async () => {
    // Arrange: three due jobs that only the fillings below take (no notification, no timer)
    const processor = handDriven(worker);
    const backend = (worker as unknown as { db: { getNextJobToRun(...args: unknown[]): Promise<unknown> } }).db;
    const getNextJobToRun = backend.getNextJobToRun.bind(backend);
    let locks = 0;
    backend.getNextJobToRun = async (...args) => {
      const job = await getNextJobToRun(...args);
      if (job) locks += 1;
      return job;
    };
    await client
      .db()
      .collection('agendaJobs')
      .insertMany(Array.from({ length: 3 }, () => ({ name: 'held-job', data: {}, type: 'normal', priority: 0, nextRunAt: new Date(), lockedAt: null })));

    // Act
    await Promise.all([processor.jobQueueFilling('held-job'), processor.jobQueueFilling('held-job')]);

    // Assert: without serialized fillings both pass the limit check and each locks one
    expect(locks).toBe(1);
    expect(await client.db().collection('agendaJobs').countDocuments({ name: 'held-job', lockedAt: { $ne: null } })).toBe(1);
  });
});

describe('Agenda processing when the process runs as many jobs as it may at once', () => {
  let client: MongoClient;
  let worker: Agenda;
  let release: () => void = () => {};
  let stop: (release: () => void) => Promise<void>;
  let otherStarted = false;

  beforeAll(async () => {
    ({ client, worker, stop } = await startQuietWorker('agenda_max_concurrency', (w) => {
      w.define('holding-job', () => new Promise<void>((resolve) => (release = resolve)), { concurrency: 1 });
      w.define('other-job', async () => {
        otherStarted = true;
      }, { concurrency: 1 });
    }));
    // One job at a time in all (Agenda's `maxConcurrency`, 20 by default).
    (worker as unknown as { jobProcessor: { maxConcurrency: number } }).jobProcessor.maxConcurrency = 1;
  });

  afterAll(() => stop(release));

  it('When a job of another name is due while every slot is taken, then a filling leaves it unlocked, and it starts as soon as the slot frees, without a poll', async () => {
    // Arrange: the only slot taken; fillings only by hand (no notification, no timer)
    const processor = handDriven(worker);
    await worker.now('holding-job', {});
    const holding = once(worker, 'start:holding-job');
    await processor.jobQueueFilling('holding-job');
    await holding;
    await worker.now('other-job', {});

    // Act 1
    await processor.jobQueueFilling('other-job');

    // Assert 1
    expect(await client.db().collection('agendaJobs').findOne({ name: 'other-job' })).toMatchObject({ lockedAt: null, lastRunAt: null });

    // Act 2
    release();

    // Assert 2
    await eventually(async () => otherStarted, Boolean);
  });
});

/** A quiet worker that records the `data.label` of each `name` job it runs; `queue` inserts one as a poll would find it. */
function useLabelledJobs(prefix: string, name: string, options: Parameters<Agenda['define']>[2]) {
  const ran: string[] = [];
  let started: Awaited<ReturnType<typeof startQuietWorker>>;
  beforeAll(async () => {
    started = await startQuietWorker(prefix, (w) => {
      w.define(name, async (job) => void ran.push(String(job.attrs.data.label)), options);
    });
  });
  afterAll(() => started.stop(() => {}));
  return {
    ran,
    processor: () => handDriven(started.worker),
    jobs: () => started.client.db().collection('agendaJobs'),
    queue: (label: string, nextRunAt: Date, lockedAt: Date | null = null) =>
      started.client.db().collection('agendaJobs').insertOne({ name, data: { label }, type: 'normal', priority: 0, nextRunAt, lockedAt }),
  };
}

describe('Agenda processing of a job whose lock expired while it waited for its run time', () => {
  const labelled = useLabelledJobs('agenda_expired_in_queue', 'short-lock-job', { concurrency: 1, lockLifetime: 300 });

  it('When Agenda drops a queued job whose lock expired, then its slot is given back: that job and the next due one both run here', async () => {
    // Arrange: a job due in 600 ms whose lock a crashed process left behind: a filling takes the
    // expired lock over (whatever the job's run time) and the job waits for its time, past its own
    // 300 ms lock; Agenda drops it then.
    const processor = labelled.processor();
    await labelled.queue('waited', new Date(Date.now() + 600), new Date(Date.now() - 60_000));
    await processor.jobQueueFilling('short-lock-job');
    await sleep(900);

    // Act
    await labelled.queue('next', new Date());
    await processor.jobQueueFilling('short-lock-job');

    // Assert: without the release the name keeps one lock counted for good, and neither job runs here again
    await eventually(async () => [...labelled.ran].sort(), (labels) => labels.join() === 'next,waited', { timeoutMs: 5_000 });
  });
});

describe('Agenda processing of a job due later, with a job of its name due now', () => {
  const labelled = useLabelledJobs('agenda_due_later', 'one-at-a-time-job', { concurrency: 1 });

  it('When a job is due later, then a filling leaves it unlocked, and a job of its name due now takes the only slot at once', async () => {
    // Arrange: a recurring round due in a minute, then a wake-up due now (each filled by hand, as a poll or wake-up would)
    const processor = labelled.processor();
    await labelled.queue('later', new Date(Date.now() + 60_000));
    await processor.jobQueueFilling('one-at-a-time-job');
    await labelled.queue('now', new Date());

    // Act
    await processor.jobQueueFilling('one-at-a-time-job');

    // Assert: locked ahead (polls look one interval ahead), 'later' would hold the slot for a minute
    await eventually(async () => labelled.ran, (labels) => labels.includes('now'), { timeoutMs: 3_000 });
    expect(await labelled.jobs().findOne({ 'data.label': 'later' })).toMatchObject({ lockedAt: null });
  });
});
