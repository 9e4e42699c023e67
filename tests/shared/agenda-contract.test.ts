import { afterEach, describe, expect, it } from '@jest/globals';
import { MongoBackend } from '@agendajs/mongo-backend';
import { Agenda, type Job, type JobNotification, type JobParameters, type NotificationChannel } from 'agenda';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { MongoClient } from 'mongodb';
import { jobProcessorOf, type JobProcessorInternals } from '../../shared/src/agenda/job-processor.js';
import { eventually } from '../support/eventually.js';
import { freshDatabaseUri } from '../support/mongo.js';

/**
 * What shared/src/agenda/ relies on in Agenda and its MongoDB backend, pinned against the plain
 * libraries: no adaptation applied, only recording wrappers. Each describe names the local code to
 * revisit, or to delete, when its test fails after an upgrade (docs/dependencies.md).
 */

interface PlainAgenda {
  agenda: Agenda;
  client: MongoClient;
  processor(): JobProcessorInternals;
}

const opened: PlainAgenda[] = [];

/** A plain Agenda on a fresh database, started, no notification channel: jobs start at its polls. */
async function startPlainAgenda(prefix: string, processEveryMs = 100): Promise<PlainAgenda> {
  const client = await MongoClient.connect(freshDatabaseUri(prefix));
  const agenda = new Agenda({ backend: new MongoBackend({ mongo: client.db() }), name: prefix, processEvery: processEveryMs, defaultLockLifetime: 2_000 });
  await agenda.ready;
  await agenda.start();
  const plain = { agenda, client, processor: () => jobProcessorOf(agenda)! };
  opened.push(plain);
  return plain;
}

afterEach(async () => {
  for (const { agenda, client } of opened.splice(0)) {
    await agenda.stop(false).catch(() => undefined); // the client may be closed on purpose
    await client.close();
  }
});

/** Records every save of the job state, with the values it carried when it was issued. */
function recordSaves(agenda: Agenda, events: Array<{ kind: string; attrs: object; lastRunAt?: unknown; nextRunAt?: unknown; lockedAt?: unknown }>): void {
  const save = agenda.db.saveJobState.bind(agenda.db);
  agenda.db.saveJobState = (attrs: JobParameters, options) => {
    events.push({ kind: 'save', attrs, lastRunAt: attrs.lastRunAt, nextRunAt: attrs.nextRunAt, lockedAt: attrs.lockedAt });
    return save(attrs, options);
  };
}

describe('JobProcessor.enqueueJob (relied on by job-processor.ts processEachJobOnceLocked and run-start.ts)', () => {
  it('When a due job is locked, then it reaches enqueueJob exactly once, with the attributes object its run then uses', async () => {
    // Arrange
    const { agenda, processor } = await startPlainAgenda('contract_enqueue');
    const enqueued: object[] = [];
    const enqueue = processor().enqueueJob.bind(processor());
    processor().enqueueJob = (job) => {
      enqueued.push(job.attrs);
      enqueue(job);
    };
    let ran: object | undefined;
    agenda.define('contract-enqueue', async (job: Job) => {
      ran = job.attrs;
    });

    // Act
    await agenda.now('contract-enqueue', {});
    await once(agenda, 'complete:contract-enqueue');

    // Assert
    expect(enqueued).toHaveLength(1);
    expect(enqueued[0]).toBe(ran);
  });
});

describe('JobProcessor.shouldLock (relied on by job-processor.ts lockOnlyWhatCanStart)', () => {
  it('When shouldLock refuses a name, then a filling locks none of its due jobs; once it allows, the same filling locks and starts one', async () => {
    // Arrange: polls far apart, so only the fillings below look for jobs
    const { agenda, client, processor } = await startPlainAgenda('contract_should_lock', 60_000);
    agenda.define('contract-lock', async () => {});
    const shouldLock = processor().shouldLock.bind(processor());
    const asked: string[] = [];
    let allow = false;
    processor().shouldLock = (name) => {
      asked.push(name);
      return allow && shouldLock(name);
    };
    await client.db().collection('agendaJobs').insertOne({ name: 'contract-lock', type: 'normal', priority: 0, data: {}, nextRunAt: new Date(), lockedAt: null });

    // Act 1
    await processor().jobQueueFilling('contract-lock');

    // Assert 1
    expect(asked).toContain('contract-lock');
    expect(await client.db().collection('agendaJobs').findOne({ name: 'contract-lock' })).toMatchObject({ lockedAt: null });

    // Act 2
    allow = true;
    const started = once(agenda, 'start:contract-lock');
    await processor().jobQueueFilling('contract-lock');
    processor().jobProcessing();

    // Assert 2
    await started;
  });
});

describe('Fillings lock through agenda.db.getNextJobToRun, looking one poll ahead (relied on by job-processor.ts lockOnlyDueJobs)', () => {
  it('When a filling looks for a job, then it asks getNextJobToRun with a scan time a poll interval ahead, and locks what it returns', async () => {
    // Arrange
    const { agenda, client, processor } = await startPlainAgenda('contract_next_job', 60_000);
    agenda.define('contract-next', async () => {});
    const scans: number[] = [];
    const getNextJobToRun = agenda.db.getNextJobToRun.bind(agenda.db);
    agenda.db.getNextJobToRun = (jobName, nextScanAt, lockDeadline, now, options) => {
      scans.push(nextScanAt.getTime() - Date.now());
      return getNextJobToRun(jobName, nextScanAt, lockDeadline, now, options);
    };
    await client.db().collection('agendaJobs').insertOne({ name: 'contract-next', type: 'normal', priority: 0, data: {}, nextRunAt: new Date(), lockedAt: null });

    // Act
    await processor().jobQueueFilling('contract-next');

    // Assert
    expect(scans.length).toBeGreaterThan(0);
    expect(scans[0]).toBeGreaterThan(50_000);
    expect(await client.db().collection('agendaJobs').findOne({ name: 'contract-next' })).toMatchObject({ lockedAt: expect.any(Date) });
  });
});

describe("JobProcessor.jobProcessing's drop of a queued job whose lock expired (relied on by job-processor.ts releaseLocksExpiredInQueue)", () => {
  it('When a job locked ahead of its run time is found expired at that time, then it is dropped without a run, and still counted as locked here, through its isExpired', async () => {
    // Arrange: polls far apart; the filling locks a job due in 400 ms (it looks a poll ahead), and its 200 ms lock expires first
    const { agenda, client, processor } = await startPlainAgenda('contract_expired_queue', 60_000);
    let ran = false;
    agenda.define('contract-expiring', async () => void (ran = true), { lockLifetime: 200 });
    const asked: unknown[] = [];
    const enqueue = processor().enqueueJob.bind(processor());
    processor().enqueueJob = (job) => {
      const isExpired = job.isExpired.bind(job);
      job.isExpired = async () => {
        const expired = await isExpired();
        asked.push(expired);
        return expired;
      };
      enqueue(job);
    };
    await client.db().collection('agendaJobs').insertOne({ name: 'contract-expiring', type: 'normal', priority: 0, data: {}, nextRunAt: new Date(Date.now() + 400), lockedAt: null });

    // Act
    await processor().jobQueueFilling('contract-expiring');
    processor().jobProcessing();
    await new Promise((resolve) => setTimeout(resolve, 800));

    // Assert: if Agenda releases the count itself one day, the adapter's release must go
    expect(asked).toContain(true);
    expect(ran).toBe(false);
    expect(processor().lockedJobs).toHaveLength(1);
    expect(processor().jobStatus['contract-expiring']).toMatchObject({ locked: 1 });
  });
});

describe("Job.run's saves (relied on by run-start.ts overlapRunStartWrites and backend-saves.ts skipFinalSaveOfRemovedJobs)", () => {
  it("When a job runs, then its first save carries lastRunAt and is issued before the handler starts, on the enqueued attributes", async () => {
    // Arrange
    const { agenda, processor } = await startPlainAgenda('contract_run_start');
    const events: Array<{ kind: string; attrs: object; lastRunAt?: unknown }> = [];
    recordSaves(agenda, events);
    const enqueue = processor().enqueueJob.bind(processor());
    processor().enqueueJob = (job) => {
      events.push({ kind: 'enqueue', attrs: job.attrs });
      enqueue(job);
    };
    agenda.define('contract-run-start', async (job: Job) => {
      events.push({ kind: 'handler', attrs: job.attrs });
    });

    // Act
    await agenda.now('contract-run-start', {});
    await once(agenda, 'complete:contract-run-start');

    // Assert
    const enqueued = events.find((e) => e.kind === 'enqueue')!;
    const ofThisRun = events.slice(events.indexOf(enqueued) + 1).filter((e) => e.attrs === enqueued.attrs);
    expect(ofThisRun.slice(0, 2).map((e) => e.kind)).toEqual(['save', 'handler']);
    const firstSave = ofThisRun[0];
    expect(firstSave!.lastRunAt).toBeInstanceOf(Date);
  });

  it("When a one-off job succeeds, then 'success' is emitted before the final save, which unlocks the same attributes object and has no next run", async () => {
    // Arrange
    const { agenda } = await startPlainAgenda('contract_final_save');
    const events: Array<{ kind: string; attrs: object; nextRunAt?: unknown; lockedAt?: unknown }> = [];
    recordSaves(agenda, events);
    agenda.on('success', (job: Job) => events.push({ kind: 'success', attrs: job.attrs }));
    agenda.define('contract-final-save', async () => {});

    // Act
    await agenda.now('contract-final-save', {});
    await once(agenda, 'complete:contract-final-save');

    // Assert
    const [success, finalSave] = events.slice(-2);
    expect([success?.kind, finalSave?.kind]).toEqual(['success', 'save']);
    expect(finalSave!.attrs).toBe(success!.attrs);
    expect(finalSave!.nextRunAt ?? null).toBeNull();
    expect(finalSave!.lockedAt ?? null).toBeNull();
  });
});

describe('Agenda.drain (relied on by job-processor.ts stopProcessor and agenda.ts stopTakingJobs)', () => {
  it('When drain() waits for a running job, then the processor still counts as running: jobs it locked and queued would still start', async () => {
    // Arrange
    const { agenda, processor } = await startPlainAgenda('contract_drain');
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    agenda.define('contract-drain', () => released);
    await agenda.now('contract-drain', {});
    await once(agenda, 'start:contract-drain');
    const running = processor();

    // Act
    const drained = agenda.drain({ timeout: 10_000, closeConnection: false });

    // Assert
    expect(running.isRunning).toBe(true);
    release();
    await drained;
  });
});

describe('Releases Agenda does not await go through agenda.db.unlockJob (relied on by backend-saves.ts releaseLocksWithoutRejecting)', () => {
  /** Runs tests/support/agenda-release-scenario.mjs: in a process of its own, as a service would. */
  async function releaseScenario(scenario: 'far' | 'limit'): Promise<unknown> {
    const child = spawn(process.execPath, ['tests/support/agenda-release-scenario.mjs', freshDatabaseUri(`contract_release_${scenario}`), scenario], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    return JSON.parse(output.trim().split('\n').at(-1)!);
  }

  it('When a job locked through an expired lock is due too far away and MongoDB is gone, then its failed release goes through unlockJob and nothing else rejects', async () => {
    // Act
    const outcome = await releaseScenario('far');

    // Assert
    expect(outcome).toEqual({ released: 1, unhandled: [] });
  });

  it('When two fillings race past a lock limit and MongoDB is gone, then the failed release of the surplus lock goes through unlockJob and nothing else rejects (agenda#1118)', async () => {
    // Act
    const outcome = await releaseScenario('limit');

    // Assert
    expect(outcome).toEqual({ released: 1, unhandled: [] });
  });
});

describe('Notifications (relied on by notification-channel.ts and job-wake-ups.ts)', () => {
  /** A channel that only records: what Agenda publishes, and the handler its processor subscribes. */
  function recordingChannel(state: string) {
    const published: JobNotification[] = [];
    const handlers: Array<(n: JobNotification) => Promise<void> | void> = [];
    const channel = {
      state,
      connect: async () => {},
      disconnect: async () => {},
      subscribe: (handler: (n: JobNotification) => void) => (handlers.push(handler), () => undefined),
      publish: async (n: JobNotification) => void published.push(n),
      on() {},
      off() {},
    };
    return { channel: channel as unknown as NotificationChannel, published, handlers };
  }

  it('When a job is saved through an Agenda never started whose channel says connected, then the channel publishes it with its name and run time; when the channel says otherwise, not', async () => {
    // Arrange: Agenda connects a channel only in start(); a process that runs no jobs never starts it
    const client = await MongoClient.connect(freshDatabaseUri('contract_publish'));
    const connected = recordingChannel('connected');
    const disconnected = recordingChannel('disconnected');
    const make = (channel: NotificationChannel) => new Agenda({ backend: new MongoBackend({ mongo: client.db() }), notificationChannel: channel, processEvery: 60_000 });
    try {
      const [publishing, silent] = [make(connected.channel), make(disconnected.channel)];
      await Promise.all([publishing.ready, silent.ready]);
      const due = new Date();

      // Act
      await publishing.create('saved-job', {}).schedule(due).save();
      await silent.create('saved-job', {}).schedule(due).save();

      // Assert
      expect(connected.published).toEqual([expect.objectContaining({ jobName: 'saved-job', nextRunAt: due })]);
      expect(disconnected.published).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('When a started processor is told of a job by name only, then it locks and runs a due job of that name at once', async () => {
    // Arrange: polls minutes apart, the first one (at start) finds nothing
    const client = await MongoClient.connect(freshDatabaseUri('contract_notified'));
    const { channel, handlers } = recordingChannel('connected');
    const agenda = new Agenda({ backend: new MongoBackend({ mongo: client.db() }), notificationChannel: channel, processEvery: 10 * 60_000 });
    const ran: string[] = [];
    agenda.define('named-job', async () => void ran.push('named-job'));
    await agenda.ready;
    await agenda.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 200)); // the start's poll is over
      await client.db().collection('agendaJobs').insertOne({ name: 'named-job', data: {}, type: 'normal', priority: 0, nextRunAt: new Date(), lockedAt: null });

      // Act: a release's wake-up names the job, not which one
      await Promise.all(handlers.map((handle) => handle({ jobId: '' as JobNotification['jobId'], jobName: 'named-job', nextRunAt: new Date(), priority: 0, timestamp: new Date() })));

      // Assert
      await eventually(async () => ran.length, (n) => n > 0, { intervalMs: 10, timeoutMs: 5_000 });
      expect(ran).toEqual(['named-job']);
    } finally {
      await agenda.stop(false);
      await client.close();
    }
  });
});
