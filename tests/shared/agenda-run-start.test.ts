import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { backoffStrategies, type Agenda } from 'agenda';
import { MongoClient, ObjectId, type Document } from 'mongodb';
import { createAgenda, startAgenda, stopAgenda } from '../../shared/src/agenda/agenda.js';
import { heartbeatsOf } from '../../shared/src/agenda/job-heartbeat.js';
import { createLogger } from '../../shared/src/logger.js';
import { eventually } from '../support/eventually.js';
import { freshDatabaseUri } from '../support/mongo.js';

const logger = createLogger({ name: 'agenda-run-start-test', level: 'silent' });

/** The worker's client: the fail point below holds back only its commands. */
const WORKER_APP = 'run-start-worker';
const HELD_MS = 1_500;

/**
 * A run's start is written alongside the run (shared/src/agenda/run-start.ts). MongoDB's `failCommand`
 * fail point holds the worker's next `update` (the run-start write: the lock is a findAndModify, and
 * an idle worker writes nothing else) for HELD_MS, so each test sees the run while its start is
 * still on the wire.
 */
describe('Agenda run start', () => {
  let worker: Agenda;
  let workerClient: MongoClient;
  let client: MongoClient;
  const seenAtStart: Record<string, Document | null> = {};
  const jobs = () => client.db().collection('agendaJobs');
  const holdNextWorkerUpdate = () =>
    client.db('admin').command({
      configureFailPoint: 'failCommand',
      mode: { times: 1 },
      data: { failCommands: ['update'], appName: WORKER_APP, blockConnection: true, blockTimeMS: HELD_MS },
    });

  beforeAll(async () => {
    const uri = freshDatabaseUri('agenda_run_start');
    client = await MongoClient.connect(uri);
    workerClient = await MongoClient.connect(uri, { appName: WORKER_APP });
    worker = await createAgenda({ db: workerClient.db(), name: 'worker', processEveryMs: 200, defaultLockLifetimeMs: 5_000, logger });
    const recordStart = async (job: { attrs: { _id?: unknown } }) => {
      seenAtStart[String(job.attrs._id)] = await jobs().findOne({ _id: new ObjectId(String(job.attrs._id)) });
    };
    worker.define('quick', recordStart);
    worker.define(
      'fails-then-retries',
      async (job) => {
        await recordStart(job);
        throw new Error('broken on purpose');
      },
      { backoff: backoffStrategies.constant({ delay: 60_000, maxRetries: 3 }) },
    );
    // A short lock: its heartbeat renews it every 100 ms while the start write is held.
    heartbeatsOf(worker).define(
      'outlives-its-heartbeats',
      async (job, lease) => {
        await recordStart(job);
        for (let i = 0; i < 20; i++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          await lease.checkpoint();
        }
      },
      { lockLifetime: 300 },
    );
    await startAgenda(worker);
  });

  afterEach(async () => {
    await client.db('admin').command({ configureFailPoint: 'failCommand', mode: 'off' });
  });

  afterAll(async () => {
    await stopAgenda(worker, logger);
    await workerClient.close();
    await client.close();
  });

  const queue = async (name: string) => (await jobs().insertOne({ name, data: {}, nextRunAt: new Date(), priority: 0, type: 'normal', lockedAt: null, lastRunAt: null })).insertedId;

  it('When a job is locked, then its handler starts before the write of its start lands, and that write lands', async () => {
    // Arrange
    await holdNextWorkerUpdate();

    // Act
    const id = await queue('quick');

    // Assert: the handler saw the job locked but not yet started; then the job ran to its removal
    await eventually(async () => seenAtStart[String(id)], (doc) => doc !== undefined, { timeoutMs: 10_000 });
    expect(seenAtStart[String(id)]).toMatchObject({ lockedAt: expect.any(Date), lastRunAt: null });
    await eventually(() => jobs().countDocuments({ _id: id }), (n) => n === 0, { timeoutMs: 10_000 });
  });

  it('When a run fails while its start is still on the wire, then its retry survives the start write', async () => {
    // Arrange
    await holdNextWorkerUpdate();

    // Act
    const id = await queue('fails-then-retries');

    // Assert: the failure (and its retry a minute later) is saved after the start, not overwritten by it
    const stored = await eventually(() => jobs().findOne({ _id: id }), (doc) => doc?.failCount === 1 && doc.lockedAt == null, { timeoutMs: 10_000 });
    // Time for a start write saved out of order to land (and erase the retry) before the check.
    await new Promise((resolve) => setTimeout(resolve, HELD_MS));
    const settled = await jobs().findOne({ _id: id });
    expect(seenAtStart[String(id)]).toMatchObject({ lastRunAt: null });
    expect(settled).toMatchObject({ failReason: 'broken on purpose', failCount: 1, lastRunAt: stored!.lastRunAt, lockedAt: null });
    expect(settled!.nextRunAt!.getTime()).toBeGreaterThan(Date.now() + 30_000);
  });

  it('When the start write lands after a heartbeat renewed the lock, then the run keeps its lock and succeeds', async () => {
    // Arrange
    await holdNextWorkerUpdate();

    // Act
    const id = await queue('outlives-its-heartbeats');

    // Assert: removed after 2 s of checkpoints, never failed as "lost its lock"
    await eventually(async () => seenAtStart[String(id)], (doc) => doc !== undefined, { timeoutMs: 10_000 });
    expect(seenAtStart[String(id)]).toMatchObject({ lastRunAt: null });
    const gone = await eventually(() => jobs().findOne({ _id: id }), (doc) => doc == null || doc.failReason != null, { timeoutMs: 10_000 });
    expect(gone).toBeNull();
  });
});
