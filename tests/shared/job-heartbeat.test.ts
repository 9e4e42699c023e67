import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Agenda } from 'agenda';
import { MongoClient, ObjectId, type Collection } from 'mongodb';
import { createAgenda, handOverJobs, stopAgenda, stopTakingJobs } from '../../shared/src/agenda/agenda.js';
import { AGENDA_JOBS_COLLECTION, heartbeatsOf, JobLockLostError } from '../../shared/src/agenda/job-heartbeat.js';
import { createLogger } from '../../shared/src/logger.js';
import { eventually } from '../support/eventually.js';
import { freshDatabaseUri } from '../support/mongo.js';

const logger = createLogger({ name: 'job-heartbeat-test', level: 'silent' });
const LOCK_LIFETIME_MS = 600;

/** Holds a handler until the test lets it go; tells the test once it runs. */
class Gate {
  started = 0;
  private open = false;
  release(): void {
    this.open = true;
  }
  async wait(step: () => Promise<void> = async () => {}): Promise<void> {
    this.started += 1;
    await eventually(async () => {
      await step();
      return this.open;
    }, Boolean, { timeoutMs: 30_000, intervalMs: 20 });
  }
}

describe('job heartbeats and hand-over', () => {
  let client: MongoClient;
  let jobs: Collection;
  const agendas: Agenda[] = [];
  const worker = async (name: string) => {
    const agenda = await createAgenda({ db: client.db(), name, processEveryMs: 100, defaultLockLifetimeMs: LOCK_LIFETIME_MS, logger });
    agendas.push(agenda);
    return agenda;
  };
  const jobDoc = (id: unknown) => jobs.findOne({ _id: new ObjectId(String(id)) });

  beforeEach(async () => {
    client = await MongoClient.connect(freshDatabaseUri('job_heartbeat'));
    jobs = client.db().collection(AGENDA_JOBS_COLLECTION);
  });
  afterEach(async () => {
    for (const agenda of agendas.splice(0)) await stopAgenda(agenda, logger, 0).catch(() => {});
    await client.close();
  });

  it('When a handler runs several lock lifetimes without a step, then its lock stays fresh and no other worker starts the job', async () => {
    // Arrange: two workers; the job blocks past three lock lifetimes without any checkpoint
    const gate = new Gate();
    const runs: string[] = [];
    const a = await worker('a');
    const b = await worker('b');
    for (const [name, agenda] of [['a', a], ['b', b]] as const) {
      heartbeatsOf(agenda).define('long-step', async () => {
        runs.push(name);
        await gate.wait();
      });
      await agenda.start();
    }
    const startedAt = Date.now();

    // Act
    const job = await a.now('long-step', {});
    await eventually(async () => Date.now() - startedAt, (elapsed) => elapsed > 4 * LOCK_LIFETIME_MS, { intervalMs: 100 });
    gate.release();

    // Assert: one run only, and it succeeded (a one-off job that succeeds is removed: housekeeping)
    await eventually(() => jobDoc(job.attrs._id), (doc) => doc === null);
    expect(runs).toHaveLength(1);
  });

  it('When another worker holds the lock now, then the handler stops at its next checkpoint with JobLockLostError', async () => {
    // Arrange
    const gate = new Gate();
    const outcome: unknown[] = [];
    const a = await worker('a');
    heartbeatsOf(a).define('stepping', async (_job, lease) => {
      try {
        await gate.wait(lease.checkpoint);
      } catch (err) {
        outcome.push(err);
      }
    });
    await a.start();
    const job = await a.now('stepping', {});
    await eventually(async () => gate.started, (n) => n === 1);

    // Act: the lock is taken over, as by a worker that found it expired
    await jobs.updateOne({ _id: new ObjectId(String(job.attrs._id)) }, { $set: { lockedAt: new Date(), lastModifiedBy: 'b' } });

    // Assert
    await eventually(async () => outcome.length, (n) => n === 1);
    expect(outcome[0]).toBeInstanceOf(JobLockLostError);
  });

  it('When shutdown finds a job still running after the drain, then it stops at its next step and is left unlocked and due for another worker', async () => {
    // Arrange: a job that only ends when told to
    const a = await worker('a');
    const gate = new Gate();
    heartbeatsOf(a).define('endless', async (_job, lease) => gate.wait(lease.checkpoint));
    await a.start();
    const job = await a.now('endless', {});
    await eventually(async () => gate.started, (n) => n === 1);

    // Act
    await handOverJobs(a, stopTakingJobs(a), logger, 100);

    // Assert: unlocked, due now, and not recorded as a failure
    const doc = await jobDoc(job.attrs._id);
    expect(doc).toMatchObject({ lockedAt: null, failCount: null });
    expect(doc!.nextRunAt!.getTime()).toBeLessThanOrEqual(Date.now());

    // Act: another worker comes up
    const b = await worker('b');
    const resumedBy: string[] = [];
    heartbeatsOf(b).define('endless', async () => {
      resumedBy.push('b');
    });
    await b.start();

    // Assert
    await eventually(async () => resumedBy, (by) => by.length === 1);
  });

  it('When shutdown begins, then a job already locked and queued behind a running one never starts here and is released', async () => {
    // Arrange: concurrency 1, so the second job waits in this worker's queue, locked
    const a = await worker('a');
    const gate = new Gate();
    const started: string[] = [];
    heartbeatsOf(a).define<{ n: number }>('one-at-a-time', async (job) => {
      started.push(String(job.attrs.data.n));
      await gate.wait();
    }, { concurrency: 1 });
    await a.start();
    await a.now('one-at-a-time', { n: 1 });
    const queued = await a.now('one-at-a-time', { n: 2 });
    await eventually(() => jobDoc(queued.attrs._id), (doc) => doc?.lockedAt != null && started.length === 1);

    // Act: stop taking jobs, then let the running one finish
    const taken = stopTakingJobs(a);
    gate.release();
    await handOverJobs(a, taken, logger, 5_000);

    // Assert: only the first ever started; the queued one is unlocked and still due
    expect(started).toEqual(['1']);
    const doc = await jobDoc(queued.attrs._id);
    expect(doc).toMatchObject({ lockedAt: null, lastRunAt: null });
    expect(doc!.nextRunAt).not.toBeNull();
  });
});
