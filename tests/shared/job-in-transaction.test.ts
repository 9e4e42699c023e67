import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Agenda } from 'agenda';
import type { Document, MongoClient } from 'mongodb';
import type { Connection } from 'mongoose';
import { createAgenda, startAgenda, stopAgenda } from '../../shared/src/agenda/agenda.js';
import { AGENDA_JOBS_COLLECTION } from '../../shared/src/agenda/job-heartbeat.js';
import { JobsInTransaction } from '../../shared/src/agenda/job-in-transaction.js';
import { JOB_WAKE_UPS_COLLECTION } from '../../shared/src/agenda/job-wake-ups.js';
import { createLogger } from '../../shared/src/logger.js';
import { clientBulkWrite } from '../../shared/src/mongo/client-bulk-write.js';
import { connectMongo } from '../../shared/src/mongo/connect.js';
import { withTransaction } from '../../shared/src/mongo/with-transaction.js';
import { eventually } from '../support/eventually.js';
import { freshDatabaseUri } from '../support/mongo.js';

const logger = createLogger({ name: 'job-in-transaction-test', level: 'silent' });
const JOB = 'transactional-job';

describe('Jobs queued in a transaction', () => {
  let conn: Connection;
  let client: MongoClient;
  let agenda: Agenda;
  let jobs: JobsInTransaction;
  const ran: string[] = [];
  const jobsCollection = () => client.db().collection(AGENDA_JOBS_COLLECTION);

  beforeAll(async () => {
    conn = await connectMongo(freshDatabaseUri('job_in_transaction'), logger);
    client = conn.getClient() as unknown as MongoClient;
    agenda = await createAgenda({ db: client.db(), name: 'queuer', processEveryMs: 10 * 60_000, defaultLockLifetimeMs: 5_000, logger });
    agenda.define<{ key: string }>(JOB, async (job) => {
      ran.push(job.attrs.data.key);
    });
    jobs = new JobsInTransaction(agenda, client.db());
    await startAgenda(agenda);
  });

  afterAll(async () => {
    await stopAgenda(agenda, logger);
    await conn.close();
  });

  beforeEach(async () => {
    await jobsCollection().deleteMany({});
    ran.length = 0;
  });

  it('When a job is queued here (alone or as a write of a client bulk write) and the same job through Agenda, then the documents have the same fields and values', async () => {
    // Arrange: a name nobody processes, so no document changes after its save
    const name = 'never-processed';

    // Act
    await agenda.create(name, { key: 'agenda' }).unique({ 'data.key': 'agenda' }, { insertOnly: true }).schedule(new Date()).save();
    await jobs.queueUnique({ name, data: { key: 'ours' }, unique: { 'data.key': 'ours' } });
    await withTransaction(conn, (session) => clientBulkWrite(client, [jobs.queueUniqueWrite({ name, data: { key: 'bulk' }, unique: { 'data.key': 'bulk' } }, session)], { session }));

    // Assert
    const comparable = ({ _id, nextRunAt, data, ...rest }: Document) => ({ ...rest, nextRunAt: nextRunAt instanceof Date, data: Object.keys(data) });
    const [theirs, ours, bulk] = await Promise.all(['agenda', 'ours', 'bulk'].map((key) => jobsCollection().findOne({ name, 'data.key': key })));
    expect(comparable(ours!)).toEqual(comparable(theirs!));
    expect(comparable(bulk!)).toEqual(comparable(theirs!));
  });

  it('When the transaction aborts, then no job exists; when it commits, then exactly one does and it runs', async () => {
    // Act: queued inside a transaction that aborts, then inside one that commits
    await expect(
      withTransaction(conn, async (session) => {
        await jobs.queueUnique({ name: JOB, data: { key: 'aborted' }, unique: { 'data.key': 'aborted' } }, session);
        throw new Error('the request failed after queueing');
      }),
    ).rejects.toThrow('the request failed after queueing');
    await withTransaction(conn, (session) => jobs.queueUnique({ name: JOB, data: { key: 'committed' }, unique: { 'data.key': 'committed' } }, session));

    // Assert: the committed one runs (its wake-up, written after the commit; the poll is minutes away)
    await eventually(async () => ran, (keys) => keys.includes('committed'), { timeoutMs: 5_000 });
    expect(await jobsCollection().countDocuments({ 'data.key': 'aborted' })).toBe(0);
    expect(ran).toEqual(['committed']);
  });

  it('When a job is queued in a transaction, then its wake-up is written once the transaction commits, not before, and once', async () => {
    // Arrange
    const name = 'never-processed';
    const wakeUpsOf = () => client.db().collection(JOB_WAKE_UPS_COLLECTION).countDocuments({ name });
    const before = await wakeUpsOf();
    let duringTransaction = -1;

    // Act: the job queued as a write of the request's client bulk write, then the rest of the transaction
    await withTransaction(conn, async (session) => {
      await clientBulkWrite(client, [jobs.queueUniqueWrite({ name, data: { key: 'woken' }, unique: { 'data.key': 'woken' } }, session)], { session });
      duringTransaction = (await wakeUpsOf()) - before;
    });

    // Assert
    expect(duringTransaction).toBe(0);
    expect((await wakeUpsOf()) - before).toBe(1);
  });

  it('When a job with the same unique key already exists, then queueing again leaves it as it is', async () => {
    // Arrange: a queued job someone has locked (as a running one would be)
    const name = 'never-processed';
    await jobs.queueUnique({ name, data: { key: 'once', attempt: 1 }, unique: { 'data.key': 'once' } });
    const lockedAt = new Date();
    await jobsCollection().updateOne({ name }, { $set: { lockedAt } });

    // Act
    await jobs.queueUnique({ name, data: { key: 'once', attempt: 2 }, unique: { 'data.key': 'once' } });
    await withTransaction(conn, (session) => clientBulkWrite(client, [jobs.queueUniqueWrite({ name, data: { key: 'once', attempt: 3 }, unique: { 'data.key': 'once' } }, session)], { session }));

    // Assert
    const all = await jobsCollection().find({ name }).toArray();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ data: { key: 'once', attempt: 1 }, lockedAt });
  });
});
