import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Agenda } from 'agenda';
import { MongoClient } from 'mongodb';
import { createAgenda, stopAgenda } from '../../shared/src/agenda/agenda.js';
import { RUNNABLE_JOB_CHANGES } from '../../shared/src/agenda/notification-channel.js';
import { createLogger } from '../../shared/src/logger.js';
import { eventually } from '../support/eventually.js';
import { freshDatabaseUri } from '../support/mongo.js';

const logger = createLogger({ name: 'agenda-notifications-test', level: 'silent' });

/** Polling far slower than any test: a job that starts at all started through the change stream. */
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

  it('When a job is created, locked, run, renewed, ended, re-armed and released, then only the changes that leave it runnable pass the filter', async () => {
    // Arrange: the channel's filter on a stream of our own, with the post-image the channel asks for
    const jobs = client.db().collection('agendaJobs');
    const stream = jobs.watch([RUNNABLE_JOB_CHANGES], { fullDocument: 'updateLookup' });
    const passed: string[] = [];
    stream.on('change', (change) => passed.push(String((change as { documentKey?: { _id: unknown } }).documentKey?._id)));
    await new Promise((resolve) => setTimeout(resolve, 200)); // the stream's cursor is open
    const due = new Date();

    // Act: a one-off job's whole life, written as Agenda writes it
    const { insertedId: id } = await jobs.insertOne({ name: 'filtered-job', data: {}, nextRunAt: due, lockedAt: null, type: 'normal', priority: 0 });
    const step = (change: object) => jobs.updateOne({ _id: id }, { $set: change });
    await step({ lockedAt: new Date() }); // locked
    await step({ lastRunAt: new Date(), nextRunAt: null }); // run started (one-off: no next run)
    await step({ lockedAt: new Date(), progress: 50 }); // heartbeat
    await step({ lockedAt: null, lastFinishedAt: new Date() }); // run ended
    await step({ nextRunAt: due }); // re-armed
    await step({ lockedAt: new Date() }); // locked again
    await step({ lockedAt: null }); // released by a stopping process, still due
    // A change the stream delivers after all of the above
    const { insertedId: marker } = await jobs.insertOne({ name: 'marker', data: {}, nextRunAt: due, lockedAt: null });
    await eventually(async () => passed, (ids) => ids.includes(String(marker)), { intervalMs: 10 });
    await stream.close();

    // Assert: created, re-armed, released
    expect(passed.filter((passedId) => passedId === String(id))).toHaveLength(3);
  });
});
