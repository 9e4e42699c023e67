import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Agenda } from 'agenda';
import { MongoClient, ObjectId, type ChangeStream, type ChangeStreamDocument } from 'mongodb';
import { createAgenda, startAgenda, stopAgenda } from '../../shared/src/agenda/agenda.js';
import { createLogger } from '../../shared/src/logger.js';
import { eventually } from '../support/eventually.js';
import { freshDatabaseUri } from '../support/mongo.js';

const logger = createLogger({ name: 'agenda-final-save-test', level: 'silent' });

/** Agenda's end of a run: what it writes for a job that succeeded, failed, or comes again. */
describe('Agenda end of a run', () => {
  let client: MongoClient;
  let worker: Agenda;
  const changes: ChangeStreamDocument[] = [];
  let stream: ChangeStream;
  const jobs = () => client.db().collection('agendaJobs');

  beforeAll(async () => {
    client = await MongoClient.connect(freshDatabaseUri('agenda_final_save'));
    worker = await createAgenda({ db: client.db(), name: 'worker', processEveryMs: 200, defaultLockLifetimeMs: 5_000, logger });
    worker.define('succeeds', async () => {});
    worker.define('fails', async () => {
      throw new Error('broken on purpose');
    });
    worker.define('recurs', async () => {});
    await jobs().insertOne({ name: 'warm-up' });
    stream = jobs().watch([], { fullDocument: 'updateLookup' });
    stream.on('change', (change) => changes.push(change as ChangeStreamDocument));
    await startAgenda(worker);
  });

  afterAll(async () => {
    await stream.close();
    await stopAgenda(worker, logger);
    await client.close();
  });

  const changesOf = (id: unknown) => changes.filter((c) => 'documentKey' in c && String(c.documentKey._id) === String(id));

  it('When a one-off job succeeds, then it is removed without being unlocked first (no released lock for every process to chase)', async () => {
    // Act
    const job = await worker.now('succeeds', {});
    await eventually(() => jobs().countDocuments({ _id: new ObjectId(String(job.attrs._id)) }), (n) => n === 0, { timeoutMs: 10_000 });

    // Assert: inserted, locked, started, removed; never `lockedAt: null` before the removal
    const seen = await eventually(async () => changesOf(job.attrs._id), (c) => c.some((x) => x.operationType === 'delete'), { timeoutMs: 5_000 });
    const unlocked = seen.filter((c) => c.operationType === 'update' && ('lockedAt' in (c.updateDescription.updatedFields ?? {}) ? c.updateDescription.updatedFields!.lockedAt == null : c.updateDescription.removedFields?.includes('lockedAt')));
    expect(unlocked).toHaveLength(0);
    expect(seen.at(-1)!.operationType).toBe('delete');
  });

  it('When a one-off job fails, then its failure is saved, unlocked, and the job is kept', async () => {
    const job = await worker.now('fails', {});
    const stored = await eventually(() => jobs().findOne({ _id: new ObjectId(String(job.attrs._id)) }), (doc) => doc?.failReason != null && doc.lockedAt == null, { timeoutMs: 10_000 });
    expect(stored).toMatchObject({ failReason: 'broken on purpose', failCount: 1 });
  });

  it('When a recurring job succeeds, then it is saved unlocked with its next run, and kept', async () => {
    const job = await worker.every('1 hour', 'recurs', {});
    const stored = await eventually(() => jobs().findOne({ _id: new ObjectId(String(job.attrs._id)) }), (doc) => doc?.lastFinishedAt != null && doc.lockedAt == null, { timeoutMs: 10_000 });
    expect(stored!.nextRunAt!.getTime()).toBeGreaterThan(Date.now());
  });
});
