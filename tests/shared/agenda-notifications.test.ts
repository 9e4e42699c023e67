import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Agenda } from 'agenda';
import { MongoClient, ObjectId } from 'mongodb';
import { createAgenda, stopAgenda } from '../../shared/src/agenda/agenda.js';
import { heartbeatsOf } from '../../shared/src/agenda/job-heartbeat.js';
import { JOB_WAKE_UPS_COLLECTION } from '../../shared/src/agenda/job-wake-ups.js';
import { createLogger } from '../../shared/src/logger.js';
import { eventually } from '../support/eventually.js';
import { freshDatabaseUri } from '../support/mongo.js';

const logger = createLogger({ name: 'agenda-notifications-test', level: 'silent' });

/** Polling far slower than any test: a job that starts at all started through a wake-up. */
const NEVER_POLLS_MS = 10 * 60_000;

describe('Agenda notification channel', () => {
  let client: MongoClient;
  let worker: Agenda;
  let producer: Agenda;
  const ran: { name: string; at: number }[] = [];

  beforeAll(async () => {
    client = await MongoClient.connect(freshDatabaseUri('agenda_notify'));
    const options = { db: client.db(), processEveryMs: NEVER_POLLS_MS, defaultLockLifetimeMs: 5_000, logger };
    worker = await createAgenda({ ...options, name: 'worker' });
    worker.define('notified-job', async () => {
      ran.push({ name: 'notified-job', at: Date.now() });
    });
    worker.define(
      'kept-job',
      async (job) => {
        await job.touch(50); // a heartbeat with progress
        ran.push({ name: 'kept-job', at: Date.now() });
      },
      { removeOnComplete: false },
    );
    worker.define('busy-job', async (job) => {
      // What a long job does while it runs: progress saves and lock renewals (the heartbeat's touch).
      for (let step = 1; step <= 5; step++) await job.touch(step * 20);
    });
    await worker.start();
    // A second Agenda on the same database that defines nothing: like a resolver's process saving a job.
    producer = await createAgenda({ ...options, name: 'producer' });
  });

  afterAll(async () => {
    await stopAgenda(producer, logger);
    await stopAgenda(worker, logger);
    await client.close();
  });

  it('When another process saves a job due now, then the worker starts it at once, not at its next poll', async () => {
    // Arrange
    const savedAt = Date.now();

    // Act
    await producer.now('notified-job', {});

    // Assert: the worker's next poll is minutes away; only the change stream can have started it.
    await eventually(async () => ran.length, (count) => count === 1, { intervalMs: 10 });
    expect(ran[0]!.at - savedAt).toBeLessThan(5_000);
  });

  it('When a job is saved to run later, then it wakes no one: a filling would find nothing due', async () => {
    // Arrange
    const wakeUps = client.db().collection(JOB_WAKE_UPS_COLLECTION);
    const before = await wakeUps.countDocuments();

    // Act: a job due in an hour, then one due now, whose wake-up is written after the first's would be
    await producer.create('later-job', {}).schedule(new Date(Date.now() + 3_600_000)).save();
    await producer.now('later-marker-job', {});

    // Assert
    expect(await wakeUps.find({}, { skip: before }).map((w) => w.name).toArray()).toEqual(['later-marker-job']);
  });

  it('When a job runs, then its state changes reach the channel’s state subscribers (Agendash’s live view)', async () => {
    // Arrange
    type StateNotification = { type: string; jobId: unknown };
    const channel = (worker as unknown as { notificationChannel: { subscribeState(h: (n: StateNotification) => void): () => void } })
      .notificationChannel;
    const seen: StateNotification[] = [];
    const unsubscribe = channel.subscribeState((notification) => seen.push(notification));

    // Act
    const job = await worker.now('notified-job', {});
    const ofThisJob = () => seen.filter((n) => String(n.jobId) === String(job.attrs._id)).map((n) => n.type);

    // Assert
    await eventually(async () => ofThisJob(), (types) => types.includes('complete'), { intervalMs: 10 });
    unsubscribe();
    expect(ofThisJob()).toEqual(expect.arrayContaining(['start', 'success', 'complete']));
  });

  it('When a job runs, saves its progress and renews its lock, then only its creation notifies the workers', async () => {
    // Arrange: count what the channel hands to the workers (each notification costs a lock attempt)
    type Notification = { jobName: string };
    const channel = (worker as unknown as { notificationChannel: { subscribe(h: (n: Notification) => void): () => void } }).notificationChannel;
    const notified: Notification[] = [];
    const unsubscribe = channel.subscribe((n) => notified.push(n));

    // Act
    await producer.now('busy-job', {});
    await eventually(async () => (await client.db().collection('agendaJobs').countDocuments({ name: 'busy-job' })), (left) => left === 0, { intervalMs: 10 });
    // A change the stream would still deliver, so everything before it has been delivered too.
    await producer.now('notified-job', {});
    await eventually(async () => notified.filter((n) => n.jobName === 'notified-job').length, (n) => n === 1, { intervalMs: 10 });
    unsubscribe();

    // Assert: one notification for the busy job (its insert), none for its lock, progress or end
    expect(notified.filter((n) => n.jobName === 'busy-job')).toHaveLength(1);
  });

  it('When a job is created, locked, run, renewed, ended, re-armed and released, then only the changes that leave it runnable wake the workers', async () => {
    // Arrange: count the wake-ups the worker hears of, per job
    type Notification = { jobId: unknown; jobName: string };
    const channel = (worker as unknown as { notificationChannel: { subscribe(h: (n: Notification) => void): () => void } }).notificationChannel;
    const notified: Notification[] = [];
    const unsubscribe = channel.subscribe((n) => notified.push(n));
    const jobs = client.db().collection('agendaJobs');
    const keptRuns = () => ran.filter((r) => r.name === 'kept-job').length;

    // Act: a job's whole life through Agenda and this adapter: created by another process, locked,
    // run (its start, a heartbeat, its end, kept), re-armed, locked by a process that stops and
    // releases it unrun
    const job = await producer.create('kept-job', {}).schedule(new Date()).save();
    const id = String(job.attrs._id);
    const _id = new ObjectId(id);
    await eventually(async () => keptRuns(), (n) => n === 1, { intervalMs: 10 });
    await eventually(async () => (await jobs.findOne({ _id }))?.lastFinishedAt, (at) => !!at, { intervalMs: 10 });
    await job.schedule(new Date()).save(); // re-armed
    await eventually(async () => keptRuns(), (n) => n === 2, { intervalMs: 10 });
    await eventually(async () => (await jobs.findOne({ _id }))?.lockedAt, (at) => at === null, { intervalMs: 10 });
    await jobs.updateOne({ _id }, { $set: { lockedAt: new Date(), lastModifiedBy: 'worker' } }); // held by the worker…
    await heartbeatsOf(worker).releaseHeld([{ _id, name: 'kept-job' }], 'worker'); // …which stops and releases it
    // A wake-up written after all of the above, so everything before it has been heard
    await producer.now('notified-job', {});
    await eventually(async () => notified.some((n) => n.jobName === 'notified-job'), (seen) => seen, { intervalMs: 10 });
    unsubscribe();

    // Assert: created, re-armed, released (a release names the job, not its id)
    expect(notified.filter((n) => String(n.jobId) === id)).toHaveLength(2);
    expect(notified.filter((n) => n.jobName === 'kept-job')).toHaveLength(3);
  });
});
