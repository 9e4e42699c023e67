import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Agenda } from 'agenda';
import { MongoClient } from 'mongodb';
import { createAgenda, stopAgenda } from '../../shared/src/agenda.js';
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
});
